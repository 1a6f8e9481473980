/**
 * A simulated account: a scenario's fleet as a world behind the protocol server (sim/server), every call authorized
 * (sim/iam) and signed-for with the operator role's credentials (sim/iam/operator.ts), the scenario's ecs-ops config
 * written to a file. What `ecs-ops sim serve` runs and what the CLI-on-simulator tests start: the CLI is pointed at
 * it as at AWS, with AWS_ENDPOINT_URL (the SDK's endpoint override variable).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { deployStage, type DeployedStage, type DeployedStageOptions } from './deployed-stage.js';
import { createIamEnforcement, type IamEnforcement } from './iam/index.js';
import { buildWorld, type SimWorld } from './scenario/build-world.js';
import type { Scenario } from './scenario/load.js';
import { startAwsServer, type AwsServer } from './server/server.js';

/** The secret the simulator accepts with the operator's key (it checks who signs, not the signature: sim/server). */
export const OPERATOR_SECRET = 'sim';

export interface SimulatedAccount {
  server: AwsServer;
  iam: IamEnforcement;
  world: SimWorld;
  region: string;
  account: string;
  /** Holds `ecs-ops.config.yml`, the scenario's config: the CLI's working directory in tests. */
  dir: string;
  configFile: string;
  /** The environment giving the CLI the endpoint, the region and the operator's credentials. */
  operatorEnv: { AWS_ENDPOINT_URL: string; AWS_REGION: string; AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string };
  /** The ecs-ops stage deployed in the account (sim/deployed-stage.ts), undefined with `deployed: false`. */
  deployed: DeployedStage | undefined;
  close(): Promise<void>;
}

export interface SimulatedAccountOptions {
  /** Changes to the scenario's fleet before the world is built. */
  fleet?: (fleet: Scenario['fleet']) => Scenario['fleet'];
  /** The world's start time. Default: the scenario's start. */
  startMs?: number;
  /** Move the world's clock this far after it is built (instances register, tasks start). */
  advanceMs?: number;
  /** The local port. Default: a free one. */
  port?: number;
  seed?: number;
  /** The ecs-ops stage deployed in the account, what `ecs-ops status` reads (false: none). Default: stage prod, healthy. */
  deployed?: false | DeployedStageOptions;
}

export async function startSimulatedAccount(scenario: Scenario, options: SimulatedAccountOptions = {}): Promise<SimulatedAccount> {
  const fleet = options.fleet ? options.fleet(scenario.fleet) : scenario.fleet;
  const startMs = options.startMs ?? scenario.startMs;
  const world = buildWorld(fleet, { seed: options.seed ?? 1, startMs, region: scenario.region, account: scenario.account });
  if (options.advanceMs !== undefined) world.clock.advanceTo(startMs + options.advanceMs);
  const deployed = options.deployed === false ? undefined : deployStage(world, { clusters: scenario.config.clusters.map((c) => c.name), ...options.deployed });
  const iam = createIamEnforcement(undefined, world.resourceDirectory, () => world.now());
  const server = await startAwsServer({ apis: world.apis, slack: false, authorize: iam.authorize, ...(options.port !== undefined ? { port: options.port } : {}) });
  const dir = mkdtempSync(join(tmpdir(), 'ecs-ops-sim-account-'));
  const configFile = join(dir, 'ecs-ops.config.yml');
  writeFileSync(configFile, stringify(scenario.config));
  return {
    server,
    iam,
    world,
    region: scenario.region,
    account: scenario.account,
    dir,
    configFile,
    deployed,
    operatorEnv: { AWS_ENDPOINT_URL: server.url, AWS_REGION: scenario.region, AWS_ACCESS_KEY_ID: iam.operatorAccessKeyId, AWS_SECRET_ACCESS_KEY: OPERATOR_SECRET },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
