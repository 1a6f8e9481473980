/**
 * The alert path end to end: a real event sample goes through the packaged handler's middy pipeline, deduplication
 * runs on a real DynamoDB implementation (dynalite, in process), Slack is a real HTTP server on 127.0.0.1 and SNS is an
 * aws-sdk-client-mock. Assertions are on the bytes Slack received and the commands SNS was sent.
 */
import type { Context } from 'aws-lambda';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAlertsHandler } from '../../functions/alerts.js';
import { createNotifier } from '../../lib/notify/index.js';
import { createLogger, createMetrics } from '../../lib/observability.js';
import { configFrom, fixtureEvent } from '../support/fixtures.js';
import { startSlackStandIn, type SlackStandIn } from '../support/slack-stand-in.js';

const config = configFrom(`
version: 1
clusters:
  - name: default
    asgs: [{ name: my-asg }]
notifications:
  channels:
    - { name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }
    - { name: pager, type: sns, topicArn: 'arn:aws:sns:us-west-2:111122223333:ecs-ops-critical', severities: [critical] }
alerts:
  dedupeWindow: 15m
`);

const TOPIC = 'arn:aws:sns:us-west-2:111122223333:ecs-ops-critical';
let slack: SlackStandIn;
let db: ReturnType<typeof dynalite>;
let dynamo: DynamoDBClient;
let tableCounter = 0;
const sns = mockClient(SNSClient);
const ssm = mockClient(SSMClient);
let logLines: string[] = [];

const context = {
  functionName: 'ecs-ops-alerts',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

beforeAll(async () => {
  slack = await startSlackStandIn();
  db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', () => { resolve(); }));
  const { port } = db.address() as AddressInfo;
  dynamo = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-west-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});

afterAll(async () => {
  await slack.close();
  await new Promise<void>((resolve) => db.close(() => { resolve(); }));
});

/** A fresh handler on a fresh table, as a new deployment would have. */
async function newHandler() {
  const tableName = `ecs-ops-idempotency-${++tableCounter}`;
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const logger = createLogger('ecs-ops-alerts');
  const metrics = createMetrics('ecs-ops-alerts');
  const deliverer = createNotifier({
    ssm: new SSMClient({ region: 'us-west-2' }),
    sns: new SNSClient({ region: 'us-west-2' }),
    logger,
    env: { ECS_OPS_ALLOW_LOCAL_WEBHOOK: '1' },
    sleep: () => Promise.resolve(),
  });
  return createAlertsHandler({ config, logger, metrics, deliverer, persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamo }) });
}

beforeEach(() => {
  sns.reset();
  ssm.reset();
  ssm.on(GetParameterCommand, { Name: '/ecs-ops/slack/ops', WithDecryption: true }).resolves({ Parameter: { Name: '/ecs-ops/slack/ops', Type: 'SecureString', Value: slack.url() } });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  slack.received.length = 0;
  logLines = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logLines.push(String(chunk));
      return true;
    });
  }
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => { logLines.push(args.map(String).join(' ')); });
  vi.spyOn(console, 'info').mockImplementation((...args: unknown[]) => { logLines.push(args.map(String).join(' ')); });
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => { logLines.push(args.map(String).join(' ')); });
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => { logLines.push(args.map(String).join(' ')); });
});

afterEach(() => {
  vi.restoreAllMocks();
  // No log line, ever, carries the webhook URL or its secret path.
  expect(logLines.join('\n')).not.toContain('s3cr3tWebhookT0ken');
});

const placementFailure = () => fixtureEvent('ecs-service-action-placement-failure-ec2-cpu');

describe('alerts handler', () => {
  it('posts a placement failure to Slack (Block Kit + text) and SNS (subject, attributes)', async () => {
    const handler = await newHandler();
    const outcome = await handler(placementFailure(), context);
    expect(outcome).toMatchObject({
      status: 'alerted',
      kind: 'service-task-placement-failure',
      channels: expect.arrayContaining([{ channel: 'ops', outcome: 'posted' }, { channel: 'pager', outcome: 'posted' }]) as unknown,
    });

    expect(slack.received).toHaveLength(1);
    const request = slack.received[0]!;
    expect(request.headers['content-type']).toContain('application/json');
    const body = request.body as { text: string; blocks: { type: string; text?: { text: string } }[] };
    expect(body.text).toContain('servicetest: tasks cannot be placed (RESOURCE:CPU)');
    expect(body.blocks[0]).toMatchObject({ type: 'header' });
    expect(request.raw).toContain('no container instance has enough free CPU');
    expect(request.raw).toContain('https://us-west-2.console.aws.amazon.com/ecs/v2/clusters/default/services/servicetest/events?region=us-west-2');

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const publish = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(publish.TopicArn).toBe(TOPIC);
    expect(publish.Subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    expect(publish.Subject).toContain('servicetest');
    expect(publish.MessageAttributes).toMatchObject({
      severity: { DataType: 'String', StringValue: 'critical' },
      kind: { DataType: 'String', StringValue: 'service-task-placement-failure' },
      cluster: { DataType: 'String', StringValue: 'default' },
      service: { DataType: 'String', StringValue: 'servicetest' },
    });
  });

  it('posts the same event delivered twice, and the same failure repeated in the window, once', async () => {
    const handler = await newHandler();
    await handler(placementFailure(), context);
    const again = await handler(placementFailure(), context);
    const repeated = placementFailure();
    repeated.id = 'a-later-event-of-the-same-failure';
    const third = await handler(repeated, context);

    expect(slack.received).toHaveLength(1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    for (const outcome of [again, third]) {
      expect(outcome).toMatchObject({ status: 'alerted', channels: expect.arrayContaining([{ channel: 'ops', outcome: 'duplicate' }, { channel: 'pager', outcome: 'duplicate' }]) as unknown });
    }
  });

  it('posts a different failure of the same service separately', async () => {
    const handler = await newHandler();
    await handler(placementFailure(), context);
    const memory = placementFailure();
    memory.detail.reason = 'RESOURCE:MEMORY';
    await handler(memory, context);
    expect(slack.received).toHaveLength(2);
  });

  it('on a Slack 5xx fails the invocation for a retry that posts Slack without re-posting SNS', async () => {
    const handler = await newHandler();
    slack.respondWith({ status: 500, body: 'rollup_error' }, { status: 500, body: 'rollup_error' }, { status: 500, body: 'rollup_error' });
    await expect(handler(placementFailure(), context)).rejects.toThrow(/failed on 1 channel/);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const attempts = slack.received.length;

    const retried = await handler(placementFailure(), context);
    expect(retried).toMatchObject({ channels: expect.arrayContaining([{ channel: 'ops', outcome: 'posted' }, { channel: 'pager', outcome: 'duplicate' }]) as unknown });
    expect(slack.received).toHaveLength(attempts + 1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('honours Slack 429 Retry-After within the invocation', async () => {
    const handler = await newHandler();
    slack.respondWith({ status: 429, body: 'rate_limited', headers: { 'Retry-After': '1' } });
    const outcome = await handler(placementFailure(), context);
    expect(outcome).toMatchObject({ channels: expect.arrayContaining([{ channel: 'ops', outcome: 'posted' }]) as unknown });
    expect(slack.received).toHaveLength(2);
  });

  it('reports a revoked webhook (404 no_service) without retrying, and still posts to SNS', async () => {
    const handler = await newHandler();
    slack.respondWith({ status: 404, body: 'no_service' });
    const outcome = await handler(placementFailure(), context);
    expect(outcome).toMatchObject({
      status: 'alerted',
      channels: expect.arrayContaining([{ channel: 'ops', outcome: 'failed', error: expect.stringContaining('no_service') as unknown }, { channel: 'pager', outcome: 'posted' }]) as unknown,
    });
    expect(slack.received).toHaveLength(1);
    const logs = logLines.join('\n');
    expect(logs).toContain('no_service');
    expect(logs).toContain('"ops"');
  });

  it('posts a burst of identical events arriving at once exactly once, without failing any of them', async () => {
    const handler = await newHandler();
    const burst = ['e1', 'e2', 'e3'].map((id) => ({ ...placementFailure(), id }));
    const outcomes = await Promise.all(burst.map((event) => handler(event, context)));
    expect(slack.received).toHaveLength(1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    const perChannel = outcomes.flatMap((o) => (o.status === 'alerted' ? o.channels.map((c) => c.outcome) : []));
    expect(perChannel.filter((o) => o === 'posted')).toHaveLength(2);
    expect(perChannel.filter((o) => o === 'duplicate')).toHaveLength(4);
  });

  it('tries a channel that failed for good again on the next occurrence, and reports it again', async () => {
    const handler = await newHandler();
    slack.respondWith({ status: 404, body: 'no_service' });
    await handler(placementFailure(), context);
    const later = { ...placementFailure(), id: 'a-later-event' };
    const outcome = await handler(later, context);
    expect(slack.received).toHaveLength(2);
    expect(outcome).toMatchObject({ channels: expect.arrayContaining([{ channel: 'ops', outcome: 'posted' }, { channel: 'pager', outcome: 'duplicate' }]) as unknown });
    expect(logLines.join('\n')).toContain('"NotificationFailed":1');
  });

  it('drops a malformed event with the failing field path in the log and touches nothing', async () => {
    const handler = await newHandler();
    const broken = placementFailure();
    delete broken.detail.clusterArn;
    const outcome = await handler(broken, context);
    expect(outcome).toMatchObject({ status: 'malformed', eventId: 'ddca6449-b258-46c0-8653-e0e3a6d0468b' });
    expect(logLines.join('\n')).toContain('detail.clusterArn');
    expect(logLines.join('\n')).toContain('"MalformedEvent":1');
    expect(slack.received).toHaveLength(0);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 0);
  });

  it('never posts SERVICE_STEADY_STATE', async () => {
    const handler = await newHandler();
    const outcome = await handler(fixtureEvent('ecs-service-action-steady-state'), context);
    expect(outcome).toMatchObject({ status: 'skipped' });
    expect(slack.received).toHaveLength(0);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('routes by severity: a warning goes to Slack only', async () => {
    const handler = await newHandler();
    await handler(fixtureEvent('ecs-deployment-in-progress-rollback'), context);
    expect(slack.received).toHaveLength(1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });

  it('logs with the event id as correlation id', async () => {
    const handler = await newHandler();
    await handler(placementFailure(), context);
    const handled = logLines.map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return undefined; } }).find((l) => l?.message === 'alert handled');
    expect(handled?.correlation_id).toBe('ddca6449-b258-46c0-8653-e0e3a6d0468b');
  });
});
