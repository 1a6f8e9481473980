/**
 * `ecs-ops audit` against the simulator, as a user would point it there: AWS_ENDPOINT_URL to the simulated AWS
 * (protocol server + world), real SDK clients, no mocks, every call authorized against the operator role
 * (sim/iam/operator.ts) the CLI is given credentials of.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildWorld } from '../../sim/scenario/build-world.js';
import { createIamEnforcement, type IamEnforcement } from '../../sim/iam/index.js';
import { loadScenarioFile } from '../../sim/scenario/load.js';
import { startAwsServer, type AwsServer } from '../../sim/server/server.js';
import { runCli } from '../support/cli.js';
import { repoRoot } from '../support/fixtures.js';

let server: AwsServer;
let iam: IamEnforcement;
const dir = mkdtempSync(join(tmpdir(), 'ecs-ops-audit-sim-'));

beforeAll(async () => {
  const scenario = loadScenarioFile(join(repoRoot, 'sim/scenarios/placement-max-per-instance.yml'), 'placement-max-per-instance.yml');
  const world = buildWorld(scenario.fleet, { seed: 1, startMs: scenario.startMs, region: scenario.region, account: scenario.account });
  world.clock.advanceTo(scenario.startMs + 60_000);
  iam = createIamEnforcement(undefined, world.resourceDirectory, () => world.now());
  server = await startAwsServer({ apis: world.apis, slack: false, authorize: iam.authorize });
  writeFileSync(join(dir, 'ecs-ops.config.yml'), stringify(scenario.config));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ecs-ops audit on the simulator', () => {
  it('finds the two replicas per instance, stops nothing, and uses only List/Describe calls', async () => {
    const env = { AWS_ENDPOINT_URL: server.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: iam.operatorAccessKeyId, AWS_SECRET_ACCESS_KEY: 'sim' };
    const result = await runCli(['audit', '--cluster', 'prod', '--json'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout) as { services: number; instances: number; tasks: number; violations: { rule: string; amount: number; message: string }[] };
    expect(out).toMatchObject({ services: 1, instances: 3, tasks: 6 });
    expect(out.violations.map((v) => [v.rule, v.amount])).toEqual([['maxPerInstance', 3]]);
    expect(out.violations[0]?.message).toMatch(/^web: 2 tasks on i-[0-9a-f]+ \(us-east-1[abc]\), 2 on i-[0-9a-f]+ \(us-east-1[abc]\), 2 on i-[0-9a-f]+ \(us-east-1[abc]\); allowed 1 per instance$/);
    const operations = Object.keys(server.calls.counts());
    expect(operations.every((op) => /^ecs:(List|Describe)/.test(op)), operations.join(', ')).toBe(true);
    expect(iam.authorizer.denials).toEqual([]);
  });

  it('is refused with the simulated account\'s error when its credentials are not the operator\'s', async () => {
    const env = { AWS_ENDPOINT_URL: server.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDNOTKNOWN', AWS_SECRET_ACCESS_KEY: 'sim' };
    const result = await runCli(['audit', '--cluster', 'prod', '--json'], { cwd: dir, env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/UnrecognizedClientException: The security token included in the request is invalid/);
  });
});
