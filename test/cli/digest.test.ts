/**
 * `ecs-ops digest`: the same digest in the terminal, AWS mocked with aws-sdk-client-mock (the command builds its own
 * clients; the mocks answer every instance).
 */
import { ApplicationAutoScalingClient, DescribeScalingActivitiesCommand as AasActivities } from '@aws-sdk/client-application-auto-scaling';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand as AsgActivities } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { AccessDeniedException, DescribeServicesCommand, ECSClient, ListServicesCommand } from '@aws-sdk/client-ecs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../support/cli.js';
import { ECS_MANAGED_ALARM, INSUFFICIENT } from '../summary/digest/fixtures.js';

const ecs = mockClient(ECSClient);
const asc = mockClient(AutoScalingClient);
const aas = mockClient(ApplicationAutoScalingClient);
const ddb = mockClient(DynamoDBClient);
const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (minutes: number): Date => new Date(NOW - minutes * 60_000);
const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const dirs: string[] = [];
const env = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

beforeEach(() => {
  vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
  for (const m of [ecs, asc, aas]) m.reset();
  ddb.reset();
  ecs.on(ListServicesCommand).resolves({ serviceArns: ['arn:aws:ecs:us-east-1:123456789012:service/prod/web', 'arn:aws:ecs:us-east-1:123456789012:service/prod/api'] });
  ecs.on(DescribeServicesCommand).resolves({
    services: [
      { serviceName: 'web', status: 'ACTIVE', desiredCount: 16, runningCount: 16, pendingCount: 0, events: [], deployments: [] },
      { serviceName: 'api', status: 'ACTIVE', desiredCount: 4, runningCount: 4, pendingCount: 0, events: [], deployments: [] },
    ],
  });
  aas.on(AasActivities).resolves({
    ScalingActivities: [
      {
        ActivityId: 'a1',
        ServiceNamespace: 'ecs',
        ResourceId: 'service/prod/web',
        ScalableDimension: 'ecs:service:DesiredCount',
        Description: 'Setting desired count to 16.',
        Cause: 'monitor alarm TargetTracking-service/prod/web-AlarmHigh-fcd80aef-5161-4890-aeb4-35dde11ff42c in state ALARM triggered policy web-cpu-target-tracking',
        StartTime: ago(50),
        StatusCode: 'Successful',
      },
      {
        ActivityId: 'a0',
        ServiceNamespace: 'ecs',
        ResourceId: 'service/prod/web',
        ScalableDimension: 'ecs:service:DesiredCount',
        Description: 'Setting desired count to 6.',
        Cause: 'scheduled action name web-night was triggered',
        StartTime: ago(600),
        StatusCode: 'Successful',
      },
    ],
  });
  asc.on(DescribeAutoScalingGroupsCommand).resolves({
    AutoScalingGroups: [{ AutoScalingGroupName: 'prod-ecs', DesiredCapacity: 6, MinSize: 2, MaxSize: 8, Instances: [], AvailabilityZones: ['us-east-1a'], DefaultCooldown: 300, HealthCheckType: 'EC2', CreatedTime: new Date(0) }],
  });
  asc.on(AsgActivities).resolves({
    Activities: [
      {
        ActivityId: 'b2',
        AutoScalingGroupName: 'prod-ecs',
        Description: `Launching a new EC2 instance.  Status Reason: ${INSUFFICIENT}`,
        Cause: `At ${iso(ago(44))} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 5 to 6.`,
        StartTime: ago(44),
        EndTime: ago(44),
        StatusCode: 'Failed',
        StatusMessage: INSUFFICIENT,
      },
      {
        ActivityId: 'b1',
        AutoScalingGroupName: 'prod-ecs',
        Description: 'Launching a new EC2 instance: i-0aaaaaaaaaaaaaaa1',
        Cause: `At ${iso(ago(45))} ${ECS_MANAGED_ALARM} changing the desired capacity from 4 to 6.`,
        StartTime: ago(45),
        EndTime: ago(44),
        StatusCode: 'Successful',
      },
      { ActivityId: 'b0', AutoScalingGroupName: 'prod-ecs', Description: 'Launching a new EC2 instance: i-0aaaaaaaaaaaaaaa0', Cause: 'x', StartTime: ago(900), EndTime: ago(899), StatusCode: 'Successful' },
    ],
  });
});

afterAll(() => {
  vi.useRealTimers();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function emptyDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-ops-digest-cli-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('ecs-ops digest', () => {
  it('prints the digest of the last hour: each change with its cause, failed launches', async () => {
    const result = await runCli(['digest', '--cluster', 'prod', '--since', '1h', '--asg', 'prod-ecs'], { cwd: emptyDir(), env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Scaling digest · prod · 11:00–12:00 UTC');
    expect(result.stdout).toMatch(/^web {2}\S{24} {2}tasks 6 → 16 \(low 6, high 16\)$/m);
    expect(result.stdout).toContain('11:10 ↑ +10 6 → 16 · target tracking, policy web-cpu-target-tracking');
    expect(result.stdout).toContain('Steady (1): api (4)');
    expect(result.stdout).toContain('11:15 ↑ +2 4 → 6 · target tracking, policy ECSManagedAutoScalingPolicy');
    expect(result.stdout).toContain('11:16 failed launch: insufficient m5.large capacity in us-east-1b');
    expect(aas.commandCalls(AasActivities)).toHaveLength(1);
  });

  it('--json prints the digest as data', async () => {
    const result = await runCli(['digest', '-c', 'prod', '-s', '1h', '--json', '--asg', 'prod-ecs'], { cwd: emptyDir(), env });
    expect(result.code).toBe(0);
    const digest = JSON.parse(result.stdout) as { cluster: string; window: { start: string }; services: { service: string; changes: { from: number; to: number; cause: { kind: string } }[] }[] };
    expect(digest.window.start).toBe('2026-01-01T11:00:00.000Z');
    expect(digest.services.map((s) => [s.service, s.changes.map((c) => [c.from, c.to, c.cause.kind])])).toEqual([['web', [[6, 16, 'target-tracking']]]]);
  });

  it('takes the ASGs, drains and time zone from the config file when there is one', async () => {
    const cwd = emptyDir({
      'ecs-ops.config.yml': `version: 1
clusters:
  - name: prod
    asgs: [{ name: prod-ecs }]
notifications:
  channels: [{ name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }]
summary:
  digest: { timezone: Europe/Paris }
`,
    });
    const result = await runCli(['digest', '-c', 'prod', '-s', '1h'], { cwd, env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Scaling digest · prod · 12:00–13:00 Europe/Paris');
    expect(result.stdout).toContain('prod-ecs');
    expect(asc.commandCalls(AsgActivities)[0]?.args[0].input).toMatchObject({ AutoScalingGroupName: 'prod-ecs' });
  });

  it('refuses bad input with exit code 2 and says what is wrong', async () => {
    const cwd = emptyDir();
    expect(await runCli(['digest', '--since', '1h'], { cwd, env })).toMatchObject({ code: 2, stderr: expect.stringContaining('missing --cluster NAME') as unknown });
    expect(await runCli(['digest', '-c', 'prod', '-s', 'yesterday'], { cwd, env })).toMatchObject({ code: 2, stderr: expect.stringContaining('invalid --since "yesterday"') as unknown });
    expect(await runCli(['digest', '-c', 'prod', '-s', '60d'], { cwd, env })).toMatchObject({ code: 2, stderr: expect.stringContaining('42 days') as unknown });
    const bad = emptyDir({ 'ecs-ops.config.yml': 'version: 2\n' });
    expect((await runCli(['digest', '-c', 'prod', '-s', '1h'], { cwd: bad, env })).code).toBe(2);
    expect(ecs.calls()).toHaveLength(0);
  });

  it('--table adds the placement stops and scheduled runs from the ops journal (one GetItem for a window within a day)', async () => {
    const entry = (id: string, at: Date, detail: string, kind = 'schedule-run') => ({ M: { id: { S: id }, kind: { S: kind }, at: { N: String(at.getTime()) }, subject: { S: 's' }, outcome: { S: 'failed' }, detail: { S: detail } } });
    ddb.on(GetItemCommand).resolves({ Item: { entries: { L: [entry('run|t1', ago(30), 'scheduled run of nightly-report failed with exit code 2'), entry('stop|t0', ago(90), 'an older stop', 'placement-stop')] } } });
    const result = await runCli(['digest', '-c', 'prod', '-s', '1h', '--asg', 'prod-ecs', '--table', 'ecs-ops-table'], { cwd: emptyDir(), env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('11:30 scheduled run of nightly-report failed with exit code 2');
    expect(result.stdout).not.toContain('an older stop');
    expect(ddb.commandCalls(GetItemCommand).map((c) => c.args[0].input)).toEqual([{ TableName: 'ecs-ops-table', Key: { id: { S: 'ecs-ops-journal#prod#2026-01-01' } }, ProjectionExpression: 'entries, dropped' }]);
  });

  it('without --table it says the journal is left out and reads no table', async () => {
    const result = await runCli(['digest', '-c', 'prod', '-s', '1h', '--asg', 'prod-ecs'], { cwd: emptyDir(), env });
    expect(result.stdout).toContain('pass --table NAME');
    expect(ddb.calls()).toHaveLength(0);
  });

  it('is listed in ecs-ops --help', async () => {
    expect((await runCli(['--help'])).stdout).toContain('digest -c NAME -s DURATION');
  });

  it('an AWS error is exit code 3 with the error on one line', async () => {
    ecs.on(ListServicesCommand).rejects(new AccessDeniedException({ message: 'User is not authorized to perform: ecs:ListServices', $metadata: { httpStatusCode: 400 } }));
    const result = await runCli(['digest', '-c', 'prod', '-s', '1h'], { cwd: emptyDir(), env });
    expect(result).toMatchObject({ code: 3, stdout: '' });
    expect(result.stderr).toBe('ecs-ops digest: AWS denied the call (AccessDeniedException: User is not authorized to perform: ecs:ListServices): the credentials lack a permission: docs/cli.md lists the actions each command calls\n');
  });

  it('no region is exit code 3 with one line saying where a region comes from, and no AWS call', async () => {
    const result = await runCli(['digest', '-c', 'prod', '-s', '1h'], { cwd: emptyDir(), env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_CONFIG_FILE: join(emptyDir(), 'none'), AWS_SHARED_CREDENTIALS_FILE: join(emptyDir(), 'none') } });
    expect(result).toEqual({ code: 3, stdout: '', stderr: 'ecs-ops digest: no AWS region: pass --region, set AWS_REGION or a profile region\n' });
    expect(ecs.calls()).toHaveLength(0);
  });

  /** The region the ECS client of the first call was built for (the mock keeps the client as `this`). */
  const clientRegion = (): Promise<string> => (ecs.call(0).thisValue as ECSClient).config.region();

  it('--region and --profile: the region of the flag, else of the profile in the shared config file', async () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'config'), '[profile ops]\nregion = eu-west-3\n');
    const files = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
    const fromProfile = await runCli(['digest', '-c', 'prod', '-s', '1h', '--output', 'json'], { cwd: dir, env: { ...files, AWS_PROFILE: 'ops', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } });
    expect(fromProfile.code).toBe(0);
    expect(await clientRegion()).toBe('eu-west-3');
    ecs.resetHistory();
    const fromFlag = await runCli(['digest', '-c', 'prod', '-s', '1h', '--json', '--region', 'ap-south-1'], { cwd: dir, env: { ...files, AWS_PROFILE: 'ops', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' } });
    expect(fromFlag.code).toBe(0);
    expect(await clientRegion()).toBe('ap-south-1');
    const unknown = await runCli(['digest', '-c', 'prod', '-s', '1h', '--regoin', 'x'], { cwd: dir, env });
    expect(unknown).toMatchObject({ code: 2, stderr: "ecs-ops digest: Unknown option '--regoin'; run ecs-ops digest --help\n" });
  });
});
