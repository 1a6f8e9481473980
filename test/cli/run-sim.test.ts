/**
 * `ecs-ops run` against the simulator with the operator role's credentials (sim/iam/operator.ts): the RunTask its
 * next tick would make, authorized like any other caller's — the task definition with ecs:cluster, ecs:TagResource for
 * the tags on create, iam:PassRole for the task definition's roles — and nothing denied.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createIamEnforcement, type IamEnforcement } from '../../sim/iam/index.js';
import { buildWorld } from '../../sim/scenario/build-world.js';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { startAwsServer, type AwsServer } from '../../sim/server/server.js';
import { runCli } from '../support/cli.js';
import { repoRoot } from '../support/fixtures.js';

let server: AwsServer;
let iam: IamEnforcement;
const dir = mkdtempSync(join(tmpdir(), 'ecs-ops-run-sim-'));
const EXECUTION_ROLE = 'arn:aws:iam::123456789012:role/ecs-task-execution';

beforeAll(async () => {
  const scenario = loadScenarioFile(join(repoRoot, 'sim/scenarios/schedule-success.yml'), 'schedule-success.yml');
  const fleet = { ...scenario.fleet, taskDefinitions: scenario.fleet.taskDefinitions.map((td) => ({ ...td, executionRoleArn: EXECUTION_ROLE })) };
  const world = buildWorld(fleet, { seed: 1, startMs: scenario.startMs, region: scenario.region, account: scenario.account });
  iam = createIamEnforcement(undefined, world.resourceDirectory, () => world.now());
  server = await startAwsServer({ apis: world.apis, slack: false, authorize: iam.authorize });
  writeFileSync(join(dir, 'ecs-ops.config.yml'), stringify(scenario.config));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ecs-ops run on the simulator', () => {
  it('starts the schedule\'s task with the operator role, passing the task definition\'s execution role', async () => {
    const env = { AWS_ENDPOINT_URL: server.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: iam.operatorAccessKeyId, AWS_SECRET_ACCESS_KEY: 'sim' };
    // `run` takes its endpoint and credentials from the process environment (the SDK's default chain), not io.env.
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const result = await runCli(['run', 'report'], { cwd: dir, env }).finally(() => {
      for (const key of Object.keys(env)) {
        if (saved[key] === undefined) Reflect.deleteProperty(process.env, key);
        else process.env[key] = saved[key];
      }
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(server.calls.counts()).toMatchObject({ 'ecs:RunTask': 1 });
    expect(iam.authorizer.denials).toEqual([]);
    // What was authorized: PassRole of the execution role was among the decisions (not denied, so not recorded).
    expect(iam.authorizer.stats.evaluated).toBeGreaterThanOrEqual(3);
  });
});
