/**
 * Packages the example config with osls exactly as `npm run package` does (offline, no credentials) and asserts on the
 * CloudFormation template and bundles it produced. With ECS_OPS_TEMPLATE_DIR set (CI), reads an existing package.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { zipEntryMap } from '../../sim/runtime/zip.js';
import { withPackagingLock } from '../../sim/scenario/package.js';
import { repoRoot } from '../support/fixtures.js';
import { packageExample } from '../support/package.js';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
interface Template {
  Resources: Record<string, Resource>;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

let dir: string;
let template: Template;

beforeAll(async () => {
  dir = await packageExample();
  template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}, 240_000);

function resourcesOfType(type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function roleStatements(functionLogicalId: string): Statement[] {
  const fn = template.Resources[functionLogicalId];
  const roleRef = (fn?.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const role = template.Resources[roleRef];
  const policies = role?.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

const actions = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

function invokeConfigOf(functionLogicalId: string): Resource | undefined {
  return resourcesOfType('AWS::Lambda::EventInvokeConfig')
    .map(([, r]) => r)
    .find((r) => (r.Properties.FunctionName as { Ref?: string }).Ref === functionLogicalId);
}

/** The rules targeting a function, with their pattern or schedule. */
function rulesOf(functionLogicalId: string): Resource[] {
  return resourcesOfType('AWS::Events::Rule')
    .map(([, r]) => r)
    .filter((r) => JSON.stringify(r.Properties.Targets).includes(`"${functionLogicalId}"`));
}

describe('packaged alerts function', () => {
  it('runs on nodejs24.x arm64 from an ESM bundle without its source map, the config bundled in with its digest', () => {
    const fn = template.Resources.AlertsLambdaFunction;
    expect(fn?.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'functions/alerts.handler' });
    const zip = zipEntryMap(join(dir, 'alerts.zip'));
    expect([...zip.keys()]).toContain('functions/alerts.mjs');
    // The source map stays next to the package (.esbuild/.build), not in the zip (docs/performance.md).
    expect([...zip.keys()].filter((k) => k.endsWith('.map'))).toEqual([]);
    const code = zip.get('functions/alerts.mjs')!.data().toString('utf8');
    expect(code).toContain('ecs-ops-critical');
    expect(code).not.toContain('__ECS_OPS_CONFIG__');
    expect(code).not.toContain('__ECS_OPS_CONFIG_DIGEST__');
    expect(code).toMatch(/v1:sha256:[0-9a-f]{64}/);
    const size = statSync(join(dir, 'alerts.zip')).size;
    console.info(`alerts.zip: ${(size / 1024).toFixed(0)} KiB zipped, functions/alerts.mjs ${(Buffer.byteLength(code) / 1024).toFixed(0)} KiB`);
  });

  it('listens with exact EventBridge patterns for the configured clusters and ASGs', () => {
    const patterns = rulesOf('AlertsLambdaFunction').map((r) => r.Properties.EventPattern as Record<string, unknown>);
    expect(patterns).toContainEqual({
      source: ['aws.ecs'],
      'detail-type': ['ECS Service Action'],
      detail: {
        eventName: expect.arrayContaining(['SERVICE_TASK_PLACEMENT_FAILURE', 'SERVICE_TASK_START_IMPAIRED']) as unknown,
        clusterArn: [{ suffix: ':cluster/prod' }, { suffix: ':cluster/staging' }],
      },
    });
    const serviceAction = patterns.find((p) => (p['detail-type'] as string[])[0] === 'ECS Service Action');
    expect((serviceAction?.detail as { eventName: string[] }).eventName).not.toContain('SERVICE_STEADY_STATE');
    expect(patterns).toContainEqual({
      source: ['aws.ecs'],
      'detail-type': ['ECS Deployment State Change'],
      resources: [{ wildcard: '*:service/prod/*' }, { wildcard: '*:service/staging/*' }],
      detail: {
        $or: [
          { eventName: ['SERVICE_DEPLOYMENT_FAILED'] },
          { eventName: ['SERVICE_DEPLOYMENT_IN_PROGRESS'], reason: [{ prefix: 'ECS deployment circuit breaker: rolling back' }] },
        ],
      },
    });
    expect(patterns).toContainEqual({
      source: ['aws.autoscaling'],
      'detail-type': ['EC2 Instance Launch Unsuccessful', 'EC2 Instance Terminate Unsuccessful'],
      detail: { AutoScalingGroupName: ['prod-ecs-ondemand', 'prod-ecs-spot', 'staging-ecs'] },
    });
  });

  it('sends failed events to the SQS dead-letter queue after Lambda retries', () => {
    const invokeConfig = invokeConfigOf('AlertsLambdaFunction');
    expect(invokeConfig?.Properties).toMatchObject({
      FunctionName: { Ref: 'AlertsLambdaFunction' },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['FailureQueue', 'Arn'] } } },
    });
  });

  it('grants the alerts function only what it uses, on the configured resources', () => {
    const statements = roleStatements('AlertsLambdaFunction');
    const all = statements.flatMap(actions);
    expect(all.some((a) => a.includes('*'))).toBe(false);
    expect(new Set(all)).toEqual(
      new Set(['logs:CreateLogStream', 'logs:PutLogEvents', 'ssm:GetParameter', 'sns:Publish', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'sqs:SendMessage', 'ecs:ListTasks', 'ecs:DescribeTasks', 'ecs:DescribeServices']),
    );
    const byAction = (action: string): Statement => statements.find((s) => actions(s).includes(action))!;
    expect([byAction('sns:Publish').Resource].flat()).toEqual(['arn:aws:sns:us-east-1:123456789012:ecs-ops-critical']);
    expect(JSON.stringify(byAction('ssm:GetParameter').Resource)).toContain(':parameter/ecs-ops/slack/ops');
    expect(byAction('dynamodb:PutItem').Resource).toEqual([{ 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] }]);
    expect(byAction('sqs:SendMessage').Resource).toEqual([{ 'Fn::GetAtt': ['FailureQueue', 'Arn'] }]);
    // Fargate Spot interruption alerts read the service's stopped tasks: on the configured clusters only.
    expect(JSON.stringify(byAction('ecs:ListTasks').Condition)).toContain(':cluster/prod"');
    expect(JSON.stringify(byAction('ecs:DescribeTasks').Resource)).toContain(':task/prod/*"');
    expect(JSON.stringify(byAction('ecs:DescribeServices').Resource)).toContain(':service/prod/*"');
  });

  it('keeps secrets out of environment variables', () => {
    for (const [, fn] of resourcesOfType('AWS::Lambda::Function')) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const text = JSON.stringify(variables);
      expect(text).not.toMatch(/hooks\.slack\.com|xox[abp]-/);
      expect(Object.keys(variables).some((k) => /WEBHOOK|TOKEN|SECRET/i.test(k))).toBe(false);
    }
  });

  it('refuses `osls deploy` of a package built from the example config, before any AWS call', async () => {
    // As a user would: `npm run package` of the example (which writes .ecs-ops/deploy.json), then a bare `osls deploy`.
    // Under the packaging lock: other test files package other configs into the same .ecs-ops/.
    const result = await withPackagingLock(() => {
      const env = { ...process.env, ECS_OPS_CONFIG: 'ecs-ops.config.example.yml' };
      execFileSync(join(repoRoot, 'node_modules/.bin/tsx'), ['lib/deploy/prepare.ts', 'package'], { cwd: repoRoot, env, stdio: 'pipe' });
      return Promise.resolve(
        spawnSync(join(repoRoot, 'node_modules/.bin/osls'), ['deploy', '--package', dir], {
          cwd: repoRoot,
          // Dummy credentials: if the guard did not stop it, osls would try (and fail) to reach AWS instead.
          env: { ...env, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'example', AWS_PROFILE: '' },
          encoding: 'utf8',
          timeout: 120_000,
        }),
      );
    });
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('ecs-ops: refusing to deploy a package built from the example config');
  }, 120_000);

  it('outputs what the CLI and people need: table, failure queue, function names, stage, version, clusters', () => {
    const outputs = (template as Template & { Outputs: Record<string, { Value: unknown }> }).Outputs;
    expect(outputs.IdempotencyTableName?.Value).toEqual({ Ref: 'IdempotencyTable' });
    expect(outputs.FailureQueueUrl?.Value).toEqual({ Ref: 'FailureQueue' });
    expect(outputs.FailureQueueArn?.Value).toEqual({ 'Fn::GetAtt': ['FailureQueue', 'Arn'] });
    expect(outputs.EcsOpsStage?.Value).toBe('prod');
    expect(outputs.EcsOpsVersion?.Value).toBe((JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version);
    expect(outputs.EcsOpsClusters?.Value).toBe('prod,staging');
    const functions = resourcesOfType('AWS::Lambda::Function').map(([id]) => id);
    expect(functions).toHaveLength(5);
    for (const id of functions) expect(outputs[id.replace(/LambdaFunction$/, 'FunctionName')]?.Value).toEqual({ Ref: id });
  });

  it('creates what docs/deployment.md says (What gets created): 68 resources by type', () => {
    const counts: Record<string, number> = {};
    for (const resource of Object.values(template.Resources)) counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
    expect(counts).toEqual({
      'AWS::Lambda::Function': 5,
      'AWS::Lambda::Version': 5,
      'AWS::Lambda::EventInvokeConfig': 5,
      'AWS::Logs::LogGroup': 5,
      'AWS::IAM::Role': 6,
      'AWS::Events::Rule': 13,
      'AWS::Lambda::Permission': 13,
      'AWS::Scheduler::Schedule': 3,
      'AWS::Scheduler::ScheduleGroup': 1,
      'AWS::S3::Bucket': 1,
      'AWS::S3::BucketPolicy': 1,
      'AWS::DynamoDB::Table': 1,
      'AWS::SQS::Queue': 1,
      'AWS::CloudWatch::Alarm': 8,
    });
    expect(readFileSync(join(repoRoot, 'docs/deployment.md'), 'utf8')).toContain(`the packaged template has ${Object.keys(template.Resources).length} resources`);
  });

  it('creates the idempotency table with TTL', () => {
    expect(template.Resources.IdempotencyTable?.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
    expect(readdirSync(dir)).toContain('cloudformation-template-update-stack.json');
  });
});

describe('packaged drain function', () => {
  const clusterArn = (name: string) => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:cluster/${name}`]],
  });

  it('exists for the example config: nodejs24.x arm64 ESM bundle, its own role, the idempotency table', () => {
    const fn = template.Resources.DrainLambdaFunction;
    expect(fn?.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'functions/drain.handler', Timeout: 50 });
    expect((fn?.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'ecs-ops-drain', IDEMPOTENCY_TABLE: { Ref: 'IdempotencyTable' } });
    expect((fn?.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]).toBe('DrainIamRoleLambdaExecution');
    const zip = zipEntryMap(join(dir, 'drain.zip'));
    expect([...zip.keys()]).toContain('functions/drain.mjs');
    // The source map stays next to the package (.esbuild/.build), not in the zip (docs/performance.md).
    expect([...zip.keys()].filter((k) => k.endsWith('.map'))).toEqual([]);
    expect(zip.get('functions/drain.mjs')!.data().toString('utf8')).not.toContain('__ECS_OPS_CONFIG__');
  });

  it('listens with exact patterns to the drained ASGs, Spot warnings and DRAINING container instances, and runs every minute', () => {
    const rules = rulesOf('DrainLambdaFunction');
    expect(rules.map((r) => r.Properties.EventPattern).filter((p) => p !== undefined)).toEqual([
      {
        source: ['aws.autoscaling'],
        'detail-type': ['EC2 Instance-terminate Lifecycle Action'],
        detail: { AutoScalingGroupName: ['prod-ecs-ondemand', 'prod-ecs-spot', 'staging-ecs'], LifecycleHookName: ['ecs-ops-drain'] },
      },
      { source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] },
      {
        source: ['aws.ecs'],
        'detail-type': ['ECS Container Instance State Change'],
        detail: {
          status: ['DRAINING'],
          clusterArn: [{ suffix: ':cluster/prod' }, { suffix: ':cluster/staging' }],
          $or: [{ runningTasksCount: [0] }, { runningTasksCount: [{ exists: false }] }],
        },
      },
    ]);
    expect(rules.filter((r) => r.Properties.ScheduleExpression !== undefined).map((r) => [r.Properties.ScheduleExpression, r.Properties.State])).toEqual([['rate(1 minute)', 'ENABLED']]);
  });

  it('sends failed events to the SQS dead-letter queue after Lambda retries', () => {
    expect(invokeConfigOf('DrainLambdaFunction')?.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['FailureQueue', 'Arn'] } } },
    });
  });

  it('grants only what draining needs, scoped to the configured ASGs and clusters, never a "*" action', () => {
    const statements = roleStatements('DrainLambdaFunction');
    const all = statements.flatMap(actions);
    expect(all.some((a) => a.includes('*'))).toBe(false);
    const byAction = (action: string): Statement => statements.find((s) => actions(s).includes(action))!;
    const text = (value: unknown) => JSON.stringify(value);

    const lifecycle = byAction('autoscaling:CompleteLifecycleAction');
    expect(actions(lifecycle)).toEqual(['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat']);
    expect(text(lifecycle.Resource)).toContain(':autoScalingGroup:*:autoScalingGroupName/prod-ecs-ondemand"');
    expect(text(lifecycle.Resource)).toContain(':autoScalingGroup:*:autoScalingGroupName/staging-ecs"');
    expect(byAction('autoscaling:DescribeAutoScalingInstances').Resource).toEqual(['*']);
    // "*" only for the Describe actions without resource-level permissions, and the cluster-wide ListTasks (authorized on
    // "*" by ECS, sim/iam/deviations.ts) under the ecs:cluster condition.
    expect(statements.filter((s) => text(s.Resource) === '["*"]').flatMap(actions).every((a) => a.startsWith('autoscaling:Describe') || a === 'ecs:ListTasks')).toBe(true);
    const listTasks = statements.filter((s) => actions(s).includes('ecs:ListTasks'));
    expect(listTasks.map((s) => text(s.Resource))).toEqual([expect.stringContaining(':container-instance/prod/*"'), '["*"]']);
    for (const s of listTasks) expect(s.Condition).toEqual({ ArnEquals: { 'ecs:cluster': [clusterArn('prod'), clusterArn('staging')] } });

    expect(byAction('ecs:ListContainerInstances').Resource).toEqual([clusterArn('prod'), clusterArn('staging')]);
    for (const action of ['ecs:DescribeContainerInstances', 'ecs:UpdateContainerInstancesState', 'ecs:PutAttributes', 'ecs:ListTasks', 'ecs:DescribeTasks', 'ecs:DescribeServices']) {
      expect(byAction(action).Condition, action).toEqual({ ArnEquals: { 'ecs:cluster': [clusterArn('prod'), clusterArn('staging')] } });
    }
    expect(text(byAction('ecs:UpdateContainerInstancesState').Resource)).toContain(':container-instance/prod/*"');
    expect(text(byAction('ecs:DescribeTasks').Resource)).toContain(':task/staging/*"');
    expect(text(byAction('ecs:DescribeServices').Resource)).toContain(':service/prod/*"');
    // The example waits for standalone tasks; StopTask is for DAEMON tasks ECS left alone, on the clusters' tasks only.
    expect(actions(byAction('ecs:StopTask'))).toEqual(['ecs:DescribeTasks', 'ecs:StopTask']);
    expect(byAction('ecs:StopTask').Condition).toEqual({ ArnEquals: { 'ecs:cluster': [clusterArn('prod'), clusterArn('staging')] } });

    expect([byAction('sns:Publish').Resource].flat()).toEqual(['arn:aws:sns:us-east-1:123456789012:ecs-ops-critical']);
    expect(text(byAction('ssm:GetParameter').Resource)).toContain(':parameter/ecs-ops/slack/ops');
    expect(byAction('dynamodb:PutItem').Resource).toEqual([{ 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] }]);
    expect(byAction('sqs:SendMessage').Resource).toEqual([{ 'Fn::GetAtt': ['FailureQueue', 'Arn'] }]);
  });

  it('has no reserved concurrency (every drain action is idempotent)', () => {
    expect(template.Resources.DrainLambdaFunction?.Properties).not.toHaveProperty('ReservedConcurrentExecutions');
  });
});

describe('packaged digest function', () => {
  it('exists for the example config (summary.digest is set): nodejs24.x arm64 ESM bundle, its own role', () => {
    const fn = template.Resources.DigestLambdaFunction;
    expect(fn?.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'functions/digest.handler', Timeout: 120 });
    expect((fn?.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'ecs-ops-digest', IDEMPOTENCY_TABLE: { Ref: 'IdempotencyTable' } });
    expect((fn?.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]).toBe('DigestIamRoleLambdaExecution');
    const zip = zipEntryMap(join(dir, 'digest.zip'));
    expect([...zip.keys()]).toContain('functions/digest.mjs');
    // The source map stays next to the package (.esbuild/.build), not in the zip (docs/performance.md).
    expect([...zip.keys()].filter((k) => k.endsWith('.map'))).toEqual([]);
    expect(invokeConfigOf('DigestLambdaFunction')?.Properties).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['FailureQueue', 'Arn'] } } } });
  });

  it('runs on an EventBridge Scheduler schedule of the stack\'s group, invoked with the Scheduler role, never its own', () => {
    const schedules = resourcesOfType('AWS::Scheduler::Schedule').map(([, r]) => r).filter((r) => JSON.stringify(r.Properties.Target).includes('"DigestLambdaFunction"'));
    expect(schedules.map((s) => [s.Properties.ScheduleExpression, s.Properties.ScheduleExpressionTimezone, s.Properties.State, s.Properties.GroupName])).toEqual([
      ['cron(0 8 ? * MON-FRI *)', 'Europe/Paris', 'ENABLED', { Ref: 'EcsOpsScheduleGroup' }],
    ]);
    expect(schedules[0]?.Properties.Target).toMatchObject({
      RoleArn: { 'Fn::GetAtt': ['EcsOpsSchedulerRole', 'Arn'] },
      Input: '{"schedule":"ecs-ops-digest","scheduledTime":"<aws.scheduler.scheduled-time>"}',
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['FailureQueue', 'Arn'] } },
      RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 },
    });
    // Function roles trust Lambda only (osls's `method: scheduler` made them trust Scheduler too).
    for (const [id, role] of resourcesOfType('AWS::IAM::Role').filter(([id]) => id !== 'EcsOpsSchedulerRole')) {
      expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument), id).not.toContain('scheduler.amazonaws.com');
    }
    // osls's default role, which nothing uses, is gone.
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('grants reads only, scoped where the APIs allow it', () => {
    const statements = roleStatements('DigestLambdaFunction');
    const byAction = (action: string): Statement => statements.find((s) => actions(s).includes(action))!;
    const reads = statements.flatMap(actions).filter((a) => /^(ecs|autoscaling|application-autoscaling):/.test(a));
    // Services and scaling activities; and, for instances kept protected with only daemon tasks, the clusters' capacity
    // providers, container instances and their tasks.
    expect(reads.sort()).toEqual([
      'application-autoscaling:DescribeScalingActivities',
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:DescribeScalingActivities',
      'ecs:DescribeCapacityProviders',
      'ecs:DescribeClusters',
      'ecs:DescribeContainerInstances',
      'ecs:DescribeServices',
      'ecs:DescribeTasks',
      'ecs:ListContainerInstances',
      'ecs:ListServices',
      'ecs:ListTasks',
    ]);
    expect(JSON.stringify(byAction('ecs:DescribeServices').Resource)).toContain(':service/prod/*"');
    expect(JSON.stringify(byAction('ecs:ListServices').Condition)).toContain(':cluster/staging"');
    // No self-invoke: Scheduler invokes it with its own role.
    expect(statements.flatMap(actions).filter((a) => a.startsWith('lambda:'))).toEqual([]);
    expect(statements.flatMap(actions).some((a) => a.includes('*'))).toBe(false);
    // The ops journal's days (placement stops, scheduled runs): GetItem or BatchGetItem on the table only.
    expect(byAction('dynamodb:BatchGetItem').Resource).toEqual([{ 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] }]);
    expect(byAction('dynamodb:GetItem').Resource).toEqual([{ 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] }]);
  });

  it('placement and schedule runner may append to the ops journal (UpdateItem on the table only)', () => {
    for (const fn of ['PlacementLambdaFunction', 'ScheduleRunnerLambdaFunction']) {
      const update = roleStatements(fn).find((s) => actions(s).includes('dynamodb:UpdateItem'));
      expect(update?.Resource).toEqual([{ 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] }]);
    }
  });
});

describe('packaged schedule runner', () => {
  const schedules = () =>
    resourcesOfType('AWS::Scheduler::Schedule')
      .map(([, r]) => r.Properties)
      .filter((p) => JSON.stringify(p.Target).includes('"ScheduleRunnerLambdaFunction"'));

  it('exists for the example config with its own role, the idempotency table, and failures to the dead-letter queue', () => {
    const fn = template.Resources.ScheduleRunnerLambdaFunction;
    expect(fn?.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'functions/schedule-runner.handler' });
    expect(JSON.stringify(fn?.Properties.Environment)).toContain('IdempotencyTable');
    expect(invokeConfigOf('ScheduleRunnerLambdaFunction')?.Properties).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['FailureQueue', 'Arn'] } } } });
  });

  it('has one EventBridge Scheduler schedule per config schedule, with time zone, state, input, retry policy and DLQ', () => {
    const byName = new Map(schedules().map((p) => [p.Name, p]));
    expect([...byName.keys()].sort()).toEqual(['nightly-report', 'staging-cleanup']);
    expect(byName.get('nightly-report')).toMatchObject({
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': ['ScheduleRunnerLambdaFunction', 'Arn'] },
        Input: '{"schedule":"nightly-report","scheduledTime":"<aws.scheduler.scheduled-time>"}',
        RetryPolicy: { MaximumEventAgeInSeconds: 600, MaximumRetryAttempts: 10 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['FailureQueue', 'Arn'] } },
      },
    });
  });

  it('listens to STOPPED events of its own tasks and runs the reconcile pass every minute', () => {
    const rules = rulesOf('ScheduleRunnerLambdaFunction').map((r) => r.Properties);
    expect(rules.map((r) => r.ScheduleExpression).filter(Boolean)).toEqual(['rate(1 minute)']);
    expect(rules.map((r) => r.EventPattern).filter(Boolean)).toEqual([
      {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: { lastStatus: ['STOPPED'], startedBy: [{ prefix: 'ecs-ops/' }], clusterArn: [{ suffix: ':cluster/prod' }, { suffix: ':cluster/staging' }] },
      },
    ]);
  });

  it('grants RunTask on the schedules\' task definitions in their clusters, PassRole only for their roles, never a "*" action', () => {
    const statements = roleStatements('ScheduleRunnerLambdaFunction');
    const all = statements.flatMap(actions);
    expect(all.filter((a) => a.includes('*'))).toEqual([]);
    const text = (value: unknown) => JSON.stringify(value);
    const runTask = statements.filter((s) => actions(s).includes('ecs:RunTask'));
    expect(text(runTask.map((s) => s.Resource))).toContain(':task-definition/nightly-report:*');
    expect(text(runTask.map((s) => s.Resource))).toContain(':task-definition/cleanup:3');
    expect(runTask.every((s) => text(s.Condition).includes('ecs:cluster'))).toBe(true);
    const passRole = statements.find((s) => actions(s).includes('iam:PassRole'));
    expect(passRole?.Resource).toEqual(['arn:aws:iam::123456789012:role/nightly-report-task', 'arn:aws:iam::123456789012:role/ecs-task-execution']);
    expect(passRole?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    const role = template.Resources.EcsOpsSchedulerRole?.Properties as { Policies: { PolicyDocument: { Statement: Statement[] } }[] };
    expect(role.Policies.flatMap((p) => p.PolicyDocument.Statement).flatMap(actions)).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
    expect(role.Policies.flatMap((p) => p.PolicyDocument.Statement).find((s) => actions(s).includes('lambda:InvokeFunction'))?.Resource).toEqual([
      { 'Fn::GetAtt': ['ScheduleRunnerLambdaFunction', 'Arn'] },
      { 'Fn::GetAtt': ['DigestLambdaFunction', 'Arn'] },
    ]);
  });

  it('grants no function logs:CreateLogGroup: every log group is a resource of the stack', () => {
    for (const [id] of resourcesOfType('AWS::Lambda::Function')) {
      expect(roleStatements(id).flatMap(actions), id).not.toContain('logs:CreateLogGroup');
      expect((template.Resources[id] as Resource & { DependsOn?: string[] }).DependsOn?.some((d) => template.Resources[d]?.Type === 'AWS::Logs::LogGroup'), id).toBe(true);
    }
  });
});

describe('packaged placement function', () => {
  it('exists for the example config (it has placement policies): its own role, bundle, rules and schedule', () => {
    const fn = template.Resources.PlacementLambdaFunction;
    expect(fn?.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'functions/placement.handler', Timeout: 120, ReservedConcurrentExecutions: 1 });
    expect((fn?.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]).toBe('PlacementIamRoleLambdaExecution');
    const zip = zipEntryMap(join(dir, 'placement.zip'));
    expect([...zip.keys()]).toEqual(expect.arrayContaining(['functions/placement.mjs']));
    const rules = rulesOf('PlacementLambdaFunction');
    expect(rules.map((r) => r.Properties.EventPattern).filter((p) => p !== undefined)).toEqual([
      { source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'], detail: { lastStatus: ['RUNNING'], group: [{ prefix: 'service:' }], clusterArn: [{ suffix: ':cluster/prod' }] } },
      { source: ['aws.ecs'], 'detail-type': ['ECS Service Action'], detail: { eventName: ['SERVICE_STEADY_STATE'], clusterArn: [{ suffix: ':cluster/prod' }] } },
    ]);
    expect(rules.filter((r) => r.Properties.ScheduleExpression !== undefined).map((r) => r.Properties.ScheduleExpression)).toEqual(['rate(15 minutes)']);
  });

  it('the example is dryRun: reads scoped to the prod cluster, no StopTask', () => {
    const statements = roleStatements('PlacementLambdaFunction');
    const all = statements.flatMap(actions);
    expect(all).not.toContain('ecs:StopTask');
    expect(all).toEqual(expect.arrayContaining(['ecs:ListServices', 'ecs:DescribeServices', 'ecs:ListTasks', 'ecs:DescribeTasks', 'ecs:ListContainerInstances', 'ecs:DescribeContainerInstances', 'ecs:DescribeTaskDefinition']));
    const describeTasks = statements.find((s) => actions(s).includes('ecs:DescribeTasks'));
    expect(JSON.stringify(describeTasks?.Resource)).toContain(':task/prod/*"');
    expect(JSON.stringify(describeTasks?.Resource)).not.toContain('staging');
  });
});

describe('alarms (lib/deploy/alarms.ts)', () => {
  it('has one Errors alarm per function, the failure queue alarm and the reconcile-stalled alarms, notifying the configured topic', () => {
    const alarms = Object.fromEntries(resourcesOfType('AWS::CloudWatch::Alarm'));
    const functions = resourcesOfType('AWS::Lambda::Function').map(([id]) => id).sort();
    const errorAlarmTargets = Object.values(alarms)
      .filter((a) => a.Properties.MetricName === 'Errors')
      .map((a) => ((a.Properties.Dimensions as { Value: { Ref: string } }[])[0]?.Value.Ref ?? ''))
      .sort();
    expect(errorAlarmTargets).toEqual(functions);
    expect(alarms.FailureQueueNotEmptyAlarm?.Properties.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailureQueue', 'QueueName'] } }]);
    expect(template.Resources.FailureQueue?.Type).toBe('AWS::SQS::Queue');
    expect(alarms.DrainReconcileStalledAlarm?.Properties).toMatchObject({ MetricName: 'ReconcilePassCompleted', TreatMissingData: 'breaching' });
    expect(alarms.ScheduleReconcileStalledAlarm?.Properties).toMatchObject({ MetricName: 'ReconcilePassCompleted', TreatMissingData: 'breaching' });
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmActions).toEqual(['arn:aws:sns:us-east-1:123456789012:ecs-ops-critical']);
    }
  });
});
