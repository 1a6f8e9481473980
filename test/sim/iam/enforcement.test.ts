/**
 * IAM enforcement through the real SDK clients: a world behind the protocol server, callers registered with hand-made
 * policies, and the exact errors the real services answer when a call is denied. Also: each row of the deviation
 * table (sim/iam/deviations.ts), the requests RunTask is authorized as (tags on create, PassRole), and the decision
 * cache never merging resources a policy tells apart.
 */
import { AutoScalingClient, CompleteLifecycleActionCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IAM_DEVIATIONS } from '../../../sim/iam/deviations.js';
import { accessKeyIdFor, buildIamRequests, createIamEnforcement, IamAuthorizer, type IamEnforcement, type Principal } from '../../../sim/iam/index.js';
import { startAwsServer, type AwsServer } from '../../../sim/server/index.js';
import { World } from '../../../sim/world/world.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ecs = (resource: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:${resource}`;
const CLUSTER = ecs('cluster/prod');
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:ops`;
const TASK_ROLE = `arn:aws:iam::${ACCOUNT}:role/report-task`;
const EXECUTION_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecs-task-execution`;

function principal(name: string, statements: unknown[]): Principal {
  return {
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}-role/${name}`,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}-role`,
    label: name,
    policies: [{ name: `${name}-policy`, document: { Version: '2012-10-17', Statement: statements } }],
  };
}

/** Allowed to do nothing: every call it makes is denied. */
const NOBODY = principal('nobody', [{ Effect: 'Allow', Action: 'ecs:ListClusters', Resource: '*' }]);
/** ListTasks granted the way the Service Authorization Reference suggests (container instances of prod). */
const BY_REFERENCE = principal('by-reference', [
  { Effect: 'Allow', Action: 'ecs:ListTasks', Resource: ecs('container-instance/prod/*'), Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } } },
]);
/** ListTasks granted the way ECS authorizes it (on `*`, scoped with ecs:cluster). */
const BY_CLUSTER = principal('by-cluster', [{ Effect: 'Allow', Action: 'ecs:ListTasks', Resource: '*', Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } } }]);

let world: World;
let iam: IamEnforcement;
let server: AwsServer;
const keys = new Map<string, string>();

function client<T>(Client: new (config: object) => T, who: Principal | string): T {
  const accessKeyId = typeof who === 'string' ? who : (keys.get(who.label) ?? '');
  return new Client({ endpoint: server.url, region: REGION, credentials: { accessKeyId, secretAccessKey: 's' }, maxAttempts: 1 });
}

beforeAll(async () => {
  world = new World({ seed: 1, start: Date.parse('2026-01-01T08:00:00Z') });
  world.createCluster('prod');
  world.createCluster('staging');
  world.registerTaskDefinition({ family: 'report', containerDefinitions: [{ name: 'report', image: 'x', memory: 128 }], taskRoleArn: TASK_ROLE, executionRoleArn: EXECUTION_ROLE });
  world.createAutoScalingGroup({ name: 'prod-asg', cluster: 'prod', instanceType: 'c5.large', availabilityZones: ['us-east-1a'], minSize: 0, maxSize: 2, desiredCapacity: 1 });
  world.createTopic(TOPIC);
  world.ssm.PutParameter({ Name: '/ecs-ops/slack/ops', Value: 'https://hooks.example/x', Type: 'SecureString' });
  iam = createIamEnforcement(undefined, world.resourceDirectory, () => world.now());
  for (const p of [NOBODY, BY_REFERENCE, BY_CLUSTER]) {
    const key = accessKeyIdFor(`test/${p.label}`);
    keys.set(p.label, key);
    iam.authorizer.register(key, p);
  }
  server = await startAwsServer({ apis: world, authorize: iam.authorize, dynamodb: true, slack: false });
  const setup = client(DynamoDBClient, iam.setupAccessKeyId);
  await setup.send(new CreateTableCommand({ TableName: 'idem', BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] }));
});
afterAll(async () => {
  await server.close();
});

const denied = (who: Principal, action: string, resource: string) =>
  `User: ${who.arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;

describe('a denied call answers what the real service answers (through the real SDK clients)', () => {
  it('ECS (JSON 1.1): AccessDeniedException, 400, naming the caller, the action and the resource', async () => {
    const error = await client(ECSClient, NOBODY)
      .send(new DescribeTasksCommand({ cluster: 'prod', tasks: ['0123abcd'] }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDeniedException', message: denied(NOBODY, 'ecs:DescribeTasks', ecs('task/prod/0123abcd')), $metadata: { httpStatusCode: 400 } });
  });

  it('EC2 Auto Scaling (Query): AccessDenied, 403; a wildcard-only action names no resource', async () => {
    const arn = world.resourceDirectory.autoScalingGroupArn('prod-asg') ?? '';
    const complete = await client(AutoScalingClient, NOBODY)
      .send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'prod-asg', LifecycleHookName: 'drain', LifecycleActionResult: 'CONTINUE', InstanceId: 'i-0' }))
      .catch((e: unknown) => e);
    expect(arn).toMatch(/^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[0-9a-f-]+:autoScalingGroupName\/prod-asg$/);
    expect(complete).toMatchObject({ name: 'AccessDenied', message: denied(NOBODY, 'autoscaling:CompleteLifecycleAction', arn), $metadata: { httpStatusCode: 403 } });
    const describe = await client(AutoScalingClient, NOBODY)
      .send(new DescribeAutoScalingGroupsCommand({}))
      .catch((e: unknown) => e);
    expect(describe).toMatchObject({
      name: 'AccessDenied',
      message: `User: ${NOBODY.arn} is not authorized to perform: autoscaling:DescribeAutoScalingGroups because no identity-based policy allows the autoscaling:DescribeAutoScalingGroups action`,
    });
  });

  it('SNS (Query): AuthorizationError (the SDK\'s AuthorizationErrorException), 403, with the action spelled SNS:Publish', async () => {
    const error = await client(SNSClient, NOBODY)
      .send(new PublishCommand({ TopicArn: TOPIC, Message: 'hi' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthorizationErrorException', message: denied(NOBODY, 'SNS:Publish', TOPIC), $metadata: { httpStatusCode: 403 } });
  });

  it('SSM (JSON 1.1): AccessDeniedException on the parameter ARN (its name without the leading slash)', async () => {
    const error = await client(SSMClient, NOBODY)
      .send(new GetParameterCommand({ Name: '/ecs-ops/slack/ops', WithDecryption: true }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDeniedException', message: denied(NOBODY, 'ssm:GetParameter', `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/ecs-ops/slack/ops`) });
  });

  it('DynamoDB (JSON 1.0): AccessDeniedException on the table ARN; the set-up credentials are not authorized', async () => {
    const error = await client(DynamoDBClient, NOBODY)
      .send(new PutItemCommand({ TableName: 'idem', Item: { id: { S: 'a' } } }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDeniedException', message: denied(NOBODY, 'dynamodb:PutItem', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/idem`) });
    await expect(client(DynamoDBClient, iam.setupAccessKeyId).send(new PutItemCommand({ TableName: 'idem', Item: { id: { S: 'a' } } }))).resolves.toBeDefined();
  });

  it('an access key the account does not know: UnrecognizedClientException (JSON), InvalidClientTokenId (Query)', async () => {
    await expect(client(ECSClient, 'AKIDUNKNOWN').send(new ListTasksCommand({ cluster: 'prod' }))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
    await expect(client(SNSClient, 'AKIDUNKNOWN').send(new PublishCommand({ TopicArn: TOPIC, Message: 'x' }))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
  });

  it('records each denial with the caller, the call, the IAM action and the resource', () => {
    expect(iam.authorizer.denials.map((d) => [d.principal, d.operation, d.action])).toEqual(
      expect.arrayContaining([
        ['nobody', 'ecs:DescribeTasks', 'ecs:DescribeTasks'],
        ['nobody', 'sns:Publish', 'sns:Publish'],
        ['nobody', 'dynamodb:PutItem', 'dynamodb:PutItem'],
      ]),
    );
  });
});

describe('the deviation table: one test per row', () => {
  it('has the rows tested here', () => {
    expect(IAM_DEVIATIONS.map((row) => `${row.action} without ${row.withoutParameter ?? '-'}`)).toEqual(['ecs:ListTasks without containerInstance']);
  });

  it('ecs:ListTasks without containerInstance is authorized on "*": a container-instance grant is denied with AWS\'s text, "*" + ecs:cluster is allowed', async () => {
    const error = await client(ECSClient, BY_REFERENCE)
      .send(new ListTasksCommand({ cluster: 'prod', startedBy: 'ecs-ops/nightly' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDeniedException', message: denied(BY_REFERENCE, 'ecs:ListTasks', '*') });
    expect(iam.authorizer.denials.at(-1)).toMatchObject({ principal: 'by-reference', action: 'ecs:ListTasks', resource: '*', deviation: true });
    await expect(client(ECSClient, BY_CLUSTER).send(new ListTasksCommand({ cluster: 'prod', startedBy: 'ecs-ops/nightly' }))).resolves.toMatchObject({ taskArns: [] });
    // ecs:cluster still scopes it: another cluster is denied.
    await expect(client(ECSClient, BY_CLUSTER).send(new ListTasksCommand({ cluster: 'staging' }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('ecs:ListTasks with containerInstance is authorized on that container instance, as the reference says', async () => {
    const instance = world.autoScalingInstances('prod-asg')[0]?.containerInstanceArn ?? '';
    expect(instance).toMatch(/container-instance\/prod\//);
    await expect(client(ECSClient, BY_REFERENCE).send(new ListTasksCommand({ cluster: 'prod', containerInstance: instance }))).resolves.toBeDefined();
    // A grant on "*" matches every resource: allowed too.
    await expect(client(ECSClient, BY_CLUSTER).send(new ListTasksCommand({ cluster: 'prod', containerInstance: instance }))).resolves.toBeDefined();
    expect(buildIamRequests('ecs', 'ListTasks', { cluster: 'prod', containerInstance: instance }, world.resourceDirectory)).toEqual([
      { action: 'ecs:ListTasks', resource: instance, context: { 'ecs:cluster': CLUSTER } },
    ]);
  });
});

describe('the IAM requests of a call', () => {
  it('RunTask: the task definition (latest revision) with ecs:cluster and the tags, ecs:TagResource on create, iam:PassRole for its two roles', () => {
    const requests = buildIamRequests('ecs', 'RunTask', { cluster: 'prod', taskDefinition: 'report', tags: [{ key: 'schedule', value: 'nightly' }], capacityProviderStrategy: [{ capacityProvider: 'prod-cp', weight: 1 }] }, world.resourceDirectory);
    expect(requests).toEqual([
      {
        action: 'ecs:RunTask',
        resource: ecs('task-definition/report:1'),
        context: { 'ecs:cluster': CLUSTER, 'aws:RequestTag/schedule': 'nightly', 'aws:TagKeys': ['schedule'], 'ecs:capacity-provider': [ecs('capacity-provider/prod-cp')] },
      },
      { action: 'ecs:TagResource', resource: expect.stringMatching(/^arn:aws:ecs:us-east-1:123456789012:task\/prod\/[0-9a-f]{32}$/) as string, context: { 'aws:RequestTag/schedule': 'nightly', 'aws:TagKeys': ['schedule'], 'ecs:CreateAction': 'RunTask' } },
      { action: 'iam:PassRole', resource: TASK_ROLE, context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      { action: 'iam:PassRole', resource: EXECUTION_ROLE, context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    ]);
  });

  it('RunTask with role overrides passes the overrides instead', () => {
    const other = `arn:aws:iam::${ACCOUNT}:role/other`;
    const requests = buildIamRequests('ecs', 'RunTask', { cluster: 'prod', taskDefinition: 'report:1', overrides: { taskRoleArn: other } }, world.resourceDirectory);
    expect(requests.filter((r) => r.action === 'iam:PassRole').map((r) => r.resource)).toEqual([other, EXECUTION_ROLE]);
  });

  it('a RunTask denied only on PassRole answers ECS\'s AccessDeniedException naming iam:PassRole and the role', async () => {
    const runner = principal('runner', [
      { Effect: 'Allow', Action: 'ecs:RunTask', Resource: ecs('task-definition/report:*'), Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } } },
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: TASK_ROLE, Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } },
    ]);
    const key = accessKeyIdFor('test/runner');
    keys.set('runner', key);
    iam.authorizer.register(key, runner);
    const error = await client(ECSClient, runner)
      .send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'report' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDeniedException', message: denied(runner, 'iam:PassRole', EXECUTION_ROLE) });
    expect(iam.authorizer.denials.at(-1)).toMatchObject({ principal: 'runner', operation: 'ecs:RunTask', action: 'iam:PassRole', resource: EXECUTION_ROLE });
  });
});

describe('the decision cache', () => {
  it('never merges two resources a policy tells apart, and answers repeats from the cache', async () => {
    const authorizer = new IamAuthorizer({ directory: world.resourceDirectory });
    const one = principal('one-task', [{ Effect: 'Allow', Action: 'ecs:StopTask', Resource: ecs('task/prod/aaaa*') }]);
    const request = (id: string) => ({ action: 'ecs:StopTask', resource: ecs(`task/prod/${id}`), context: { 'ecs:cluster': CLUSTER } });
    expect(await authorizer.allows(one, request('aaaa1'))).toBe(true);
    expect(await authorizer.allows(one, request('bbbb1'))).toBe(false);
    expect(await authorizer.allows(one, request('aaaa2'))).toBe(true);
    expect(await authorizer.allows(one, request('bbbb2'))).toBe(false);
    expect(authorizer.stats).toEqual({ evaluated: 2, cached: 2 });
    // The context is part of the key: another cluster is a decision of its own.
    const scoped = principal('scoped', [{ Effect: 'Allow', Action: 'ecs:StopTask', Resource: '*', Condition: { ArnEquals: { 'ecs:cluster': CLUSTER } } }]);
    expect(await authorizer.allows(scoped, request('aaaa1'))).toBe(true);
    expect(await authorizer.allows(scoped, { ...request('aaaa1'), context: { 'ecs:cluster': ecs('cluster/staging') } })).toBe(false);
  });
});
