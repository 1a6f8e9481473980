/**
 * `ecs-ops run NAME [--wait]` against ECS behind aws-sdk-client-mock: the RunTask of a tick, the wait, and the exit
 * code from the run's result.
 */
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { runOnce } from '../../lib/cli/commands/run.js';

const ecs = mockClient(ECSClient);
const dir = mkdtempSync(join(tmpdir(), 'ecs-ops-run-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });
writeFileSync(
  join(dir, 'ecs-ops.config.yml'),
  `version: 1
clusters: [{ name: prod }]
notifications:
  channels: [{ name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }]
schedules:
  - name: report
    schedule: cron(0 3 * * ? *)
    cluster: prod
    taskDefinition: report
    concurrency: forbid
    suspend: true
`,
);

const T = Date.parse('2026-01-01T10:15:30.250Z');
const ARN = 'arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef';
let clock: number;
let sleeps: number[];

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (c: string) => (stdout += c) }, stderr: { write: (c: string) => (stderr += c) }, env: { AWS_REGION: 'us-east-1' }, cwd: dir };
  const code = await runOnce(argv, io, {
    ecs: (target) => new ECSClient(target),
    now: () => clock,
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
  });
  return { code, stdout, stderr };
}

function task(fields: Partial<Task>): Task {
  return {
    taskArn: ARN,
    clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/report:4',
    group: 'ecs-ops:report:20260101T101530Z:1',
    startedBy: 'ecs-ops/report',
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    createdAt: new Date(T),
    containers: [{ name: 'report' }],
    ...fields,
  };
}

beforeEach(() => {
  ecs.reset();
  clock = T;
  sleeps = [];
  ecs.on(ListTasksCommand).resolves({ taskArns: [] });
  ecs.on(RunTaskCommand).resolves({ tasks: [task({})], failures: [] });
  ecs.on(DescribeTaskDefinitionCommand).resolves({ taskDefinition: { containerDefinitions: [{ name: 'report', essential: true }] } });
});

describe('ecs-ops run', () => {
  it('starts the schedule now (even suspended) with the tick\'s identity, and exits 0 without --wait', async () => {
    const result = await run(['report']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('started 0123456789abcdef (tick 2026-01-01T10:15:30Z, attempt 1)\n');
    const input = ecs.commandCalls(RunTaskCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ cluster: 'prod', taskDefinition: 'report', startedBy: 'ecs-ops/report', group: 'ecs-ops:report:20260101T101530Z:1' });
  });

  it('waits for the run and exits 0 when it succeeded', async () => {
    ecs.on(DescribeTasksCommand)
      .resolvesOnce({ tasks: [task({ lastStatus: 'RUNNING', startedAt: new Date(T + 20_000) })] })
      .resolves({ tasks: [task({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', startedAt: new Date(T + 20_000), stoppedAt: new Date(T + 140_000), stopCode: 'EssentialContainerExited', containers: [{ name: 'report', exitCode: 0 }] })] });
    const result = await run(['report', '--wait', '--interval', '10s']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('0123456789abcdef succeeded in 2m 00s (exit codes report=0; EssentialContainerExited');
    expect(sleeps).toEqual([10_000]);
  });

  it('exits 1 with the exit code and reason when the run failed', async () => {
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [task({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED', stopCode: 'EssentialContainerExited', stoppedAt: new Date(T + 60_000), containers: [{ name: 'report', exitCode: 4, reason: 'quota exceeded' }] })],
    });
    const result = await run(['report', '--wait']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('0123456789abcdef failed');
    expect(result.stderr).toContain('report exited 4: quota exceeded');
  });

  it('exits 1 when the concurrency policy keeps it from starting, or RunTask finds no capacity', async () => {
    ecs.on(ListTasksCommand).resolves({ taskArns: ['arn:aws:ecs:us-east-1:123456789012:task/prod/old'] });
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task({ taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/old', group: 'ecs-ops:report:20260101T030000Z:1', lastStatus: 'RUNNING' })] });
    const skipped = await run(['report', '--wait']);
    expect(skipped.code).toBe(1);
    expect(skipped.stderr).toContain('skipped, the previous run is still going');
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0);

    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: 'RESOURCE:MEMORY' }] });
    const noCapacity = await run(['report']);
    expect(noCapacity.code).toBe(1);
    expect(noCapacity.stderr).toContain('could not start (no capacity)');
  });

  it('gives up waiting after --timeout, exit 1', async () => {
    ecs.on(DescribeTasksCommand).resolves({ tasks: [task({ lastStatus: 'RUNNING' })] });
    const result = await run(['report', '--wait', '--timeout', '30s', '--interval', '10s']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('gave up waiting after 30s: 0123456789abcdef RUNNING');
  });

  it('exits 2 for an unknown schedule or a missing NAME, and is in the command table', async () => {
    const cli = async (argv: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await main(argv, { stdout: { write: (c: string) => (stdout += c) }, stderr: { write: (c: string) => (stderr += c) }, env: {}, cwd: dir });
      return { code, stdout, stderr };
    };
    const unknown = await cli(['run', 'nope']);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain('no schedule "nope" in ecs-ops.config.yml (schedules: report)');
    expect((await cli(['run'])).stderr).toContain('missing the schedule NAME');
    expect(ecs.calls()).toHaveLength(0);
    expect((await cli(['--help'])).stdout).toMatch(/run NAME \[--wait\] +Run a schedule once/);
  });
});
