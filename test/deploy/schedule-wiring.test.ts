/**
 * The schedule runner's wiring derived from the config: its rules (evaluated as EventBridge does), least-privilege
 * IAM, and one EventBridge Scheduler schedule per config schedule.
 */
import { describe, expect, it } from 'vitest';
import { DIGEST_SCHEDULE_LOGICAL_ID, scheduleLogicalId, SCHEDULE_RUNNER_LOGICAL_ID } from '../../lib/deploy/schedule-wiring.js';
import { deploymentValues } from '../../lib/deploy/values.js';
import { matchesPattern } from '../../sim/eventbridge-pattern.js';
import { configWith } from '../schedule/support.js';
import { fixtureEvent } from '../support/fixtures.js';

const config = configWith(
  {
    schedule: 'cron(0 3 * * ? *)',
    timezone: 'Europe/Paris',
    startingDeadlineSeconds: 600,
    taskRoleArn: 'arn:aws:iam::123456789012:role/report-task',
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecs-task-execution',
  },
  {
    clusters: [{ name: 'prod' }, { name: 'batch' }],
  },
);
config.schedules.push({ ...config.schedules[0]!, name: 'cleanup', cluster: 'batch', taskDefinition: 'cleanup:3', suspend: true, taskRoleArn: undefined, executionRoleArn: undefined });
const values = deploymentValues(config);
const wiring = values.functions.scheduleRunner;
const resources = values.scheduler.resources;

function stoppedEvent(fields: Record<string, unknown>): unknown {
  const event = fixtureEvent('ecs-task-state-change-stopped');
  Object.assign(event.detail, { clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod', startedBy: 'ecs-ops/report', lastStatus: 'STOPPED', ...fields });
  return event;
}

describe('schedule runner rules', () => {
  const patterns = wiring.events.flatMap((e) => ('eventBridge' in e ? [e.eventBridge.pattern] : []));
  const matches = (event: unknown): boolean => patterns.some((p) => matchesPattern(p, event));

  it('receives STOPPED events of tasks ecs-ops started in the schedules\' clusters, and nothing else', () => {
    expect(matches(stoppedEvent({}))).toBe(true);
    expect(matches(stoppedEvent({ clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/batch', startedBy: 'ecs-ops/cleanup' }))).toBe(true);
    expect(matches(stoppedEvent({ lastStatus: 'RUNNING' }))).toBe(false);
    expect(matches(stoppedEvent({ startedBy: 'ecs-svc/1234' }))).toBe(false);
    expect(matches(stoppedEvent({ startedBy: undefined }))).toBe(false);
    expect(matches(stoppedEvent({ clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/other' }))).toBe(false);
  });

  it('runs the reconcile pass every minute', () => {
    expect(wiring.events).toContainEqual({ schedule: { rate: ['rate(1 minute)'], description: expect.any(String) as string } });
  });

  it('is not declared without schedules', () => {
    expect(deploymentValues(configWith({}, { schedules: [] })).functions.scheduleRunner).toEqual({ enabled: false, events: [], iam: [] });
    expect(deploymentValues(configWith({}, { schedules: [] })).scheduler.resources).toEqual({});
  });
});

describe('schedule runner IAM', () => {
  const statement = (action: string) => wiring.iam.filter((s) => s.Action.includes(action));
  const json = (value: unknown) => JSON.stringify(value);

  it('RunTask only on the configured task definitions, each in its schedule\'s cluster', () => {
    const runTask = statement('ecs:RunTask');
    expect(runTask).toHaveLength(2);
    expect(runTask.every((s) => s.Action.length === 1)).toBe(true);
    expect(json(runTask[0]?.Resource)).toContain(':task-definition/report:*');
    expect(json(runTask[0]?.Condition)).toContain(':cluster/prod');
    expect(json(runTask[1]?.Resource)).toContain(':task-definition/cleanup:3');
    expect(json(runTask[1]?.Condition)).toContain(':cluster/batch');
    expect(json(runTask[1]?.Condition)).not.toContain(':cluster/prod');
  });

  it('TagResource only as part of RunTask; Stop/DescribeTasks and ListTasks only in the clusters', () => {
    expect(statement('ecs:TagResource')).toEqual([{ Effect: 'Allow', Action: ['ecs:TagResource'], Resource: expect.any(Array) as unknown[], Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } } }]);
    for (const action of ['ecs:StopTask', 'ecs:DescribeTasks']) {
      const [s] = statement(action);
      expect(json(s?.Condition)).toContain('ecs:cluster');
      expect(json(s?.Resource)).not.toContain('"*"');
    }
    // ListTasks by cluster and startedBy is authorized on "*" (sim/iam/deviations.ts): only the ecs:cluster condition scopes it.
    const listTasks = statement('ecs:ListTasks');
    expect(listTasks).toHaveLength(1);
    expect(listTasks[0]?.Resource).toEqual(['*']);
    expect(json(listTasks[0]?.Condition)).toMatch(/"ArnEquals":\{"ecs:cluster":\[.*:cluster\/prod".*:cluster\/batch"/);
    expect(statement('ecs:DescribeTaskDefinition')[0]?.Resource).toEqual(['*']);
  });

  it('PassRole only for the schedules\' task and execution roles, only to ECS tasks', () => {
    expect(statement('iam:PassRole')).toEqual([
      {
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: ['arn:aws:iam::123456789012:role/report-task', 'arn:aws:iam::123456789012:role/ecs-task-execution'],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ]);
  });

  it('uses the idempotency table (reports, capacity retries) and no wildcard action', () => {
    expect(statement('dynamodb:GetItem')).toHaveLength(1);
    // Run results are appended to the ops journal (lib/summary/journal.ts) with UpdateItem.
    expect(statement('dynamodb:UpdateItem')).toHaveLength(1);
    expect(wiring.iam.flatMap((s) => s.Action).filter((a) => a.includes('*'))).toEqual([]);
  });
});

describe('EventBridge Scheduler schedules', () => {
  it('one per config schedule, targeting the runner with {schedule, scheduledTime}, retry policy and DLQ', () => {
    const report = resources[scheduleLogicalId('report')];
    expect(report).toEqual({
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: 'report',
        GroupName: { Ref: 'EcsOpsScheduleGroup' },
        Description: expect.any(String) as string,
        ScheduleExpression: 'cron(0 3 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Paris',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': [SCHEDULE_RUNNER_LOGICAL_ID, 'Arn'] },
          RoleArn: { 'Fn::GetAtt': ['EcsOpsSchedulerRole', 'Arn'] },
          Input: '{"schedule":"report","scheduledTime":"<aws.scheduler.scheduled-time>"}',
          RetryPolicy: { MaximumEventAgeInSeconds: 600, MaximumRetryAttempts: 10 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['FailureQueue', 'Arn'] } },
        },
      },
    });
    expect(resources[scheduleLogicalId('cleanup')]?.Properties.State).toBe('DISABLED');
    expect(scheduleLogicalId('a-b')).not.toBe(scheduleLogicalId('a_b'));
  });

  it('gives the Scheduler role only lambda:InvokeFunction on the runner and sqs:SendMessage on the DLQ, for this account’s group', () => {
    const role = resources.EcsOpsSchedulerRole?.Properties as { AssumeRolePolicyDocument: unknown; Policies: { PolicyDocument: { Statement: unknown[] } }[] };
    expect(role.Policies.flatMap((p) => p.PolicyDocument.Statement)).toEqual([
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [{ 'Fn::GetAtt': [SCHEDULE_RUNNER_LOGICAL_ID, 'Arn'] }] },
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': ['FailureQueue', 'Arn'] }] },
    ]);
    // Trusted by Scheduler only, for this account's schedules of this stack's group only.
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: {
              'aws:SourceArn': [
                { 'Fn::GetAtt': ['EcsOpsScheduleGroup', 'Arn'] },
                { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':schedule/', { Ref: 'EcsOpsScheduleGroup' }, '/*']] },
              ],
            },
          },
        },
      ],
    });
  });
});

describe('the digest schedule', () => {
  const withDigest = configWith({}, { summary: { digest: { schedule: 'cron(0 8 ? * MON-FRI *)', timezone: 'Europe/Paris', emptyWindow: 'skip', quietChanges: 0 } } });
  const digestOnly = configWith({}, { schedules: [], summary: withDigest.summary });

  it('is a Scheduler schedule in the stack\'s group, with the Scheduler role, the scheduled time as input, retry policy and DLQ', () => {
    for (const c of [withDigest, digestOnly]) {
      const all = deploymentValues(c).scheduler.resources;
      expect(all[DIGEST_SCHEDULE_LOGICAL_ID]).toEqual({
        Type: 'AWS::Scheduler::Schedule',
        Properties: {
          GroupName: { Ref: 'EcsOpsScheduleGroup' },
          Description: 'ecs-ops scaling digest',
          ScheduleExpression: 'cron(0 8 ? * MON-FRI *)',
          ScheduleExpressionTimezone: 'Europe/Paris',
          State: 'ENABLED',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: { 'Fn::GetAtt': ['DigestLambdaFunction', 'Arn'] },
            RoleArn: { 'Fn::GetAtt': ['EcsOpsSchedulerRole', 'Arn'] },
            Input: '{"schedule":"ecs-ops-digest","scheduledTime":"<aws.scheduler.scheduled-time>"}',
            RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['FailureQueue', 'Arn'] } },
          },
        },
      });
      expect(all.EcsOpsScheduleGroup?.Type).toBe('AWS::Scheduler::ScheduleGroup');
    }
    // The digest function itself declares no event (osls's `method: scheduler` would make its own role the Scheduler's).
    expect(deploymentValues(withDigest).functions.digest.events).toEqual([]);
  });

  it('the Scheduler role may invoke exactly the functions that have schedules', () => {
    const invoked = (c: typeof config): unknown => {
      const role = deploymentValues(c).scheduler.resources.EcsOpsSchedulerRole?.Properties as { Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[] };
      return role.Policies.flatMap((p) => p.PolicyDocument.Statement).find((st) => st.Action.includes('lambda:InvokeFunction'))?.Resource;
    };
    expect(invoked(withDigest)).toEqual([{ 'Fn::GetAtt': [SCHEDULE_RUNNER_LOGICAL_ID, 'Arn'] }, { 'Fn::GetAtt': ['DigestLambdaFunction', 'Arn'] }]);
    expect(invoked(digestOnly)).toEqual([{ 'Fn::GetAtt': ['DigestLambdaFunction', 'Arn'] }]);
    expect(deploymentValues(digestOnly).scheduler.resources[scheduleLogicalId('report')]).toBeUndefined();
  });
});
