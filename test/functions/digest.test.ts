/**
 * The digest function end to end: a scheduled-rule event through the handler's middy pipeline, AWS reads mocked with
 * aws-sdk-client-mock, idempotency on a real DynamoDB implementation (dynalite), Slack a real HTTP server. A retried
 * invocation never posts a part twice.
 */
import type { Context } from 'aws-lambda';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { ApplicationAutoScalingClient, DescribeScalingActivitiesCommand as AasActivities, type ScalingActivity } from '@aws-sdk/client-application-auto-scaling';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeScalingActivitiesCommand as AsgActivities } from '@aws-sdk/client-auto-scaling';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeServicesCommand, ECSClient, ListServicesCommand, type DescribeServicesCommandInput } from '@aws-sdk/client-ecs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDigestHandler } from '../../functions/digest.js';
import { dynamoJournal, journalOpsSource, placementStopEntry, type JournalEntry } from '../../lib/summary/journal.js';
import { createNotifier } from '../../lib/notify/index.js';
import { createLogger, createMetrics } from '../../lib/observability.js';
import { configFrom } from '../support/fixtures.js';
import { startSlackStandIn, type SlackStandIn } from '../support/slack-stand-in.js';
import { targetTracking, T0 } from '../summary/digest/fixtures.js';

const config = configFrom(`
version: 1
clusters:
  - name: prod
    asgs: [{ name: prod-ecs }]
notifications:
  channels:
    - { name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }
    - { name: feed, type: sns, topicArn: 'arn:aws:sns:us-east-1:111122223333:ecs-ops-digest' }
    - { name: pager, type: sns, topicArn: 'arn:aws:sns:us-east-1:111122223333:ecs-ops-critical', severities: [critical] }
summary:
  digest:
    schedule: cron(0 12 * * ? *)
`);

/** The digest scheduled for 2026-01-01 12:00 UTC covers the day since 2025-12-31 12:00. */
const FIRE = Date.parse('2026-01-01T12:00:00Z');
const scheduledEvent = () => ({
  version: '0',
  id: 'c0ffee00-0000-4000-8000-000000000001',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '111122223333',
  time: '2026-01-01T12:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:111122223333:rule/ecs-ops-prod-DigestSchedule'],
  detail: {},
});

let slack: SlackStandIn;
let db: ReturnType<typeof dynalite>;
let dynamo: DynamoDBClient;
let tableCounter = 0;
const ecs = mockClient(ECSClient);
const asc = mockClient(AutoScalingClient);
const aas = mockClient(ApplicationAutoScalingClient);
const sns = mockClient(SNSClient);
const ssm = mockClient(SSMClient);
const context = { functionName: 'ecs-ops-digest', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

beforeAll(async () => {
  slack = await startSlackStandIn();
  db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', () => { resolve(); }));
  const { port } = db.address() as AddressInfo;
  dynamo = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});

afterAll(async () => {
  await slack.close();
  await new Promise<void>((resolve) => db.close(() => { resolve(); }));
});

async function newHandler(cfg = config, journal: JournalEntry[] = []) {
  const tableName = `ecs-ops-digest-${++tableCounter}`;
  await dynamo.send(
    new CreateTableCommand({ TableName: tableName, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
  );
  const logger = createLogger('ecs-ops-digest');
  const writer = dynamoJournal(dynamo, tableName, logger);
  for (const entry of journal) await writer.append(entry);
  const deliverer = createNotifier({ ssm: new SSMClient({ region: 'us-east-1' }), sns: new SNSClient({ region: 'us-east-1' }), logger, env: { ECS_OPS_ALLOW_LOCAL_WEBHOOK: '1' }, sleep: () => Promise.resolve() });
  return createDigestHandler({
    config: cfg,
    logger,
    metrics: createMetrics('ecs-ops-digest'),
    deliverer,
    persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamo }),
    ecs: new ECSClient({ region: 'us-east-1' }),
    autoscaling: new AutoScalingClient({ region: 'us-east-1' }),
    aas: new ApplicationAutoScalingClient({ region: 'us-east-1' }),
    opsSources: [journalOpsSource(dynamo, tableName, logger)],
    now: () => FIRE + 20_000,
  });
}

/** `count` services, each scaled out and back in during the window (names long enough to need several messages). */
function world(count: number, nameLength = 8): void {
  const names = Array.from({ length: count }, (_, i) => `${'s'.repeat(Math.max(0, nameLength - 4))}${String(i).padStart(4, '0')}`);
  const activities: ScalingActivity[] = names.flatMap((name, i) =>
    [targetTracking(name, T0 - 3600_000, 2, false), targetTracking(name, T0 + 60_000 * (10 + i), 8, true), targetTracking(name, T0 + 60_000 * (100 + i), 3, false)].map((a) => ({
      ActivityId: a.activityId,
      ServiceNamespace: 'ecs' as const,
      ResourceId: a.resourceId,
      ScalableDimension: 'ecs:service:DesiredCount' as const,
      Description: a.description,
      Cause: a.cause,
      StartTime: new Date(a.startTime),
      StatusCode: 'Successful' as const,
    })),
  );
  activities.sort((a, b) => (b.StartTime?.getTime() ?? 0) - (a.StartTime?.getTime() ?? 0));
  ecs.on(ListServicesCommand).resolves({ serviceArns: names.map((n) => `arn:aws:ecs:us-east-1:111122223333:service/prod/${n}`) });
  ecs.on(DescribeServicesCommand).callsFake((input: DescribeServicesCommandInput) => ({
    services: (input.services ?? []).map((arn) => ({ serviceName: arn.split('/').pop(), status: 'ACTIVE', desiredCount: 3, runningCount: 3, pendingCount: 0, events: [], deployments: [] })),
  }));
  aas.on(AasActivities).resolves({ ScalingActivities: activities });
  asc.on(DescribeAutoScalingGroupsCommand).resolves({
    AutoScalingGroups: [{ AutoScalingGroupName: 'prod-ecs', DesiredCapacity: 4, MinSize: 2, MaxSize: 8, Instances: [], AvailabilityZones: ['us-east-1a'], DefaultCooldown: 300, HealthCheckType: 'EC2', CreatedTime: new Date(0) }],
  });
  asc.on(AsgActivities).resolves({ Activities: [] });
}

beforeEach(() => {
  for (const m of [ecs, asc, aas, sns, ssm]) m.reset();
  ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/ecs-ops/slack/ops', Type: 'SecureString', Value: slack.url() } });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  slack.received.length = 0;
  for (const stream of [process.stdout, process.stderr]) vi.spyOn(stream, 'write').mockImplementation(() => true);
  for (const method of ['log', 'info', 'warn', 'error'] as const) vi.spyOn(console, method).mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const bodies = () => slack.received.map((r) => r.body as { text: string; blocks: { type: string; text?: { text: string } }[] });

describe('digest handler', () => {
  it('posts the day’s digest to Slack and the info SNS topic (not the critical pager), once even when retried', async () => {
    world(3);
    const handler = await newHandler();
    const outcome = await handler(scheduledEvent(), context);
    expect(outcome).toMatchObject({ status: 'digested', window: { start: '2025-12-31T12:00:00.000Z', end: '2026-01-01T12:00:00.000Z' } });
    expect(bodies()).toHaveLength(1);
    expect(bodies()[0]?.text).toContain('Scaling digest · prod · Dec 31, 12:00–Jan 1, 12:00 UTC');
    expect(slack.received[0]?.raw).toContain('↑ +6 2 → 8 · target tracking, policy TargetTrackingPolicy');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe('arn:aws:sns:us-east-1:111122223333:ecs-ops-digest');

    // Lambda retries the same scheduled event: nothing is posted again.
    const again = await handler(scheduledEvent(), context);
    expect(again).toMatchObject({ status: 'digested', clusters: [{ deliveries: [{ channel: 'ops', outcome: 'duplicate' }, { channel: 'feed', outcome: 'duplicate' }] }] });
    expect(slack.received).toHaveLength(1);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('a big digest goes out as ordered parts; a part Slack fails is retried alone, without reposting the ones before', async () => {
    world(60, 240);
    const handler = await newHandler();
    // Part 1 lands, part 2 fails three times (5xx, then the sender's retries): the invocation fails.
    slack.respondWith({ status: 200, body: 'ok' }, { status: 500, body: 'rollup_error' }, { status: 500, body: 'rollup_error' }, { status: 500, body: 'rollup_error' });
    await expect(handler(scheduledEvent(), context)).rejects.toThrow(/Lambda will retry/);
    const firstAttempt = bodies().length;
    const titles = () => bodies().filter((_, i) => i === 0 || i >= firstAttempt).map((b) => /\((\d+)\/(\d+)\)/.exec(b.blocks[0]?.text?.text ?? '')?.slice(1, 3).join('/'));
    const retried = await handler(scheduledEvent(), context);
    expect(retried.status).toBe('digested');
    const parts = titles();
    const total = Number(parts[0]?.split('/')[1]);
    expect(total).toBeGreaterThan(1);
    // Part 1 once, then parts 2..n in order on the retry.
    expect(parts).toEqual(Array.from({ length: total }, (_, i) => `${i + 1}/${total}`));
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('an empty window posts nothing (emptyWindow: skip), or one "nothing scaled" line (post)', async () => {
    ecs.on(ListServicesCommand).resolves({ serviceArns: [] });
    aas.on(AasActivities).resolves({ ScalingActivities: [] });
    asc.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    const skip = await (await newHandler())(scheduledEvent(), context);
    expect(skip).toMatchObject({ status: 'digested', clusters: [{ cluster: 'prod', empty: true, deliveries: [] }] });
    expect(slack.received).toHaveLength(0);
    const post = configFrom(`
version: 1
clusters: [{ name: prod }]
notifications:
  channels: [{ name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }]
summary:
  digest: { schedule: 'rate(1 day)', emptyWindow: post }
`);
    await (await newHandler(post))(scheduledEvent(), context);
    expect(bodies().map((b) => b.text)).toEqual(['ℹ️ INFO: Scaling digest · prod · Dec 31, 12:00–Jan 1, 12:00 UTC: nothing scaled — Nothing scaled in prod between Dec 31, 12:00–Jan 1, 12:00 UTC.']);
  });

  it('says what ecs-ops did from its ops journal: a placement stop and a failed scheduled run, in an otherwise quiet window', async () => {
    ecs.on(ListServicesCommand).resolves({ serviceArns: [] });
    aas.on(AasActivities).resolves({ ScalingActivities: [] });
    asc.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    const stop = placementStopEntry(
      { cluster: 'prod', service: 'cache', policy: 'one-per-instance', rule: 'maxPerInstance', taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/prod/abc', from: { ec2InstanceId: 'i-1' }, to: { ec2InstanceId: 'i-2' }, before: 1, after: 0, needed: 1, reason: 'r' },
      FIRE - 3 * 3600_000,
    );
    const run: JournalEntry = { id: 'run|t1', kind: 'schedule-run', cluster: 'prod', at: FIRE - 2 * 3600_000, subject: 'nightly', outcome: 'failed', detail: 'scheduled run of nightly failed with exit code 2 after 3m 00s: report exited 2' };
    const before: JournalEntry = { ...run, id: 'run|t0', at: FIRE - 25 * 3600_000, detail: 'a run before the window' };
    const handler = await newHandler(config, [stop, run, before]);
    const outcome = await handler(scheduledEvent(), context);
    expect(outcome).toMatchObject({ status: 'digested', clusters: [{ cluster: 'prod', empty: false }] });
    const raw = slack.received[0]?.raw ?? '';
    expect(raw).toContain('stopped task abc of cache for maxPerInstance (policy one-per-instance');
    expect(raw).toContain('scheduled run of nightly failed with exit code 2');
    expect(raw).not.toContain('a run before the window');
    expect(raw.indexOf('stopped task abc')).toBeLessThan(raw.indexOf('scheduled run of nightly'));
  });

  it('drops a malformed invocation without reading AWS', async () => {
    const outcome = await (await newHandler())({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, context);
    expect(outcome.status).toBe('malformed');
    expect(ecs.calls()).toHaveLength(0);
  });
});
