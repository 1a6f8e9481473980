/**
 * What shares the server's port besides the five APIs: DynamoDB (dynalite, in process) and the Slack webhook sink;
 * plus service detection, unknown operations and the call log.
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { startAwsServer, succeeded } from '../../../sim/server/index.js';
import { CLUSTER, createFakeApis } from './fake-apis.js';
import { clientConfig, useServer } from './support.js';

const h = useServer({ dynamodb: true, now: () => new Date('2030-01-01T00:00:00Z') });

describe('DynamoDB on the same port', () => {
  it('CreateTable, PutItem, GetItem through dynalite', async () => {
    const db = new DynamoDBClient(clientConfig(h.server));
    const created = await db.send(
      new CreateTableCommand({
        TableName: 'ecs-ops-idempotency',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    expect(created.TableDescription?.TableName).toBe('ecs-ops-idempotency');
    await db.send(new PutItemCommand({ TableName: 'ecs-ops-idempotency', Item: { id: { S: 'k1' }, n: { N: '42' }, ok: { BOOL: true } } }));
    const got = await db.send(new GetItemCommand({ TableName: 'ecs-ops-idempotency', Key: { id: { S: 'k1' } } }));
    expect(got.Item).toEqual({ id: { S: 'k1' }, n: { N: '42' }, ok: { BOOL: true } });
    await expect(db.send(new GetItemCommand({ TableName: 'missing', Key: { id: { S: 'k1' } } }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(h.server.calls.counts((c) => c.service === 'dynamodb')).toEqual({ 'dynamodb:CreateTable': 1, 'dynamodb:GetItem': 2, 'dynamodb:PutItem': 1 });
    expect(h.server.calls.calls.findLast((c) => c.service === 'dynamodb')).toMatchObject({ status: 400, errorCode: 'ResourceNotFoundException' });
  });

  it('DynamoDB is refused when not enabled', async () => {
    const server = await startAwsServer({ apis: createFakeApis().apis });
    try {
      await expect(new DynamoDBClient(clientConfig(server)).send(new GetItemCommand({ TableName: 't', Key: { id: { S: 'k' } } }))).rejects.toMatchObject({
        name: 'UnknownOperationException',
        message: expect.stringContaining('dynamodb: true') as string,
      });
    } finally {
      await server.close();
    }
  });
});

describe('Slack webhook sink', () => {
  it('records requests and answers 200 ok, or the queued replies', async () => {
    const url = h.server.slack.url();
    expect(url).toBe(`${h.server.url}/slack/services/T0STANDIN/B0STANDIN/s3cr3tWebhookT0ken0000`);
    const post = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const ok = await post({ text: 'hello', blocks: [] });
    expect([ok.status, await ok.text()]).toEqual([200, 'ok']);
    expect(h.server.slack.received[0]).toMatchObject({
      method: 'POST',
      path: '/slack/services/T0STANDIN/B0STANDIN/s3cr3tWebhookT0ken0000',
      body: { text: 'hello', blocks: [] },
      raw: '{"text":"hello","blocks":[]}',
      bytes: 28,
      headers: expect.objectContaining({ 'content-type': 'application/json' }) as unknown,
    });

    h.server.slack.respondWith({ status: 429, headers: { 'retry-after': '30' } }, { status: 404, body: 'no_service' });
    const limited = await post({ text: 'a' });
    expect([limited.status, limited.headers.get('retry-after'), await limited.text()]).toEqual([429, '30', '']);
    const gone = await post({ text: 'b' });
    expect([gone.status, await gone.text()]).toEqual([404, 'no_service']);
    const back = await post({ text: 'c' });
    expect(back.status).toBe(200);
    expect(h.server.slack.received.map((r) => (r.body as { text: string }).text)).toEqual(['hello', 'a', 'b', 'c']);
    // Slack requests are not AWS API calls.
    expect(h.server.calls.calls.some((c) => c.operation === '' || c.service === 'unknown')).toBe(false);
  });
});

describe('routing and errors', () => {
  it('an unknown JSON operation is UnknownOperationException', async () => {
    const res = await fetch(h.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.CreateCluster' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await res.json()).toEqual({ __type: 'UnknownOperationException', message: 'Unknown operation: CreateCluster' });
    expect(h.server.calls.calls.at(-1)).toMatchObject({ service: 'ecs', operation: 'CreateCluster', errorCode: 'UnknownOperationException' });
  });

  it('finds the service from the credential scope, whatever the target says', async () => {
    const res = await fetch(h.server.url, {
      method: 'POST',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/ssm/aws4_request, SignedHeaders=host, Signature=00',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Whatever.GetParameter',
      },
      body: JSON.stringify({ Name: '/ecs-ops/slack/ops' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { Parameter: { LastModifiedDate: unknown } }).Parameter.LastModifiedDate).toBe(Date.parse('2024-05-01T10:05:30.250Z') / 1000);
  });

  it('malformed JSON is SerializationException', async () => {
    const res = await fetch(h.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameter' },
      body: '{"Name":',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('SerializationException');
  });

  it('a non-AwsApiError from the API is a 500 InternalFailure and reported', async () => {
    const fake = createFakeApis();
    fake.apis.ecs.ListTasks = () => {
      throw new TypeError('boom');
    };
    const reported: unknown[] = [];
    const server = await startAwsServer({ apis: fake.apis, onInternalError: (error) => reported.push(error) });
    try {
      await expect(new ECSClient(clientConfig(server, 1)).send(new ListTasksCommand({ cluster: CLUSTER }))).rejects.toMatchObject({
        name: 'InternalFailure',
        message: 'Internal error in the simulator: boom',
        $metadata: { httpStatusCode: 500 },
      });
      expect(reported).toEqual([new TypeError('boom')]);
    } finally {
      await server.close();
    }
  });
});

describe('call log', () => {
  it('records service, operation, status, error code and time; counts by service:operation', async () => {
    h.server.calls.clear();
    const ssm = new SSMClient(clientConfig(h.server));
    await ssm.send(new GetParameterCommand({ Name: '/ecs-ops/slack/ops' }));
    await ssm.send(new GetParameterCommand({ Name: '/ecs-ops/slack/ops' }));
    await ssm.send(new GetParameterCommand({ Name: '/missing' })).catch(() => undefined);
    await new ECSClient(clientConfig(h.server)).send(new ListTasksCommand({ cluster: CLUSTER }));
    expect(h.server.calls.calls).toEqual([
      { service: 'ssm', operation: 'GetParameter', status: 200, at: new Date('2030-01-01T00:00:00Z') },
      { service: 'ssm', operation: 'GetParameter', status: 200, at: new Date('2030-01-01T00:00:00Z') },
      { service: 'ssm', operation: 'GetParameter', status: 400, errorCode: 'ParameterNotFound', at: new Date('2030-01-01T00:00:00Z') },
      { service: 'ecs', operation: 'ListTasks', status: 200, at: new Date('2030-01-01T00:00:00Z') },
    ]);
    expect(h.server.calls.counts()).toEqual({ 'ecs:ListTasks': 1, 'ssm:GetParameter': 3 });
    expect(h.server.calls.counts(succeeded)).toEqual({ 'ecs:ListTasks': 1, 'ssm:GetParameter': 2 });
    expect(h.server.calls.count('ssm')).toBe(3);
  });
});

describe('unsigned Query requests', () => {
  it('are attributed by Version, else by Action name', async () => {
    const res = await fetch(h.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3Aecs-ops-alerts&Message=hi',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^<PublishResponse xmlns="http:\/\/sns\.amazonaws\.com\/doc\/2010-03-31\/"><PublishResult><MessageId>95df01b4-ee98-5cb9-9903-4c221d41eb5e<\/MessageId><\/PublishResult>/);
    const missing = await fetch(h.server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Version=2011-01-01' });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('<Code>MissingAction</Code>');
  });
});

describe('Slack sink disabled', () => {
  it('answers 404 no_service under /slack/', async () => {
    const server = await startAwsServer({ apis: createFakeApis().apis, slack: false });
    try {
      const res = await fetch(server.slack.url(), { method: 'POST', body: '{}' });
      expect([res.status, await res.text()]).toEqual([404, 'no_service']);
      expect(server.slack.received).toEqual([]);
      expect(server.calls.count()).toBe(0);
    } finally {
      await server.close();
    }
  });
});
