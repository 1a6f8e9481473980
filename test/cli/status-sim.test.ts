/**
 * `ecs-ops status` against the simulated account (protocol server + world, real SDK clients, the operator role's
 * credentials, IAM enforced), the stage deployed by sim/deployed-stage.ts. The world's clock is the real one (as in
 * `ecs-ops sim serve`): status asks for the last hour by the CLI's clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startSimulatedAccount, type SimulatedAccount } from '../support/cli-sim.js';
import type { SimulatedAccountOptions } from '../../sim/account.js';

let account: SimulatedAccount | undefined;
afterEach(async () => {
  await account?.close();
  account = undefined;
});

const MINUTE = 60_000;

/** The account with the world's clock at now (as `sim serve` starts it: ten minutes of history, then real time). */
async function open(options: SimulatedAccountOptions = {}): Promise<SimulatedAccount> {
  const now = Math.floor(Date.now() / 1000) * 1000;
  account = await startSimulatedAccount('drain-scale-in.yml', { startMs: now - 10 * MINUTE, advanceMs: 10 * MINUTE, ...options });
  return account;
}

describe('ecs-ops status on the simulator', () => {
  it('a healthy stage: stack, functions, queue, passes, no alarm; exit 0, read-only calls only, nothing denied', async () => {
    const { dir, operatorEnv: env, server, iam } = await open();
    const result = await runCli(['status'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ecs-ops-prod in us-east-1: UPDATE_COMPLETE, last update \d{4}-\d\d-\d\dT[\d:.]+Z, version \d+\.\d+\.\d+, stage prod\n/);
    expect(result.stdout).toMatch(/ecs-ops-prod-drain +6\d invocations, 0 errors/);
    expect(result.stdout).toMatch(/ecs-ops-prod-alerts +0 invocations, 0 errors/);
    expect(result.stdout).toContain('failure queue: 0 visible, 0 in flight');
    expect(result.stdout).toMatch(/ecs-ops-drain +last completed (less than a minute|1 min) ago/);
    expect(result.stdout).toContain('alarms in ALARM: none');
    expect(result.stdout.trimEnd().endsWith('healthy')).toBe(true);
    const operations = Object.keys(server.calls.counts()).sort();
    expect(operations).toEqual(['cloudformation:DescribeStacks', 'cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData', 'sqs:GetQueueAttributes']);
    expect(iam.authorizer.denials).toEqual([]);
  });

  it('--output json: one document with the stack, functions, passes and healthy: true', async () => {
    const { dir, operatorEnv: env } = await open();
    const result = await runCli(['status', '--output', 'json', '--config', 'ecs-ops.config.yml'], { cwd: dir, env });
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { stage: string; stack: { status: string; outputs: Record<string, string> }; functions: { name: string; invocations: number }[]; reconcilePasses: { service: string; lastCompleted: string | null }[]; drains: unknown[]; healthy: boolean; problems: unknown[] };
    expect(out.stage).toBe('prod');
    expect(out.stack.status).toBe('UPDATE_COMPLETE');
    expect(out.stack.outputs.EcsOpsClusters).toBe('prod');
    expect(out.functions.map((f) => f.name)).toEqual(['ecs-ops-prod-alerts', 'ecs-ops-prod-drain', 'ecs-ops-prod-scheduleRunner']);
    expect(out.reconcilePasses.map((p) => p.service)).toEqual(['ecs-ops-drain', 'ecs-ops-schedule-runner']);
    expect(out.reconcilePasses.every((p) => p.lastCompleted !== null && Date.now() - Date.parse(p.lastCompleted) < 2 * MINUTE)).toBe(true);
    expect(out.drains).toEqual([]);
    expect(out.healthy).toBe(true);
    expect(out.problems).toEqual([]);
  });

  it('a message in the failure queue: exit 1 with the reason', async () => {
    const { dir, operatorEnv: env, world, deployed } = await open();
    world.deployment.queues.setMessageCounts(deployed!.queueName, { visible: 1 });
    const result = await runCli(['status'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('failure queue: 1 visible, 0 in flight');
    expect(result.stdout).toContain('unhealthy: 1 problem\n  the failure queue holds 1 event a function gave up on (1 visible, 0 in flight)\n');
  });

  it('an alarm in ALARM: exit 1 naming it', async () => {
    const { dir, operatorEnv: env, world, deployed } = await open();
    const name = deployed!.alarms.DrainErrorsAlarm!;
    world.deployment.metrics.putAlarm({ name, namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: 'ecs-ops-prod-drain' }, state: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [2.0] was greater than or equal to the threshold (1.0).' });
    const result = await runCli(['status', '--json'], { cwd: dir, env });
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout) as { healthy: boolean; problems: { check: string; message: string }[] };
    expect(out.healthy).toBe(false);
    expect(out.problems).toEqual([{ check: 'alarm', message: `alarm ${name} is in ALARM: Threshold Crossed: 1 datapoint [2.0] was greater than or equal to the threshold (1.0).` }]);
  });

  it('function errors in the last hour: exit 1', async () => {
    const { dir, operatorEnv: env, world } = await open();
    world.deployment.metrics.putDataPoint({ namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: 'ecs-ops-prod-drain' }, at: world.now() - 20 * MINUTE, value: 2 });
    const result = await runCli(['status'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/ecs-ops-prod-drain +6\d invocations, 2 errors/);
    expect(result.stdout).toMatch(/\n {2}ecs-ops-prod-drain had 2 errors in 6\d invocations in the last 60 min\n/);
  });

  it('a stalled drain pass: exit 1 with how long ago it last completed; --config sets the threshold', async () => {
    const { dir, operatorEnv: env } = await open({ deployed: { stalledPasses: ['ecs-ops-drain'], stalledForMs: 15 * MINUTE } });
    const result = await runCli(['status'], { cwd: dir, env });
    expect(result.code).toBe(1);
    // The served world follows real time between seeding and reading: under load the read can fall a minute later.
    expect(result.stdout).toMatch(/unhealthy: 1 problem\n {2}the ecs-ops-drain reconcile pass last completed 1[56] min ago \(threshold 10 min\)\n/);
  });

  it('another stage that is not deployed: exit 1, "does not exist"', async () => {
    const { dir, operatorEnv: env } = await open();
    const result = await runCli(['status', '--stage', 'staging'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('ecs-ops-staging (stage staging) in us-east-1: not deployed');
    expect(result.stdout).toContain('stack ecs-ops-staging does not exist in us-east-1 (deploy it, or pass --stage/--region)');
  });

  it('exits 3 with one line when the credentials are refused', async () => {
    const { dir, operatorEnv } = await open();
    const result = await runCli(['status'], { cwd: dir, env: { ...operatorEnv, AWS_ACCESS_KEY_ID: 'AKIDNOTKNOWN' } });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^ecs-ops status: AWS refused the credentials \(InvalidClientTokenId: The security token included in the request is invalid[^\n]*\): [^\n]*\n$/);
  });

  it('exits 3 with one line without a region', async () => {
    const { dir, operatorEnv } = await open();
    const { AWS_REGION: _region, ...env } = operatorEnv;
    const result = await runCli(['status'], { cwd: dir, env: { ...env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('ecs-ops status: no AWS region: pass --region, set AWS_REGION or a profile region\n');
  });

  it('bad input: a bad stage or an unknown option is exit 2 and calls nothing', async () => {
    const { dir, operatorEnv: env, server } = await open();
    const bad = await runCli(['status', '--stage', 'a b'], { cwd: dir, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--stage must be letters, digits and hyphens, got "a b"');
    expect((await runCli(['status', '--stages', 'x'], { cwd: dir, env })).code).toBe(2);
    expect(server.calls.counts()).toEqual({});
  });
});
