/**
 * The real package: the example config packaged with osls once, read with readPackage, its alerts bundle extracted
 * from alerts.zip and invoked unchanged. AWS is a tiny local HTTP server written here (SSM GetParameter in JSON 1.1,
 * SNS Publish in Query/XML, DynamoDB forwarded to dynalite, and a Slack webhook path): the bundle reaches it through
 * AWS_ENDPOINT_URL, as it will reach the simulator's server.
 */
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../lib/config/index.js';
import { deploymentValues } from '../../../lib/deploy/values.js';
import { createEventBus, runUntil } from '../../../sim/runtime/delivery.js';
import { loadFunctions, type LambdaFunction, type LoadedFunctions } from '../../../sim/runtime/functions.js';
import { findFunction, readPackage, type Package } from '../../../sim/runtime/template.js';
import { zipEntryMap } from '../../../sim/runtime/zip.js';
import { VirtualClock } from '../../../sim/world/clock.js';
import { fixtureEvent, repoRoot } from '../../support/fixtures.js';
import { packageExample } from '../../support/package.js';
import { tempDir } from './support.js';

interface Received {
  service: 'ssm' | 'sns' | 'dynamodb' | 'slack' | 'unknown';
  path: string;
  target: string | undefined;
  body: string;
}

let dir: string;
let pkg: Package;
let functions: LoadedFunctions;
let alerts: LambdaFunction;
let db: Server;
let aws: Server;
let awsPort: number;
let tableName: string;
let dynamo: DynamoDBClient;
const received: Received[] = [];
const clock = new VirtualClock(Date.parse('2026-03-27T12:00:00Z'));

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => { resolve(Buffer.concat(chunks)); });
    req.on('error', reject);
  });
}

/** Answers just what the alerts bundle calls. */
async function answer(req: IncomingMessage, res: ServerResponse, dbPort: number): Promise<void> {
  const body = await readBody(req);
  const text = body.toString('utf8');
  const target = typeof req.headers['x-amz-target'] === 'string' ? req.headers['x-amz-target'] : undefined;
  const path = req.url ?? '/';
  if (target?.startsWith('DynamoDB_')) {
    received.push({ service: 'dynamodb', path, target, body: text });
    const forward = request({ host: '127.0.0.1', port: dbPort, method: req.method, path, headers: req.headers }, (upstream) => {
      res.writeHead(upstream.statusCode ?? 500, upstream.headers);
      upstream.pipe(res);
    });
    forward.end(body);
    return;
  }
  if (target === 'AmazonSSM.GetParameter') {
    received.push({ service: 'ssm', path, target, body: text });
    const { Name } = JSON.parse(text) as { Name: string };
    const channel = Name.split('/').pop() ?? 'x';
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify({ Parameter: { Name, Type: 'SecureString', Value: `http://127.0.0.1:${awsPort}/slack/${channel}`, Version: 1 } }));
    return;
  }
  if (path.startsWith('/slack/')) {
    received.push({ service: 'slack', path, target, body: text });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  if (new URLSearchParams(text).get('Action') === 'Publish') {
    received.push({ service: 'sns', path, target, body: text });
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end('<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m1</MessageId></PublishResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></PublishResponse>');
    return;
  }
  received.push({ service: 'unknown', path, target, body: text });
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end('{"__type":"UnknownOperationException"}');
}

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => { resolve((server.address() as AddressInfo).port); }));

beforeAll(async () => {
  dir = await packageExample();
  pkg = readPackage(dir);
  db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const dbPort = await listen(db);
  aws = createServer((req, res) => {
    answer(req, res, dbPort).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  awsPort = await listen(aws);
  functions = await loadFunctions(pkg, { workDir: tempDir('runtime-alerts'), endpointUrl: `http://127.0.0.1:${awsPort}`, clock, seed: 3 });
  alerts = functions.get('alerts');
  tableName = alerts.environment.IDEMPOTENCY_TABLE ?? '';
  dynamo = new DynamoDBClient({ endpoint: `http://127.0.0.1:${dbPort}`, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await dynamo.send(
    new CreateTableCommand({ TableName: tableName, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST' }),
  );
}, 240_000);

afterAll(async () => {
  dynamo.destroy();
  for (const server of [aws, db]) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  }
});

describe('readPackage on the packaged example', () => {
  it('finds the alerts function with its configuration, resolved environment and failure destination', () => {
    const fn = findFunction(pkg, 'alerts');
    expect(fn).toMatchObject({
      logicalId: 'AlertsLambdaFunction',
      functionName: 'ecs-ops-prod-alerts',
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:ecs-ops-prod-alerts',
      handler: 'functions/alerts.handler',
      runtime: 'nodejs24.x',
      zip: join(dir, 'alerts.zip'),
      timeoutSeconds: 30,
      memoryMb: 256,
      maximumRetryAttempts: 2,
      maximumEventAgeSeconds: 3600,
      onFailure: 'FailureQueue',
      role: 'AlertsIamRoleLambdaExecution',
    });
    expect(pkg.stack).toMatchObject({ stackName: 'ecs-ops-prod', region: 'us-east-1', accountId: '123456789012' });
    const env = pkg.environment(fn);
    expect(env.IDEMPOTENCY_TABLE).toMatch(/^ecs-ops-prod-IdempotencyTable-[A-Z0-9]{12}$/);
    expect(env).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'ecs-ops-alerts', POWERTOOLS_METRICS_NAMESPACE: 'ecs-ops' });
    // No --enable-source-maps: the source maps are not in the zips (docs/performance.md).
    expect(env).not.toHaveProperty('NODE_OPTIONS');
    expect(pkg.resources).toEqual({ tables: ['IdempotencyTable'], queues: ['FailureQueue'] });
    expect(fn.onFailureArn).toBe(`arn:aws:sqs:us-east-1:123456789012:${pkg.physicalName('FailureQueue')}`);
  });

  it('finds the four alert rules, with the patterns derived from the config, targeting the function', () => {
    const config = loadConfigFile(join(repoRoot, 'ecs-ops.config.example.yml')).config;
    const expected = deploymentValues(config).functions.alerts.events.map((e) => e.eventBridge.pattern);
    const alertRules = pkg.rules.filter((r) => r.targets.includes('AlertsLambdaFunction'));
    expect(alertRules).toHaveLength(4);
    expect(alertRules.map((r) => r.pattern)).toEqual(expected);
    for (const rule of alertRules) {
      expect(rule).toMatchObject({ state: 'ENABLED', targets: ['AlertsLambdaFunction'] });
      expect(rule.name).toMatch(/^ecs-ops-prod-alerts-rule-\d$/);
    }
    for (const schedule of pkg.schedules) expect(pkg.functions.map((f) => f.logicalId)).toContain(schedule.target);
  });

  it('resolves the IAM resources to the simulated account', () => {
    const resources = (action: string): unknown =>
      pkg.resolve(findFunction(pkg, 'alerts').iamStatements.find((s) => JSON.stringify((s as { Action: unknown }).Action).includes(action)));
    expect(resources('ssm:GetParameter')).toMatchObject({ Resource: ['arn:aws:ssm:us-east-1:123456789012:parameter/ecs-ops/slack/ops', 'arn:aws:ssm:us-east-1:123456789012:parameter/ecs-ops/slack/prod-oncall'] });
    expect(resources('dynamodb:PutItem')).toMatchObject({ Resource: [`arn:aws:dynamodb:us-east-1:123456789012:table/${tableName}`] });
  });
});

describe('the extracted bundle', () => {
  it('is the zip content, unchanged, in workDir/<functionName>/ (no source map: it stays next to the package)', () => {
    expect(alerts.modulePath).toMatch(/ecs-ops-prod-alerts\/functions\/alerts\.mjs$/);
    const zip = zipEntryMap(join(dir, 'alerts.zip'));
    expect(readFileSync(alerts.modulePath)).toEqual(zip.get('functions/alerts.mjs')!.data());
    expect(zip.has('functions/alerts.mjs.map')).toBe(false);
    expect(existsSync(`${alerts.modulePath}.map`)).toBe(false);
  });
});

describe('invoking the real alerts bundle', () => {
  it('skips SERVICE_STEADY_STATE and drops a malformed event, without any AWS call', async () => {
    received.length = 0;
    const steady = await alerts.invoke(fixtureEvent('ecs-service-action-steady-state'));
    expect(steady.error).toBeUndefined();
    expect(steady.result).toMatchObject({ status: 'skipped' });
    expect(steady.coldStart).toBe(true);

    const broken = fixtureEvent('ecs-service-action-placement-failure-ec2-cpu');
    delete broken.detail.clusterArn;
    const malformed = await alerts.invoke(broken);
    expect(malformed.result).toMatchObject({ status: 'malformed', eventId: broken.id });
    expect(malformed.coldStart).toBe(false);
    // Powertools JSON logs and EMF metrics were captured, not printed.
    const logs = malformed.logs.map((l) => l.json).filter((j): j is Record<string, unknown> => typeof j === 'object' && j !== null);
    expect(JSON.stringify(logs)).toContain('detail.clusterArn');
    expect(logs.some((l) => '_aws' in l && l.MalformedEvent === 1)).toBe(true);
    expect(logs.find((l) => l.message === 'malformed event dropped')).toMatchObject({
      level: 'ERROR',
      service: 'ecs-ops-alerts',
      function_name: 'ecs-ops-prod-alerts',
      function_request_id: malformed.requestId,
      correlation_id: broken.id,
    });
    expect(received).toEqual([]);
  });

  it('delivers a prod placement failure through the bus: SSM, Slack, SNS and DynamoDB over the endpoint', async () => {
    received.length = 0;
    const event = fixtureEvent('ecs-service-action-placement-failure-ec2-cpu');
    event.id = 'prod-placement-failure-1';
    event.account = '123456789012';
    event.region = 'us-east-1';
    event.resources = ['arn:aws:ecs:us-east-1:123456789012:service/prod/servicetest'];
    event.detail.clusterArn = 'arn:aws:ecs:us-east-1:123456789012:cluster/prod';
    event.detail.containerInstanceArns = ['arn:aws:ecs:us-east-1:123456789012:container-instance/prod/2dd1b186f39845a584488d2ef155c131'];

    const bus = createEventBus(pkg, functions.functions, { clock });
    expect(bus.put(event as never).matched).toEqual([{ rule: 'ecs-ops-prod-alerts-rule-1', function: 'AlertsLambdaFunction' }]);
    await runUntil(clock, bus, clock.now() + 60_000);

    const record = functions.invocations.at(-1)!;
    expect(record).toMatchObject({ function: 'ecs-ops-prod-alerts', eventId: 'prod-placement-failure-1', source: 'ecs-ops-prod-alerts-rule-1', attempt: 1 });
    expect(record.error).toBeUndefined();
    expect(record.result).toMatchObject({
      status: 'alerted',
      kind: 'service-task-placement-failure',
      channels: expect.arrayContaining([
        { channel: 'ops', outcome: 'posted' },
        { channel: 'prod-oncall', outcome: 'posted' },
        { channel: 'pager', outcome: 'posted' },
      ]) as unknown,
    });
    expect(bus.deadLetters).toEqual([]);

    const slack = received.filter((r) => r.service === 'slack');
    expect(slack.map((r) => r.path).sort()).toEqual(['/slack/ops', '/slack/prod-oncall']);
    for (const post of slack) {
      const body = JSON.parse(post.body) as { text: string; blocks: { type: string }[] };
      expect(body.text).toContain('servicetest: tasks cannot be placed (RESOURCE:CPU)');
      expect(body.blocks[0]).toMatchObject({ type: 'header' });
    }
    expect(received.filter((r) => r.service === 'ssm').map((r) => JSON.parse(r.body) as unknown)).toEqual(
      expect.arrayContaining([{ Name: '/ecs-ops/slack/ops', WithDecryption: true }, { Name: '/ecs-ops/slack/prod-oncall', WithDecryption: true }]),
    );
    const publish = new URLSearchParams(received.find((r) => r.service === 'sns')!.body);
    expect(publish.get('TopicArn')).toBe('arn:aws:sns:us-east-1:123456789012:ecs-ops-critical');
    expect(received.some((r) => r.target === 'DynamoDB_20120810.PutItem')).toBe(true);
    expect(received.filter((r) => r.service === 'unknown')).toEqual([]);
    const items = await dynamo.send(new ScanCommand({ TableName: tableName }));
    expect(items.Count).toBeGreaterThan(0);

    // The same event delivered again (EventBridge is at-least-once) is deduplicated in DynamoDB: no second post.
    bus.put(event as never);
    await runUntil(clock, bus, clock.now() + 60_000);
    expect(functions.invocations.at(-1)!.result).toMatchObject({ channels: expect.arrayContaining([{ channel: 'ops', outcome: 'duplicate' }]) as unknown });
    expect(received.filter((r) => r.service === 'slack')).toHaveLength(2);
  });
});
