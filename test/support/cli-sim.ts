/**
 * A simulated account for the CLI tests that point `ecs-ops` at the simulator: a scenario's fleet as a world behind the
 * protocol server, every call authorized (sim/iam), the scenario's config written where the CLI looks for it, and the
 * environment that gives the CLI the operator role's credentials (sim/iam/operator.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createIamEnforcement, type IamEnforcement } from '../../sim/iam/index.js';
import { buildWorld } from '../../sim/scenario/build-world.js';
import { loadScenarioFile, type Scenario } from '../../sim/scenario/load.js';
import { startAwsServer, type AwsServer } from '../../sim/server/server.js';
import { repoRoot } from './fixtures.js';

export interface SimulatedAccount {
  server: AwsServer;
  iam: IamEnforcement;
  /** Holds `ecs-ops.config.yml`: the CLI's working directory. */
  dir: string;
  /** The environment giving the CLI the endpoint, the region and the operator's credentials. */
  operatorEnv: Record<string, string>;
  close(): Promise<void>;
}

export async function startSimulatedAccount(
  scenarioName: string,
  options: {
    fleet?: (fleet: Scenario['fleet']) => Scenario['fleet'];
    advanceMs?: number;
    /** Create the config's notification resources as `simulate` does: SNS topics, Slack webhook SecureStrings. */
    channels?: boolean;
  } = {},
): Promise<SimulatedAccount> {
  const scenario = loadScenarioFile(join(repoRoot, 'sim/scenarios', scenarioName), scenarioName);
  const fleet = options.fleet ? options.fleet(scenario.fleet) : scenario.fleet;
  const world = buildWorld(fleet, { seed: 1, startMs: scenario.startMs, region: scenario.region, account: scenario.account });
  if (options.channels === true) {
    for (const channel of scenario.config.notifications.channels) {
      if (channel.type === 'sns') world.createTopic(channel.topicArn);
      else world.putSecureString(channel.webhookParameter, `https://hooks.slack.com/services/T0SIMULATE/B0${channel.name}/simulated`);
    }
  }
  if (options.advanceMs !== undefined) world.clock.advanceTo(scenario.startMs + options.advanceMs);
  const iam = createIamEnforcement(undefined, world.resourceDirectory, () => world.now());
  const server = await startAwsServer({ apis: world.apis, slack: false, authorize: iam.authorize });
  const dir = mkdtempSync(join(tmpdir(), 'ecs-ops-cli-sim-'));
  writeFileSync(join(dir, 'ecs-ops.config.yml'), stringify(scenario.config));
  return {
    server,
    iam,
    dir,
    operatorEnv: { AWS_ENDPOINT_URL: server.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: iam.operatorAccessKeyId, AWS_SECRET_ACCESS_KEY: 'sim' },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
