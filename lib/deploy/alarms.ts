/**
 * The stack's CloudWatch alarms (merged into the template by lib/deploy/schedule-resources.cjs, like the Scheduler
 * resources), each notifying `alarms.topicArn` on ALARM and OK when the config names one:
 *
 * - FailureQueueNotEmptyAlarm: an event a function could not handle after Lambda's retries is in the failure queue
 *   (AWS/SQS ApproximateNumberOfMessagesVisible ≥ 1).
 * - <Function>ErrorsAlarm, per deployed function: an invocation failed (AWS/Lambda Errors ≥ 1 in 5 minutes).
 * - DrainReconcileStalledAlarm / ScheduleReconcileStalledAlarm: the reconcile pass (every minute) has not completed
 *   for `alarms.reconcileStalledAfter` (ecs-ops ReconcilePassCompleted, missing data breaching: a pass that does not
 *   run emits nothing).
 *
 * Metric names and dimensions: docs/metrics.md; CloudWatch alarm properties:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudwatch-alarm.html
 */
import type { EcsOpsConfig } from '../config/schema.js';
import type { CfnResources } from './schedule-wiring.js';

/** The functions as osls names their logical ids (`<Name>LambdaFunction`) and as their metrics' `service` dimension. */
const FUNCTIONS = {
  alerts: { logicalId: 'AlertsLambdaFunction', service: 'ecs-ops-alerts', label: 'Alerts' },
  drain: { logicalId: 'DrainLambdaFunction', service: 'ecs-ops-drain', label: 'Drain' },
  digest: { logicalId: 'DigestLambdaFunction', service: 'ecs-ops-digest', label: 'Digest' },
  scheduleRunner: { logicalId: 'ScheduleRunnerLambdaFunction', service: 'ecs-ops-schedule-runner', label: 'ScheduleRunner' },
  placement: { logicalId: 'PlacementLambdaFunction', service: 'ecs-ops-placement', label: 'Placement' },
} as const;

export type FunctionKey = keyof typeof FUNCTIONS;

const FIVE_MINUTES = 300;

export function alarmResources(config: EcsOpsConfig, deployed: readonly FunctionKey[], failureQueueLogicalId: string): CfnResources {
  const actions = config.alarms.topicArn !== undefined ? { AlarmActions: [config.alarms.topicArn], OKActions: [config.alarms.topicArn] } : {};
  const resources: CfnResources = {
    FailureQueueNotEmptyAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: 'ecs-ops: events a function could not handle after its retries are waiting in the failure queue (see docs/operations.md)',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [failureQueueLogicalId, 'QueueName'] } }],
        Statistic: 'Maximum',
        Period: FIVE_MINUTES,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        // SQS sends its metrics while the queue exists; no data is not a message.
        TreatMissingData: 'notBreaching',
        ...actions,
      },
    },
  };
  for (const key of deployed) {
    const fn = FUNCTIONS[key];
    resources[`${fn.label}ErrorsAlarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: `ecs-ops: the ${fn.service} function failed (errors are retried, then the event goes to the failure queue; see docs/operations.md)`,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn.logicalId } }],
        Statistic: 'Sum',
        Period: FIVE_MINUTES,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        // No invocation, no error.
        TreatMissingData: 'notBreaching',
        ...actions,
      },
    };
  }
  const minutes = config.alarms.reconcileStalledAfter / 60;
  for (const key of ['drain', 'scheduleRunner'] as const) {
    if (!deployed.includes(key)) continue;
    const fn = FUNCTIONS[key];
    resources[`${key === 'drain' ? 'Drain' : 'Schedule'}ReconcileStalledAlarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: `ecs-ops: the ${fn.service} reconcile pass (every minute) has not completed for ${minutes} minutes (see docs/operations.md)`,
        Namespace: 'ecs-ops',
        MetricName: 'ReconcilePassCompleted',
        Dimensions: [{ Name: 'service', Value: fn.service }],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: minutes,
        DatapointsToAlarm: minutes,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        // A pass that does not run emits nothing: missing data is the failure this alarm is for.
        TreatMissingData: 'breaching',
        ...actions,
      },
    };
  }
  return resources;
}
