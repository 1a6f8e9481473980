/**
 * `ecs-ops run` against the simulator with the operator role's credentials (sim/iam/operator.ts): the RunTask its
 * next tick would make, authorized like any other caller's — the task definition with ecs:cluster, ecs:TagResource for
 * the tags on create, iam:PassRole for the task definition's roles — and nothing denied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startSimulatedAccount, type SimulatedAccount } from '../support/cli-sim.js';

const EXECUTION_ROLE = 'arn:aws:iam::123456789012:role/ecs-task-execution';
let account: SimulatedAccount;

beforeAll(async () => {
  account = await startSimulatedAccount('schedule-success.yml', {
    fleet: (fleet) => ({ ...fleet, taskDefinitions: fleet.taskDefinitions.map((td) => ({ ...td, executionRoleArn: EXECUTION_ROLE })) }),
  });
});
afterAll(() => account.close());

describe('ecs-ops run on the simulator', () => {
  it('starts the schedule\'s task with the operator role, passing the task definition\'s execution role', async () => {
    const { server, iam, dir, operatorEnv: env } = account;
    const result = await runCli(['run', 'report'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(server.calls.counts()).toMatchObject({ 'ecs:RunTask': 1 });
    expect(iam.authorizer.denials).toEqual([]);
    // What was authorized: PassRole of the execution role was among the decisions (not denied, so not recorded).
    expect(iam.authorizer.stats.evaluated).toBeGreaterThanOrEqual(3);
  });
});
