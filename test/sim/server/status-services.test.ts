/**
 * Conformance of the services `ecs-ops status` reads, through the real SDK clients (CloudFormation over Query,
 * CloudWatch and SQS over AWS JSON 1.0) against the sim server backed by a World: DescribeStacks, GetMetricData,
 * DescribeAlarms, GetQueueUrl, GetQueueAttributes, with the errors each API reference names.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { startAwsServer, type AwsServer } from '../../../sim/server/index.js';
import { World } from '../../../sim/world/world.js';
import { clientConfig } from './support.js';

const START = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;

let server: AwsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve() {
  const world = new World({ seed: 1, start: START, account: '123456789012', region: 'us-east-1' });
  server = await startAwsServer({ apis: world });
  return { world, cfn: new CloudFormationClient(clientConfig(server)), cw: new CloudWatchClient(clientConfig(server)), sqs: new SQSClient(clientConfig(server)) };
}

describe('CloudFormation DescribeStacks', () => {
  it('answers a stack with its status, times and outputs; by name and by stack id', async () => {
    const { world, cfn } = await serve();
    world.stackWorld.putStack({ name: 'ecs-ops-prod', status: 'UPDATE_COMPLETE', createdAt: START - 3_600_000, lastUpdatedAt: START - MINUTE, outputs: { EcsOpsStage: 'prod', EcsOpsVersion: '0.1.0' } });
    const out = await cfn.send(new DescribeStacksCommand({ StackName: 'ecs-ops-prod' }));
    const stack = out.Stacks?.[0];
    expect(stack?.StackName).toBe('ecs-ops-prod');
    expect(stack?.StackId).toMatch(/^arn:aws:cloudformation:us-east-1:123456789012:stack\/ecs-ops-prod\/[0-9a-f-]{36}$/);
    expect(stack?.StackStatus).toBe('UPDATE_COMPLETE');
    expect(stack?.CreationTime).toEqual(new Date(START - 3_600_000));
    expect(stack?.LastUpdatedTime).toEqual(new Date(START - MINUTE));
    expect(stack?.Outputs).toEqual([
      { OutputKey: 'EcsOpsStage', OutputValue: 'prod' },
      { OutputKey: 'EcsOpsVersion', OutputValue: '0.1.0' },
    ]);
    const byId = await cfn.send(new DescribeStacksCommand({ StackName: stack?.StackId }));
    expect(byId.Stacks?.[0]?.StackName).toBe('ecs-ops-prod');
    expect((await cfn.send(new DescribeStacksCommand({}))).Stacks).toHaveLength(1);
  });

  it('an unknown stack is ValidationError "Stack with id NAME does not exist"', async () => {
    const { cfn } = await serve();
    await expect(cfn.send(new DescribeStacksCommand({ StackName: 'ecs-ops-nope' }))).rejects.toMatchObject({ name: 'ValidationError', message: 'Stack with id ecs-ops-nope does not exist', $metadata: { httpStatusCode: 400 } });
  });
});

describe('CloudWatch GetMetricData', () => {
  it('sums data points per period from the start minute, newest first, only the exact dimension set', async () => {
    const { world, cw } = await serve();
    const fn = { FunctionName: 'f' };
    for (const [ago, value] of [[5, 1], [4, 2], [3, 0], [1, 4]] as const) world.cloudwatchWorld.putDataPoint({ namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: fn, at: START - ago * MINUTE, value });
    // Another metric: the same name with another dimension set.
    world.cloudwatchWorld.putDataPoint({ namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: 'f', Resource: 'f:live' }, at: START - 2 * MINUTE, value: 100 });
    const metric = { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: 'f' }] };
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(START - 10 * MINUTE + 30_000),
        EndTime: new Date(START),
        MetricDataQueries: [
          { Id: 'perminute', MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } },
          { Id: 'total', MetricStat: { Metric: metric, Period: 600, Stat: 'Sum' } },
          { Id: 'peak', MetricStat: { Metric: metric, Period: 600, Stat: 'Maximum' } },
        ],
      }),
    );
    const [perMinute, total, peak] = out.MetricDataResults ?? [];
    expect(perMinute?.Id).toBe('perminute');
    expect(perMinute?.StatusCode).toBe('Complete');
    expect(perMinute?.Timestamps).toEqual([1, 3, 4, 5].map((ago) => new Date(START - ago * MINUTE)));
    expect(perMinute?.Values).toEqual([4, 0, 2, 1]);
    expect(total?.Timestamps).toEqual([new Date(START - 10 * MINUTE)]);
    expect(total?.Values).toEqual([7]);
    expect(peak?.Values).toEqual([4]);
  });

  it('a period without data points is left out; ScanBy TimestampAscending orders oldest first', async () => {
    const { world, cw } = await serve();
    for (const ago of [3, 1]) world.cloudwatchWorld.putDataPoint({ namespace: 'ecs-ops', metricName: 'ReconcilePassCompleted', dimensions: { service: 's' }, at: START - ago * MINUTE, value: 1 });
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: new Date(START - 5 * MINUTE),
        EndTime: new Date(START),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [{ Id: 'pass', MetricStat: { Metric: { Namespace: 'ecs-ops', MetricName: 'ReconcilePassCompleted', Dimensions: [{ Name: 'service', Value: 's' }] }, Period: 60, Stat: 'Sum' } }],
      }),
    );
    expect(out.MetricDataResults?.[0]?.Timestamps).toEqual([new Date(START - 3 * MINUTE), new Date(START - MINUTE)]);
  });

  it('refuses a bad query id, StartTime not before EndTime, and a bad period with InvalidParameterValue', async () => {
    const { cw } = await serve();
    const metric = { Namespace: 'n', MetricName: 'm' };
    const ask = (over: object) => cw.send(new GetMetricDataCommand({ StartTime: new Date(START - MINUTE), EndTime: new Date(START), MetricDataQueries: [{ Id: 'q', MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } }], ...over }));
    await expect(ask({ MetricDataQueries: [{ Id: 'Bad', MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } }] })).rejects.toMatchObject({ name: 'InvalidParameterValueException', Code: 'InvalidParameterValue' });
    await expect(ask({ StartTime: new Date(START) })).rejects.toMatchObject({ name: 'InvalidParameterValueException', Code: 'InvalidParameterValue' });
    await expect(ask({ MetricDataQueries: [{ Id: 'q', MetricStat: { Metric: metric, Period: 90, Stat: 'Sum' } }] })).rejects.toMatchObject({ name: 'InvalidParameterValueException', Code: 'InvalidParameterValue' });
  });
});

describe('CloudWatch DescribeAlarms', () => {
  it('filters by name prefix and state, pages with MaxRecords/NextToken', async () => {
    const { world, cw } = await serve();
    for (let i = 0; i < 5; i++) {
      world.cloudwatchWorld.putAlarm({ name: `ecs-ops-prod-A${i}`, namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: { FunctionName: `f${i}` }, state: i % 2 === 0 ? 'ALARM' : 'OK', reason: `r${i}` });
    }
    world.cloudwatchWorld.putAlarm({ name: 'other-A0', namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: {}, state: 'ALARM', reason: 'x' });
    const names: string[] = [];
    for await (const page of paginateDescribeAlarms({ client: cw, pageSize: 2 }, { AlarmNamePrefix: 'ecs-ops-prod-', StateValue: 'ALARM' })) {
      expect((page.MetricAlarms ?? []).length).toBeLessThanOrEqual(2);
      names.push(...(page.MetricAlarms ?? []).map((a) => a.AlarmName ?? ''));
    }
    expect(names).toEqual(['ecs-ops-prod-A0', 'ecs-ops-prod-A2', 'ecs-ops-prod-A4']);
    const one = await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['ecs-ops-prod-A1'] }));
    expect(one.MetricAlarms?.[0]).toMatchObject({ AlarmName: 'ecs-ops-prod-A1', AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:ecs-ops-prod-A1', StateValue: 'OK', StateReason: 'r1', Dimensions: [{ Name: 'FunctionName', Value: 'f1' }] });
    // Composite alarms only when AlarmTypes asks for them: none with MetricAlarm left out.
    expect((await cw.send(new DescribeAlarmsCommand({ AlarmTypes: ['CompositeAlarm'] }))).MetricAlarms).toEqual([]);
  });

  it('refuses AlarmNames with AlarmNamePrefix, and a MaxRecords out of 1..100', async () => {
    const { cw } = await serve();
    await expect(cw.send(new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'a' }))).rejects.toMatchObject({ name: 'InvalidParameterCombinationException', Code: 'InvalidParameterCombination' });
    await expect(cw.send(new DescribeAlarmsCommand({ MaxRecords: 101 }))).rejects.toMatchObject({ name: 'InvalidParameterValueException', Code: 'InvalidParameterValue' });
  });
});

describe('SQS GetQueueUrl and GetQueueAttributes', () => {
  it('answers the URL of a queue and the approximate counts asked for, as strings', async () => {
    const { world, sqs } = await serve();
    world.sqsWorld.createQueue('ecs-ops-prod-FailureQueue-X');
    world.sqsWorld.setMessageCounts('ecs-ops-prod-FailureQueue-X', { visible: 3, notVisible: 1 });
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'ecs-ops-prod-FailureQueue-X' }));
    expect(QueueUrl).toBe('https://sqs.us-east-1.amazonaws.com/123456789012/ecs-ops-prod-FailureQueue-X');
    const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    expect(out.Attributes).toEqual({ ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '1' });
    const all = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(all.Attributes?.QueueArn).toBe('arn:aws:sqs:us-east-1:123456789012:ecs-ops-prod-FailureQueue-X');
  });

  it('an unknown queue is QueueDoesNotExist; an unknown attribute InvalidAttributeName', async () => {
    const { world, sqs } = await serve();
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' }))).rejects.toMatchObject({ name: 'QueueDoesNotExist', Code: 'AWS.SimpleQueueService.NonExistentQueue', $metadata: { httpStatusCode: 400 } });
    await expect(sqs.send(new GetQueueAttributesCommand({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/nope', AttributeNames: ['All'] }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
    const url = world.sqsWorld.createQueue('q');
    await expect(sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Bogus' as 'All'] }))).rejects.toMatchObject({ name: 'InvalidAttributeName' });
  });
});
