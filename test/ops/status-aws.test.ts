/**
 * gatherStatusFacts against mocked SDK clients: which calls it makes and how it reads their answers (a missing stack,
 * the queue URL looked up from the ARN, metric points summed and the newest pass, drains from Terminating:Wait, other
 * errors thrown).
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { gatherStatusFacts } from '../../lib/ops/status-aws.js';

const cfn = mockClient(CloudFormationClient);
const cw = mockClient(CloudWatchClient);
const sqs = mockClient(SQSClient);
const asg = mockClient(AutoScalingClient);
const clients = () => ({ cloudformation: new CloudFormationClient({ region: 'eu-west-1' }), cloudwatch: new CloudWatchClient({ region: 'eu-west-1' }), sqs: new SQSClient({ region: 'eu-west-1' }), autoscaling: new AutoScalingClient({ region: 'eu-west-1' }) });

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;
const questions = { region: 'eu-west-1', stackName: 'ecs-ops-prod', now: NOW, windowMs: 60 * MINUTE };

const validation = (message: string) => new CloudFormationServiceException({ name: 'ValidationError', $fault: 'client', $metadata: {}, message });

beforeEach(() => {
  for (const m of [cfn, cw, sqs, asg]) m.reset();
});

describe('gatherStatusFacts', () => {
  it('reads the stack, sums metrics, finds the newest pass, looks the queue URL up from its ARN, lists alarms in ALARM and drains', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'ecs-ops-prod' }).resolves({
      Stacks: [
        {
          StackName: 'ecs-ops-prod',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(NOW - 100 * MINUTE),
          LastUpdatedTime: new Date(NOW - 10 * MINUTE),
          Outputs: [
            { OutputKey: 'DrainFunctionName', OutputValue: 'ecs-ops-prod-drain' },
            { OutputKey: 'AlertsFunctionName', OutputValue: 'ecs-ops-prod-alerts' },
            { OutputKey: 'FailureQueueArn', OutputValue: 'arn:aws:sqs:eu-west-1:111122223333:ecs-ops-prod-FailureQueue-AB' },
          ],
        },
      ],
    });
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        // Alerts sorts first: invocations0/errors0 are Alerts, 1 is Drain.
        { Id: 'invocations0', Timestamps: [new Date(NOW - 60 * MINUTE)], Values: [3] },
        { Id: 'errors1', Timestamps: [new Date(NOW - 60 * MINUTE)], Values: [2] },
        { Id: 'invocations1', Timestamps: [new Date(NOW - 60 * MINUTE)], Values: [60] },
        { Id: 'pass0', Timestamps: [new Date(NOW - 2 * MINUTE), new Date(NOW - 3 * MINUTE), new Date(NOW - MINUTE)], Values: [1, 1, 0] },
      ],
    });
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [{ AlarmName: 'ecs-ops-prod-DrainErrorsAlarm-X', StateReason: 'Threshold Crossed' }] });
    sqs.on(GetQueueUrlCommand, { QueueName: 'ecs-ops-prod-FailureQueue-AB', QueueOwnerAWSAccountId: '111122223333' }).resolves({ QueueUrl: 'https://sqs/q' });
    sqs.on(GetQueueAttributesCommand, { QueueUrl: 'https://sqs/q' }).resolves({ Attributes: { ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '1' } });
    asg.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [{ AutoScalingGroupName: 'prod-ecs', Instances: [{ InstanceId: 'i-1', LifecycleState: 'Terminating:Wait' }, { InstanceId: 'i-2', LifecycleState: 'InService' }] } as never],
    });

    const facts = await gatherStatusFacts(clients(), { ...questions, asgs: ['prod-ecs'] });

    expect(facts.stack).toMatchObject({ status: 'UPDATE_COMPLETE', lastUpdatedAt: NOW - 10 * MINUTE });
    expect(facts.functions).toEqual([
      { key: 'Alerts', name: 'ecs-ops-prod-alerts', invocations: 3, errors: 0 },
      { key: 'Drain', name: 'ecs-ops-prod-drain', invocations: 60, errors: 2 },
    ]);
    // Only the drain pass: no schedule-runner function in the stack. A minute with a zero Sum is no pass.
    expect(facts.reconcilePasses).toEqual([{ service: 'ecs-ops-drain', lastCompletedAt: NOW - 2 * MINUTE }]);
    expect(facts.failureQueue).toEqual({ url: 'https://sqs/q', visible: 2, inFlight: 1 });
    expect(facts.alarmsInAlarm).toEqual([{ name: 'ecs-ops-prod-DrainErrorsAlarm-X', reason: 'Threshold Crossed' }]);
    expect(facts.drains).toEqual([{ asg: 'prod-ecs', instanceId: 'i-1' }]);

    const query = cw.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(query?.StartTime).toEqual(new Date(NOW - 60 * MINUTE));
    expect(query?.EndTime).toEqual(new Date(NOW));
    expect(query?.MetricDataQueries?.map((q) => [q.Id, q.MetricStat?.Metric?.MetricName, q.MetricStat?.Period, q.MetricStat?.Stat])).toEqual([
      ['invocations0', 'Invocations', 3600, 'Sum'],
      ['errors0', 'Errors', 3600, 'Sum'],
      ['invocations1', 'Invocations', 3600, 'Sum'],
      ['errors1', 'Errors', 3600, 'Sum'],
      ['pass0', 'ReconcilePassCompleted', 60, 'Sum'],
    ]);
    expect(cw.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input).toMatchObject({ AlarmNamePrefix: 'ecs-ops-prod', StateValue: 'ALARM' });
  });

  it('a stack that does not exist is a fact: nothing else is asked but the drains', async () => {
    cfn.on(DescribeStacksCommand).rejects(validation('Stack with id ecs-ops-prod does not exist'));
    const facts = await gatherStatusFacts(clients(), { ...questions, asgs: undefined });
    expect(facts.stack).toBeUndefined();
    expect(cw.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
    expect(asg.calls()).toHaveLength(0);
  });

  it('other errors are thrown (another ValidationError, access denied)', async () => {
    cfn.on(DescribeStacksCommand).rejects(validation('1 validation error detected'));
    await expect(gatherStatusFacts(clients(), { ...questions, asgs: undefined })).rejects.toMatchObject({ name: 'ValidationError' });
    cfn.on(DescribeStacksCommand).rejects(new CloudFormationServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'no' }));
    await expect(gatherStatusFacts(clients(), { ...questions, asgs: undefined })).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
