/**
 * `ecs-ops audit` against the simulator, as a user would point it there: AWS_ENDPOINT_URL to the simulated AWS
 * (protocol server + world), real SDK clients, no mocks, every call authorized against the operator role
 * (sim/iam/operator.ts) the CLI is given credentials of.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startSimulatedAccount, type SimulatedAccount } from '../support/cli-sim.js';

let account: SimulatedAccount;

beforeAll(async () => {
  account = await startSimulatedAccount('placement-max-per-instance.yml', { advanceMs: 60_000 });
});
afterAll(() => account.close());

describe('ecs-ops audit on the simulator', () => {
  it('finds the two replicas per instance, stops nothing, and uses only List/Describe calls', async () => {
    const { server, iam, dir, operatorEnv: env } = account;
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
    const { dir } = account;
    const env = { ...account.operatorEnv, AWS_ACCESS_KEY_ID: 'AKIDNOTKNOWN' };
    const result = await runCli(['audit', '--cluster', 'prod', '--json'], { cwd: dir, env });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^ecs-ops audit: AWS refused the credentials \(UnrecognizedClientException: The security token included in the request is invalid\.?\): [^\n]*\n$/);
  });
});
