import { NotFoundException, PublishCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../lib/config/schema.js';
import { SlackTransientError, createNotifier, deadlineFromRemaining, type Notifier } from '../../lib/notify/index.js';
import { startSlackStandIn, type SlackStandIn } from '../support/slack-stand-in.js';
import { fakeClock, recordingLogger, sampleNotification } from './support.js';

const ssmMock = mockClient(SSMClient);
const snsMock = mockClient(SNSClient);

const slackChannel: Extract<Channel, { type: 'slack' }> = {
  name: 'ops',
  type: 'slack',
  webhookParameter: '/ecs-ops/slack/ops',
  severities: ['critical', 'warning'],
};
const snsChannel: Extract<Channel, { type: 'sns' }> = {
  name: 'pager',
  type: 'sns',
  topicArn: 'arn:aws:sns:us-east-1:123456789012:pager',
  severities: ['critical'],
  clusters: ['prod'],
};

let slack: SlackStandIn;
let log: ReturnType<typeof recordingLogger>;
let clock: ReturnType<typeof fakeClock>;
let notifier: Notifier;

beforeEach(async () => {
  ssmMock.reset();
  snsMock.reset();
  slack = await startSlackStandIn();
  log = recordingLogger();
  clock = fakeClock();
  ssmMock.on(GetParameterCommand, { Name: slackChannel.webhookParameter }).resolves({ Parameter: { Value: slack.url() } });
  notifier = createNotifier({
    ssm: new SSMClient({ region: 'us-east-1' }),
    sns: new SNSClient({ region: 'us-east-1' }),
    logger: log.logger,
    channels: [slackChannel, snsChannel],
    now: clock.now,
    sleep: clock.sleep,
    env: { ECS_OPS_ALLOW_LOCAL_WEBHOOK: '1' },
  });
});

afterEach(async () => {
  await slack.close();
});

describe('Notifier', () => {
  it('routes with the configured channels', () => {
    expect(notifier.channelsFor(sampleNotification()).map((c) => c.name)).toEqual(['ops', 'pager']);
    expect(notifier.channelsFor(sampleNotification({ severity: 'warning' })).map((c) => c.name)).toEqual(['ops']);
  });

  it('delivers to a Slack channel through the webhook read from SSM', async () => {
    const result = await notifier.deliver(slackChannel, sampleNotification(), clock.now() + 10_000);
    expect(result).toEqual({ channel: 'ops', type: 'slack', delivered: true });
    expect(slack.received).toHaveLength(1);
    expect(ssmMock).toHaveReceivedCommandWith(GetParameterCommand, { Name: '/ecs-ops/slack/ops', WithDecryption: true });
    expect(log.text()).not.toContain(slack.url());
  });

  it('reports a Slack permanent refusal', async () => {
    slack.respondWith({ status: 404, body: 'no_service' });
    const result = await notifier.deliver(slackChannel, sampleNotification(), clock.now() + 10_000);
    expect(result).toEqual({ channel: 'ops', type: 'slack', delivered: false, permanent: true, error: 'no_service' });
  });

  it('reports a missing webhook parameter as permanent, naming channel and parameter', async () => {
    ssmMock.on(GetParameterCommand, { Name: slackChannel.webhookParameter }).rejects(new ParameterNotFound({ message: '', $metadata: {} }));
    const result = await notifier.deliver(slackChannel, sampleNotification(), clock.now() + 10_000);
    expect(result).toMatchObject({ channel: 'ops', delivered: false, permanent: true });
    expect(result.error).toContain('/ecs-ops/slack/ops');
    expect(log.lines.find((l) => l.level === 'error')?.message).toContain('"ops"');
    expect(slack.received).toHaveLength(0);
  });

  it('throws transient Slack failures so the invocation is retried', async () => {
    slack.respondWith({ status: 429, headers: { 'retry-after': '60' } });
    await expect(notifier.deliver(slackChannel, sampleNotification(), clock.now() + 5_000)).rejects.toBeInstanceOf(SlackTransientError);
  });

  it('publishes to an SNS channel', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'abc' });
    const result = await notifier.deliver(snsChannel, sampleNotification(), clock.now() + 10_000);
    expect(result).toEqual({ channel: 'pager', type: 'sns', delivered: true });
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, { TopicArn: snsChannel.topicArn, Subject: '[CRITICAL] Tasks cannot be placed: web on prod' });
  });

  it('reports SNS permanent errors and throws transient ones', async () => {
    snsMock.on(PublishCommand).rejects(new NotFoundException({ message: 'Topic does not exist', $metadata: {} }));
    const result = await notifier.deliver(snsChannel, sampleNotification(), clock.now() + 10_000);
    expect(result).toEqual({ channel: 'pager', type: 'sns', delivered: false, permanent: true, error: 'NotFoundException: Topic does not exist' });
    expect(log.lines.find((l) => l.level === 'error')?.attributes).toMatchObject({ channel: 'pager' });

    snsMock.reset();
    snsMock.on(PublishCommand).rejects(new ThrottledException({ message: 'Rate exceeded', $metadata: {} }));
    await expect(notifier.deliver(snsChannel, sampleNotification(), clock.now() + 10_000)).rejects.toThrow('Rate exceeded');
  });

  it('computes a deadline from the remaining Lambda time', () => {
    expect(deadlineFromRemaining(30_000, 3_000, 1_000)).toBe(28_000);
  });
});
