/**
 * The placement function end to end: events through the middy handler (Powertools logger and metrics), gather →
 * evaluate → plan → act against the in-memory ECS behind aws-sdk-client-mock, notifications deduplicated per window by
 * Powertools Idempotency on a real DynamoDB implementation (dynalite, in process).
 */
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import dynalite from 'dynalite';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPlacementHandler } from '../../../functions/placement.js';
import type { Channel } from '../../../lib/config/schema.js';
import type { Notification } from '../../../lib/notify/types.js';
import { createLogger, createMetrics } from '../../../lib/observability.js';
import { dynamoJournal, journalOpsSource } from '../../../lib/summary/journal.js';
import { configFrom } from '../../support/fixtures.js';
import { FakeEcs, NOW } from './fake-ecs.js';

const CONFIG = `version: 1
clusters: [{ name: prod }]
notifications:
  channels: [{ name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }]
placement:
  dryRun: false
  policies:
    - name: spread
      select: { services: [web] }
      mode: enforce
      rules: { azBalance: { maxSkew: 1 } }
`;
const context = { functionName: 'ecs-ops-placement', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 100_000 } as unknown as Context;
const scheduled = { version: '0', id: 'sched-1', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '123456789012', time: '2026-01-01T12:00:00Z', region: 'us-east-1', resources: ['arn:aws:events:us-east-1:123456789012:rule/ecs-ops-placement'], detail: {} };

let db: ReturnType<typeof dynalite>;
let dynamo: DynamoDBClient;
let tables = 0;
let tableName = '';
let fake: FakeEcs;
let posted: { channel: string; notification: Notification }[];

beforeAll(async () => {
  db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', () => { resolve(); }));
  const { port } = db.address() as AddressInfo;
  dynamo = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
});
afterAll(async () => {
  await new Promise<void>((resolve) => db.close(() => { resolve(); }));
});

beforeEach(() => {
  fake = new FakeEcs();
  fake.install();
  const [a, b] = [fake.addInstance(1, 'us-east-1a'), fake.addInstance(2, 'us-east-1b')];
  fake.addInstance(3, 'us-east-1c');
  fake.addService('web', 6);
  for (let i = 0; i < 4; i++) fake.addTask('web', a);
  fake.addTask('web', b);
  fake.addTask('web', b);
  posted = [];
  for (const stream of [process.stdout, process.stderr]) vi.spyOn(stream, 'write').mockImplementation(() => true);
});

async function newHandler() {
  tableName = `placement-${++tables}`;
  await dynamo.send(new CreateTableCommand({ TableName: tableName, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }));
  const handler = createPlacementHandler({
    config: configFrom(CONFIG),
    ecs: new ECSClient({ region: 'us-east-1' }),
    deliverer: {
      deliver: (channel: Channel, notification: Notification) => {
        posted.push({ channel: channel.name, notification });
        return Promise.resolve({ delivered: true });
      },
    },
    persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamo }),
    journal: dynamoJournal(dynamo, tableName, createLogger('ecs-ops-placement')),
    logger: createLogger('ecs-ops-placement'),
    metrics: createMetrics('ecs-ops-placement'),
    now: () => NOW,
    region: 'us-east-1',
  });
  return (event: unknown) => handler(event, context);
}

describe('the placement function', () => {
  it('on the schedule: audits the cluster, stops one task with the reason, posts one placement-stop', async () => {
    const handle = await newHandler();
    const outcome = await handle(scheduled);
    expect(outcome.status).toBe('handled');
    expect(fake.stopped).toHaveLength(1);
    expect(fake.stopped[0]?.reason).toMatch(/^ecs-ops placement azBalance \(policy spread\): web: 4 tasks in us-east-1a, 2 in us-east-1b, 0 in us-east-1c; allowed skew 1/);
    expect(posted.map((p) => `${p.channel} ${p.notification.kind}`)).toEqual(['ops placement-stop']);
    // The stop is in the ops journal, as the digest reads it.
    const records = await journalOpsSource(dynamo, tableName, createLogger('test')).collect('prod', { start: NOW - 3_600_000, end: NOW + 1 });
    expect(records).toEqual([{ kind: 'placement', at: NOW, subject: fake.stopped[0]?.task.split('/').pop(), service: 'web', outcome: 'acted', detail: expect.stringMatching(/^stopped task web-\d of web for azBalance \(policy spread; 2 → 1 task\(s\) off\) on i-1, replacement expected on i-3$/) as string }]);
  });

  it('a violation it cannot act on is posted once per dedupe window, however many audits', async () => {
    fake.services[0] = { ...fake.services[0], deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 } };
    const handle = await newHandler();
    await handle(scheduled);
    await handle({ ...scheduled, id: 'sched-2' });
    expect(posted.map((p) => p.notification.kind)).toEqual(['placement-violation']);
    expect(posted[0]?.notification.summary).toContain('at its minimum healthy count');
    expect(fake.stopped).toEqual([]);
  });

  it('a malformed event is dropped with its reason, nothing called', async () => {
    const handle = await newHandler();
    const outcome = await handle({ 'detail-type': 'ECS Task State Change', source: 'aws.ecs', detail: {} });
    expect(outcome.status).toBe('malformed');
    expect(fake.stopped).toEqual([]);
  });
});
