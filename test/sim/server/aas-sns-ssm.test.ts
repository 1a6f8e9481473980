/**
 * Application Auto Scaling and SSM over JSON 1.1, SNS over Query/XML, with the real SDK clients: every operation,
 * happy path and error; the endpoint also taken from AWS_ENDPOINT_URL.
 */
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  PutScheduledAction$,
} from '@aws-sdk/client-application-auto-scaling';
import { GetTopicAttributesCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { decodeJsonInput } from '../../../sim/server/json-protocol.js';
import { T0, T1, TOPIC_ARN } from './fake-apis.js';
import { clientConfig, useServer } from './support.js';

const h = useServer();
const aas = () => new ApplicationAutoScalingClient(clientConfig(h.server));
const sns = () => new SNSClient(clientConfig(h.server));
const ssm = () => new SSMClient(clientConfig(h.server));

describe('Application Auto Scaling (JSON 1.1)', () => {
  it('DescribeScalableTargets: nested structure, dates, pagination both ways', async () => {
    const out = await aas().send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount', MaxResults: 2 }));
    expect(h.lastInput('applicationAutoScaling', 'DescribeScalableTargets')).toEqual({ ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount', MaxResults: 2 });
    expect(out.ScalableTargets?.map((t) => t.ResourceId)).toEqual(['service/prod/web', 'service/prod/worker']);
    expect(out.NextToken).toBe('2');
    expect(out.ScalableTargets?.[0]).toEqual({
      ServiceNamespace: 'ecs',
      ResourceId: 'service/prod/web',
      ScalableDimension: 'ecs:service:DesiredCount',
      MinCapacity: 1,
      MaxCapacity: 20,
      RoleARN: 'arn:aws:iam::123456789012:role/aas',
      CreationTime: T0,
      SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: true, ScheduledScalingSuspended: false },
    });
    const next = await aas().send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', MaxResults: 2, NextToken: out.NextToken }));
    expect(next.ScalableTargets?.map((t) => t.ResourceId)).toEqual(['service/prod/cron']);
    expect(next.NextToken).toBeUndefined();
    await expect(aas().send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', NextToken: 'bad' }))).rejects.toMatchObject({
      name: 'InvalidNextTokenException',
      message: 'Invalid token',
    });
    await expect(aas().send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'dynamodb' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Unsupported service namespace dynamodb',
    });
  });

  it('DescribeScalingActivities: dates, booleans, NotScaledReasons', async () => {
    const out = await aas().send(
      new DescribeScalingActivitiesCommand({
        ServiceNamespace: 'ecs',
        ResourceId: 'service/prod/web',
        ScalableDimension: 'ecs:service:DesiredCount',
        IncludeNotScaledActivities: true,
      }),
    );
    expect(h.lastInput('applicationAutoScaling', 'DescribeScalingActivities')).toEqual({
      ServiceNamespace: 'ecs',
      ResourceId: 'service/prod/web',
      ScalableDimension: 'ecs:service:DesiredCount',
      IncludeNotScaledActivities: true,
    });
    expect(out.ScalingActivities).toHaveLength(2);
    expect(out.ScalingActivities?.[0]?.StartTime).toEqual(T0);
    expect(out.ScalingActivities?.[0]?.EndTime).toEqual(T1);
    expect(out.ScalingActivities?.[1]?.NotScaledReasons).toEqual([{ Code: 'AlreadyAtMaxCapacity', MaxCapacity: 20, CurrentCapacity: 20 }]);
    await expect(aas().send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: 'service/prod/web' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'ScalableDimension is required when ResourceId is specified',
    });
  });

  it('JSON input timestamps (epoch seconds) become Dates by the input schema', () => {
    // No AwsApis operation takes a timestamp yet; PutScheduledAction (StartTime, EndTime) shows the conversion.
    const input = decodeJsonInput(PutScheduledAction$[4], { ServiceNamespace: 'ecs', StartTime: 1714557600, EndTime: 1714557930.25, Schedule: 'rate(1 hour)' });
    expect(input).toEqual({ ServiceNamespace: 'ecs', StartTime: T0, EndTime: T1, Schedule: 'rate(1 hour)' });
  });
});

describe('SNS (Query)', () => {
  it('Publish: MessageAttributes map decoded, MessageId returned', async () => {
    const out = await sns().send(
      new PublishCommand({
        TopicArn: TOPIC_ARN,
        Subject: 'ecs-ops: drain',
        Message: 'line 1\nline 2 & <b>',
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'critical' },
          count: { DataType: 'Number', StringValue: '3' },
          raw: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 255]) },
        },
      }),
    );
    expect(out.MessageId).toBe('95df01b4-ee98-5cb9-9903-4c221d41eb5e');
    expect(out.SequenceNumber).toBeUndefined();
    expect(h.lastInput('sns', 'Publish')).toEqual({
      TopicArn: TOPIC_ARN,
      Subject: 'ecs-ops: drain',
      Message: 'line 1\nline 2 & <b>',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'critical' },
        count: { DataType: 'Number', StringValue: '3' },
        raw: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 255]) },
      },
    });
  });

  it('Publish: errors (NotFound is modeled as NotFoundException; the wire code stays on Error.Code)', async () => {
    const missing = await sns()
      .send(new PublishCommand({ TopicArn: `${TOPIC_ARN}-gone`, Message: 'x' }))
      .catch((error: unknown) => error);
    expect(missing).toMatchObject({ name: 'NotFoundException', message: 'Topic does not exist', Error: { Code: 'NotFound', Type: 'Sender' }, $metadata: { httpStatusCode: 404 } });
    await expect(sns().send(new PublishCommand({ TopicArn: TOPIC_ARN, Message: '' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: Empty message',
      Error: { Code: 'InvalidParameter' },
    });
  });
});

describe('SNS GetTopicAttributes (Query)', () => {
  it('returns the Attributes map (entry/key/value on the wire) and NotFound for a missing topic', async () => {
    const out = await sns().send(new GetTopicAttributesCommand({ TopicArn: TOPIC_ARN }));
    expect(out.Attributes).toEqual({ TopicArn: TOPIC_ARN, Owner: '123456789012', SubscriptionsConfirmed: '2' });
    expect(h.lastInput('sns', 'GetTopicAttributes')).toEqual({ TopicArn: TOPIC_ARN });
    await expect(sns().send(new GetTopicAttributesCommand({ TopicArn: `${TOPIC_ARN}-gone` }))).rejects.toMatchObject({ name: 'NotFoundException', message: 'Topic does not exist' });
  });
});

describe('SSM (JSON 1.1)', () => {
  it('GetParameter: dates, numbers; ParameterNotFound', async () => {
    const out = await ssm().send(new GetParameterCommand({ Name: '/ecs-ops/slack/ops', WithDecryption: true }));
    expect(h.lastInput('ssm', 'GetParameter')).toEqual({ Name: '/ecs-ops/slack/ops', WithDecryption: true });
    expect(out.Parameter).toEqual({
      Name: '/ecs-ops/slack/ops',
      Type: 'SecureString',
      Value: 'https://hooks.slack.com/services/T/B/x',
      Version: 3,
      LastModifiedDate: T1,
      DataType: 'text',
      ARN: 'arn:aws:ssm:us-east-1:123456789012:parameter/ecs-ops/slack/ops',
    });
    await expect(ssm().send(new GetParameterCommand({ Name: '/nope' }))).rejects.toMatchObject({ name: 'ParameterNotFound', message: 'Parameter /nope not found.' });
  });

  it('PutParameter: Overwrite boolean; ParameterAlreadyExists', async () => {
    const out = await ssm().send(new PutParameterCommand({ Name: '/ecs-ops/new', Value: 'v1', Type: 'String', Overwrite: false, Tier: 'Standard' }));
    expect(out.Version).toBe(1);
    expect(out.Tier).toBe('Standard');
    const again = await ssm().send(new PutParameterCommand({ Name: '/ecs-ops/new', Value: 'v2', Type: 'String', Overwrite: true }));
    expect(again.Version).toBe(2);
    expect(h.lastInput('ssm', 'PutParameter')).toEqual({ Name: '/ecs-ops/new', Value: 'v2', Type: 'String', Overwrite: true });
    await expect(ssm().send(new PutParameterCommand({ Name: '/ecs-ops/new', Value: 'v3', Type: 'String' }))).rejects.toMatchObject({
      name: 'ParameterAlreadyExists',
      message: 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    });
  });
});

describe('endpoint from AWS_ENDPOINT_URL', () => {
  it('clients without `endpoint` reach the server', async () => {
    const saved = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = h.server.url;
    const before = h.server.calls.count();
    try {
      const { endpoint: _endpoint, ...config } = clientConfig(h.server);
      const out = await new SSMClient(config).send(new GetParameterCommand({ Name: '/ecs-ops/slack/ops' }));
      expect(out.Parameter?.Version).toBe(3);
      const published = await new SNSClient(config).send(new PublishCommand({ TopicArn: TOPIC_ARN, Message: 'via env' }));
      expect(published.MessageId).toBeDefined();
      expect(h.server.calls.calls.slice(before).map((c) => `${c.service}:${c.operation}:${c.status}`)).toEqual(['ssm:GetParameter:200', 'sns:Publish:200']);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = saved;
    }
  });
});
