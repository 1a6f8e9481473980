import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createResolver, findFunction, readPackage, type CfnTemplate } from '../../../sim/runtime/template.js';
import { syntheticPackage, tempDir } from './support.js';

const workerArn = { 'Fn::GetAtt': ['WorkerLambdaFunction', 'Arn'] };

function packageDir(): string {
  return syntheticPackage(
    [
      {
        name: 'worker',
        source: 'export const handler = async () => 1;',
        retries: 0,
        maxAge: 300,
        environment: {
          TABLE: { Ref: 'IdempotencyTable' },
          TABLE_ARN: { 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] },
          QUEUE_URL: { Ref: 'FailureQueue' },
          QUEUE_NAME: { 'Fn::GetAtt': ['FailureQueue', 'QueueName'] },
          TOPIC: { Ref: 'Topic' },
          SUB: { 'Fn::Sub': '${AWS::Region}/${AWS::AccountId}/${IdempotencyTable}/${Topic.TopicName}/${!Literal}' },
          SUB_VARS: { 'Fn::Sub': ['${Name}@${AWS::Partition}', { Name: { Ref: 'Stage' } }] },
          PICKED: { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] },
          STAGE: { Ref: 'Stage' },
          NUMBER: 42,
        },
      },
      { name: 'other', source: 'export const handler = async () => 2;', timeout: 5 },
    ],
    {
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'alerts-topic' } },
      NightlySchedule: {
        Type: 'AWS::Scheduler::Schedule',
        Properties: {
          Name: 'nightly-report',
          GroupName: 'ecs-ops',
          ScheduleExpression: 'cron(0 3 * * ? *)',
          ScheduleExpressionTimezone: 'Europe/Paris',
          FlexibleTimeWindow: { Mode: 'OFF' },
          State: 'ENABLED',
          Target: {
            Arn: workerArn,
            RoleArn: 'arn:aws:iam::111122223333:role/scheduler',
            Input: '{"schedule":"nightly-report","scheduledTime":"<aws.scheduler.scheduled-time>"}',
            RetryPolicy: { MaximumRetryAttempts: 0 },
          },
        },
      },
      CleanupSchedule: {
        Type: 'AWS::Scheduler::Schedule',
        Properties: {
          ScheduleExpression: 'rate(6 hours)',
          FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
          State: 'DISABLED',
          StartDate: '2026-01-01T00:00:00Z',
          Target: { Arn: workerArn, RoleArn: 'arn:aws:iam::111122223333:role/scheduler' },
        },
      },
      AuditRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          ScheduleExpression: 'rate(15 minutes)',
          State: 'ENABLED',
          Targets: [
            // A literal ARN (joined) names the function too.
            { Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':function:svc-test-worker']] }, Id: 'audit', Input: '{"audit":true}' },
            { Arn: 'arn:aws:sqs:eu-west-1:111122223333:not-a-function', Id: 'queue' },
          ],
        },
      },
      PatternRule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: 'svc-test-pattern',
          EventPattern: JSON.stringify({ source: ['aws.ecs'] }),
          Targets: [{ Arn: { 'Fn::GetAtt': ['OtherLambdaFunction', 'Arn'] }, Id: 'other', InputPath: '$.detail' }],
        },
      },
    },
  );
}

function withParameters(dir: string): string {
  const path = join(dir, 'cloudformation-template-update-stack.json');
  const template = JSON.parse(readFileSync(path, 'utf8')) as CfnTemplate;
  template.Parameters = { Stage: { Default: 'test' } };
  writeFileSync(path, JSON.stringify(template));
  return dir;
}

describe('readPackage (synthetic template)', () => {
  const dir = withParameters(packageDir());
  const pkg = readPackage(dir, { region: 'eu-west-1', accountId: '111122223333' });

  it('derives the stack from the deployment key and resolves names deterministically', () => {
    expect(pkg.stack).toEqual({ stackName: 'svc-test', region: 'eu-west-1', accountId: '111122223333', partition: 'aws' });
    const table = pkg.ref('IdempotencyTable');
    expect(table).toMatch(/^svc-test-IdempotencyTable-[A-Z0-9]{12}$/);
    expect(readPackage(dir, { region: 'eu-west-1', accountId: '111122223333' }).ref('IdempotencyTable')).toBe(table);
    expect(readPackage(dir, { stackName: 'other-stack' }).ref('IdempotencyTable')).not.toBe(table);
  });

  it('resolves the environment: Ref, GetAtt, Sub, Select/Split, parameters, numbers', () => {
    const worker = findFunction(pkg, 'worker');
    const env = pkg.environment(worker);
    const table = pkg.ref('IdempotencyTable');
    const queue = pkg.physicalName('FailureQueue');
    expect(env).toEqual({
      TABLE: table,
      TABLE_ARN: `arn:aws:dynamodb:eu-west-1:111122223333:table/${table}`,
      QUEUE_URL: `https://sqs.eu-west-1.amazonaws.com/111122223333/${queue}`,
      QUEUE_NAME: queue,
      TOPIC: 'arn:aws:sns:eu-west-1:111122223333:alerts-topic',
      SUB: `eu-west-1/111122223333/${table}/alerts-topic/\${Literal}`,
      SUB_VARS: 'test@aws',
      PICKED: 'b',
      STAGE: 'test',
      NUMBER: '42',
    });
    expect(worker.environment.TABLE).toEqual({ Ref: 'IdempotencyTable' });
  });

  it('reads function configuration with EventInvokeConfig and Lambda defaults', () => {
    expect(findFunction(pkg, 'WorkerLambdaFunction')).toMatchObject({
      functionName: 'svc-test-worker',
      arn: 'arn:aws:lambda:eu-west-1:111122223333:function:svc-test-worker',
      handler: 'functions/worker.handler',
      zip: join(dir, 'worker.zip'),
      timeoutSeconds: 30,
      memoryMb: 512,
      maximumRetryAttempts: 0,
      maximumEventAgeSeconds: 300,
      onFailure: 'FailureQueue',
      onFailureArn: `arn:aws:sqs:eu-west-1:111122223333:${pkg.physicalName('FailureQueue')}`,
    });
    expect(findFunction(pkg, 'svc-test-other')).toMatchObject({ timeoutSeconds: 5, maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600, onFailure: undefined });
    expect(() => findFunction(pkg, 'nope')).toThrow(/no function nope \(have WorkerLambdaFunction, OtherLambdaFunction\)/);
  });

  it('reads Scheduler schedules and scheduled rules', () => {
    expect(pkg.schedules).toEqual([
      {
        kind: 'rule',
        logicalId: 'AuditRule',
        name: pkg.physicalName('AuditRule'),
        groupName: undefined,
        arn: `arn:aws:events:eu-west-1:111122223333:rule/${pkg.physicalName('AuditRule')}`,
        expression: 'rate(15 minutes)',
        timezone: 'UTC',
        target: 'WorkerLambdaFunction',
        input: '{"audit":true}',
        retryPolicy: undefined,
        roleArn: undefined,
        state: 'ENABLED',
        flexibleWindowMinutes: undefined,
        startMs: undefined,
        endMs: undefined,
      },
      {
        kind: 'scheduler',
        logicalId: 'NightlySchedule',
        name: 'nightly-report',
        groupName: 'ecs-ops',
        arn: 'arn:aws:scheduler:eu-west-1:111122223333:schedule/ecs-ops/nightly-report',
        expression: 'cron(0 3 * * ? *)',
        timezone: 'Europe/Paris',
        target: 'WorkerLambdaFunction',
        input: '{"schedule":"nightly-report","scheduledTime":"<aws.scheduler.scheduled-time>"}',
        retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 86_400 },
        roleArn: 'arn:aws:iam::111122223333:role/scheduler',
        state: 'ENABLED',
        flexibleWindowMinutes: undefined,
        startMs: undefined,
        endMs: undefined,
      },
      expect.objectContaining({ kind: 'scheduler', logicalId: 'CleanupSchedule', groupName: 'default', expression: 'rate(6 hours)', timezone: 'UTC', input: undefined, state: 'DISABLED', flexibleWindowMinutes: 15, startMs: Date.parse('2026-01-01T00:00:00Z') }),
    ]);
  });

  it('reads pattern rules (a JSON-string pattern too) with their targets and resources', () => {
    expect(pkg.rules).toEqual([
      {
        logicalId: 'PatternRule',
        name: 'svc-test-pattern',
        arn: 'arn:aws:events:eu-west-1:111122223333:rule/svc-test-pattern',
        pattern: { source: ['aws.ecs'] },
        state: 'ENABLED',
        targets: ['OtherLambdaFunction'],
        targetDetails: [{ id: 'other', function: 'OtherLambdaFunction', input: undefined, inputPath: '$.detail' }],
      },
    ]);
    expect(pkg.resources).toEqual({ tables: ['IdempotencyTable'], queues: ['FailureQueue'] });
  });

  it('fails clearly on what it does not simulate', () => {
    const template: CfnTemplate = { Resources: { Q: { Type: 'AWS::SQS::Queue' } } };
    const { resolve } = createResolver(template, { stackName: 's', region: 'us-east-1', accountId: '123456789012', partition: 'aws' });
    expect(() => resolve({ Ref: 'Missing' })).toThrow(/unknown logical id Missing/);
    expect(() => resolve({ 'Fn::ImportValue': 'x' })).toThrow(/Fn::ImportValue is not simulated/);
    expect(() => resolve({ 'Fn::GetAtt': ['Q', 'Nope'] })).toThrow(/Q.Nope \(AWS::SQS::Queue\) is not simulated/);
    expect(resolve({ a: [{ Ref: 'AWS::NoValue' }, 'kept'], b: { Ref: 'AWS::NoValue' }, c: { 'Fn::Sub': 'arn:${AWS::Partition}:${AWS::URLSuffix}' } })).toEqual({ a: ['kept'], c: 'arn:aws:amazonaws.com' });
    expect(() => readPackage(tempDir('empty'))).toThrow(/cloudformation-template-update-stack.json not found/);
  });
});
