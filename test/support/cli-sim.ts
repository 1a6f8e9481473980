/**
 * The simulated account of a shipped scenario (sim/account.ts, what `ecs-ops sim serve` runs) for the CLI tests that
 * point `ecs-ops` at the simulator; the CLI's working directory (`dir`) holds the scenario's config.
 */
import { join } from 'node:path';
import { startSimulatedAccount as start, type SimulatedAccount, type SimulatedAccountOptions } from '../../sim/account.js';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { repoRoot } from './fixtures.js';

export type { SimulatedAccount } from '../../sim/account.js';

export function startSimulatedAccount(scenarioName: string, options: SimulatedAccountOptions = {}): Promise<SimulatedAccount> {
  return start(loadScenarioFile(join(repoRoot, 'sim/scenarios', scenarioName), scenarioName), options);
}
