/**
 * The schedule runner's wiring, derived from the config's `schedules` (see lib/deploy/values.ts): its rules (the
 * STOPPED events of its tasks, the reconcile pass every minute), its least-privilege IAM; and the EventBridge Scheduler
 * resources serverless.yml cannot express (the runner's schedules and the digest's, their group and execution role),
 * which lib/deploy/schedule-resources.cjs merges into the packaged template.
 */
import { createHash } from 'node:crypto';
import type { EcsOpsConfig, ScheduleConfig } from '../config/schema.js';
import { STARTED_BY_PREFIX } from '../schedule/identity.js';
import { arn, deliveryStatements, FAILURE_QUEUE_LOGICAL_ID, listTasksStatement, type CfnValue, type EventBridgeTrigger, type IamStatement, type ScheduleTrigger } from './values.js';

/** serverless names the function `scheduleRunner` → this logical id. */
export const SCHEDULE_RUNNER_LOGICAL_ID = 'ScheduleRunnerLambdaFunction';
export const SCHEDULE_GROUP_LOGICAL_ID = 'EcsOpsScheduleGroup';
export const SCHEDULER_ROLE_LOGICAL_ID = 'EcsOpsSchedulerRole';
export const SCHEDULE_RECONCILE = 'rate(1 minute)';
/** Scheduler retries an invocation it could not deliver (Lambda throttled or unavailable) this many times. */
export const SCHEDULER_MAX_RETRIES = 10;

export interface ScheduleRunnerWiring {
  /** Whether the runner function is declared (serverless.yml): the config has at least one schedule. */
  enabled: boolean;
  events: (EventBridgeTrigger | ScheduleTrigger)[];
  iam: IamStatement[];
}

const region = { Ref: 'AWS::Region' };
const account = { Ref: 'AWS::AccountId' };
const partition = { Ref: 'AWS::Partition' };
const ecsArn = (resource: string): CfnValue => arn('arn:', partition, ':ecs:', region, ':', account, `:${resource}`);

/** The task definitions RunTask may use: a family (any revision: RunTask picks the latest ACTIVE), a revision, an ARN. */
function taskDefinitionResource(ref: string): CfnValue {
  if (ref.startsWith('arn:')) return ref;
  return ecsArn(`task-definition/${ref.includes(':') ? ref : `${ref}:*`}`);
}

/** `nightly-report` → `ScheduleNightlyReport1a2b3c` (a hash keeps `a-b` and `a_b` apart). */
export function scheduleLogicalId(name: string): string {
  const pascal = name
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== '')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
  return `EcsOpsSchedule${pascal}${createHash('sha256').update(name).digest('hex').slice(0, 6)}`;
}

/** The Scheduler's RetryPolicy: retry delivery while the tick can still start (its starting deadline, else 1 h). */
export function schedulerRetryPolicy(schedule: ScheduleConfig): { MaximumEventAgeInSeconds: number; MaximumRetryAttempts: number } {
  const age = Math.min(86_400, Math.max(60, schedule.startingDeadlineSeconds ?? 3600));
  return { MaximumEventAgeInSeconds: age, MaximumRetryAttempts: SCHEDULER_MAX_RETRIES };
}

/** serverless names the function `digest` → this logical id. */
export const DIGEST_LOGICAL_ID = 'DigestLambdaFunction';
export const DIGEST_SCHEDULE_LOGICAL_ID = 'EcsOpsDigestSchedule';
/** The digest's `schedule` in its Scheduler input (the function reads only `scheduledTime`; a name keeps logs clear). */
export const DIGEST_SCHEDULE_INPUT_NAME = 'ecs-ops-digest';

export type CfnResources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** Scheduler target input: the schedule's name and the tick's scheduled time (the context attribute Scheduler fills in). */
function schedulerInput(name: string): string {
  return JSON.stringify({ schedule: name, scheduledTime: '<aws.scheduler.scheduled-time>' });
}

/**
 * The EventBridge Scheduler side of the stack, for the runner's schedules and the digest's alike: one schedule group
 * (one per stack), one execution role, and the schedules, each with a retry policy and the FailureQueue as its
 * dead-letter queue. The role may only invoke the functions that have schedules and send undeliverable ticks to the
 * queue; only this account's schedules of this group may assume it (confused-deputy protection).
 */
export function schedulerResources(config: EcsOpsConfig): CfnResources {
  const digest = config.summary.digest;
  if (config.schedules.length === 0 && digest === undefined) return {};
  const queueArn = { 'Fn::GetAtt': [FAILURE_QUEUE_LOGICAL_ID, 'Arn'] };
  const roleArn = { 'Fn::GetAtt': [SCHEDULER_ROLE_LOGICAL_ID, 'Arn'] };
  const targets = [...(config.schedules.length > 0 ? [SCHEDULE_RUNNER_LOGICAL_ID] : []), ...(digest !== undefined ? [DIGEST_LOGICAL_ID] : [])];
  const resources: CfnResources = {
    // One group per stack: schedule names are the config's, unique within the group.
    [SCHEDULE_GROUP_LOGICAL_ID]: { Type: 'AWS::Scheduler::ScheduleGroup', Properties: { Name: { Ref: 'AWS::StackName' } } },
    [SCHEDULER_ROLE_LOGICAL_ID]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Action: 'sts:AssumeRole',
              // Only this account's schedules of this stack's group (confused-deputy protection). Scheduler's guide asks
              // for the schedule group's ARN as aws:SourceArn; its earlier text gave the group's schedules
              // (schedule/<group>/*): both name this group only.
              // https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html
              Condition: {
                StringEquals: { 'aws:SourceAccount': account },
                ArnLike: { 'aws:SourceArn': [{ 'Fn::GetAtt': [SCHEDULE_GROUP_LOGICAL_ID, 'Arn'] }, arn('arn:', partition, ':scheduler:', region, ':', account, ':schedule/', { Ref: SCHEDULE_GROUP_LOGICAL_ID }, '/*')] },
              },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'invoke-scheduled-functions',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: targets.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })) },
                // Scheduler sends a tick it could not deliver to the dead-letter queue with the execution role.
                { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [queueArn] },
              ],
            },
          },
        ],
      },
    },
  };
  for (const schedule of config.schedules) {
    resources[scheduleLogicalId(schedule.name)] = {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: schedule.name,
        GroupName: { Ref: SCHEDULE_GROUP_LOGICAL_ID },
        Description: `ecs-ops scheduled task ${schedule.name}: ${schedule.taskDefinition} on ${schedule.cluster}`,
        ScheduleExpression: schedule.schedule,
        ScheduleExpressionTimezone: schedule.timezone,
        // suspend keeps the schedule (and its history) but stops its ticks.
        State: schedule.suspend ? 'DISABLED' : 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': [SCHEDULE_RUNNER_LOGICAL_ID, 'Arn'] },
          RoleArn: roleArn,
          Input: schedulerInput(schedule.name),
          RetryPolicy: schedulerRetryPolicy(schedule),
          DeadLetterConfig: { Arn: queueArn },
        },
      },
    };
  }
  if (digest !== undefined) {
    resources[DIGEST_SCHEDULE_LOGICAL_ID] = {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        // No Name: CloudFormation generates one, which no config schedule's name can take in the shared group.
        GroupName: { Ref: SCHEDULE_GROUP_LOGICAL_ID },
        Description: 'ecs-ops scaling digest',
        ScheduleExpression: digest.schedule,
        ScheduleExpressionTimezone: digest.timezone,
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: { 'Fn::GetAtt': [DIGEST_LOGICAL_ID, 'Arn'] },
          RoleArn: roleArn,
          // The digest's window ends at the scheduled time (lib/summary/digest/index.ts), which a late delivery keeps.
          Input: schedulerInput(DIGEST_SCHEDULE_INPUT_NAME),
          // A digest is worth posting late (its window is fixed by the scheduled time): retry delivery for an hour.
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: SCHEDULER_MAX_RETRIES },
          DeadLetterConfig: { Arn: queueArn },
        },
      },
    };
  }
  return resources;
}

export function scheduleRunnerWiring(config: EcsOpsConfig): ScheduleRunnerWiring {
  const schedules = config.schedules;
  if (schedules.length === 0) return { enabled: false, events: [], iam: [] };
  const clusters = [...new Set(schedules.map((s) => s.cluster))];
  const events: ScheduleRunnerWiring['events'] = [
    {
      eventBridge: {
        pattern: {
          source: ['aws.ecs'],
          'detail-type': ['ECS Task State Change'],
          detail: {
            lastStatus: ['STOPPED'],
            // Only tasks ecs-ops started (startedBy ecs-ops/<schedule>) in the schedules' clusters.
            startedBy: [{ prefix: STARTED_BY_PREFIX }],
            clusterArn: clusters.map((name) => ({ suffix: `:cluster/${name}` })),
          },
        },
      },
    },
    { schedule: { rate: [SCHEDULE_RECONCILE], description: 'ecs-ops schedule reconcile pass: timeouts, lost STOPPED events, retries' } },
  ];

  const inCluster = (name: string): IamStatement['Condition'] => ({ ArnEquals: { 'ecs:cluster': [ecsArn(`cluster/${name}`)] } });
  const iam: IamStatement[] = [];
  for (const cluster of clusters) {
    const taskDefinitions = [...new Set(schedules.filter((s) => s.cluster === cluster).map((s) => s.taskDefinition))];
    // RunTask authorizes on the task definition; ecs:cluster limits it to the schedule's cluster.
    iam.push({ Effect: 'Allow', Action: ['ecs:RunTask'], Resource: taskDefinitions.map(taskDefinitionResource), Condition: inCluster(cluster) });
  }
  const taskArns = clusters.map((name) => ecsArn(`task/${name}/*`));
  const clusterCondition: IamStatement['Condition'] = { ArnEquals: { 'ecs:cluster': clusters.map((name) => ecsArn(`cluster/${name}`)) } };
  // RunTask with tags also needs TagResource on the new tasks; the condition allows it only as part of RunTask.
  iam.push({ Effect: 'Allow', Action: ['ecs:TagResource'], Resource: taskArns, Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } } });
  iam.push({ Effect: 'Allow', Action: ['ecs:DescribeTasks', 'ecs:StopTask'], Resource: taskArns, Condition: clusterCondition });
  // ListTasks by cluster and startedBy (never by container instance) authorizes on "*"; ecs:cluster scopes it.
  iam.push(listTasksStatement(clusters.map((name) => ecsArn(`cluster/${name}`))));
  // DescribeTaskDefinition supports no resource-level permissions.
  iam.push({ Effect: 'Allow', Action: ['ecs:DescribeTaskDefinition'], Resource: ['*'] });
  const roles = [...new Set(schedules.flatMap((s) => [s.taskRoleArn, s.executionRoleArn].filter((r): r is string => r !== undefined)))];
  if (roles.length > 0) {
    iam.push({ Effect: 'Allow', Action: ['iam:PassRole'], Resource: roles, Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } });
  }
  iam.push(...deliveryStatements(config));
  return { enabled: true, events, iam };
}
