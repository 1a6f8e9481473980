/** The stack's alarms (lib/deploy/alarms.ts) as deploymentValues derives them from the config. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/index.js';
import { deploymentValues } from '../../lib/deploy/values.js';

const base = `version: 1
clusters:
  - name: prod
    asgs: [{ name: prod-asg }]
notifications:
  channels:
    - { name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }
`;

function alarmsOf(text: string) {
  const parsed = parseConfig(text, 'ecs-ops.config.yml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return deploymentValues(parsed.config).alarms.resources;
}

describe('alarms', () => {
  it('watches the failure queue, every deployed function and the drain reconcile pass, without actions by default', () => {
    const alarms = alarmsOf(base);
    expect(Object.keys(alarms).sort()).toEqual(['AlertsErrorsAlarm', 'DrainErrorsAlarm', 'DrainReconcileStalledAlarm', 'FailureQueueNotEmptyAlarm']);
    expect(alarms.FailureQueueNotEmptyAlarm?.Properties).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailureQueue', 'QueueName'] } }], Threshold: 1 });
    expect(alarms.DrainErrorsAlarm?.Properties).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'DrainLambdaFunction' } }] });
    for (const alarm of Object.values(alarms)) expect(alarm.Properties).not.toHaveProperty('AlarmActions');
  });

  it('treats a missing ReconcilePassCompleted as breaching over reconcileStalledAfter minutes', () => {
    const alarms = alarmsOf(`${base}alarms: { reconcileStalledAfter: 15m }\n`);
    expect(alarms.DrainReconcileStalledAlarm?.Properties).toEqual(
      expect.objectContaining({ Namespace: 'ecs-ops', MetricName: 'ReconcilePassCompleted', Dimensions: [{ Name: 'service', Value: 'ecs-ops-drain' }], Period: 60, EvaluationPeriods: 15, DatapointsToAlarm: 15, ComparisonOperator: 'LessThanThreshold', Threshold: 1, TreatMissingData: 'breaching' }),
    );
  });

  it('adds the schedule runner and the placement function when the config has them, and the topic as ALARM and OK action', () => {
    const topic = 'arn:aws:sns:eu-west-1:111122223333:ops-pager';
    const alarms = alarmsOf(`${base}alarms: { topicArn: ${topic} }
schedules:
  - { name: nightly, schedule: 'cron(0 3 * * ? *)', cluster: prod, taskDefinition: report }
placement:
  policies:
    - { name: spread, select: { services: [web] }, rules: { maxPerInstance: 1 } }
`);
    expect(Object.keys(alarms)).toEqual(expect.arrayContaining(['ScheduleRunnerErrorsAlarm', 'ScheduleReconcileStalledAlarm', 'PlacementErrorsAlarm']));
    expect(alarms.ScheduleReconcileStalledAlarm?.Properties).toMatchObject({ Dimensions: [{ Name: 'service', Value: 'ecs-ops-schedule-runner' }], EvaluationPeriods: 10 });
    for (const alarm of Object.values(alarms)) expect(alarm.Properties).toMatchObject({ AlarmActions: [topic], OKActions: [topic] });
  });

  it('refuses a stall window that is not whole minutes from 3 to 60', () => {
    for (const bad of ['2m', '90s', '2h']) {
      const parsed = parseConfig(`${base}alarms: { reconcileStalledAfter: ${bad} }\n`, 'ecs-ops.config.yml');
      expect(parsed.ok).toBe(false);
    }
  });
});
