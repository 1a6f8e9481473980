import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploymentValues, type IamStatement } from '../../lib/deploy/values.js';
import { configFrom, repoRoot } from '../support/fixtures.js';

const base = `
version: 1
clusters:
  - name: prod
    asgs: [{ name: prod-asg }]
notifications:
  channels:
    - { name: ops, type: slack, webhookParameter: ecs-ops-slack, kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }
`;

describe('deploymentValues', () => {
  it('drops rules and pattern entries for ignored alert kinds', () => {
    const values = deploymentValues(
      configFrom(`${base}alerts:\n  ignore: [deployment-rollback, asg-launch-failed, asg-terminate-failed, service-task-start-impaired, fargate-spot-interruption]\n`),
    );
    const patterns = values.functions.alerts.events.map((e) => e.eventBridge.pattern);
    expect(patterns).toHaveLength(2);
    const [serviceAction, deployment] = patterns as [{ detail: { eventName: string[] } }, { detail: unknown }];
    expect(serviceAction.detail.eventName).not.toContain('SERVICE_TASK_START_IMPAIRED');
    expect(serviceAction.detail.eventName).toContain('SERVICE_TASK_PLACEMENT_FAILURE');
    expect(deployment.detail).toEqual({ eventName: ['SERVICE_DEPLOYMENT_FAILED'] });
    expect(values.functions.alerts.iam.flatMap((s) => s.Action).filter((a) => a.startsWith('ecs:'))).toEqual([]);
  });

  it('routes only STOPPED Fargate Spot interruptions of the clusters\' service tasks, and grants the reads they need', () => {
    const values = deploymentValues(configFrom(base));
    const spot = values.functions.alerts.events.map((e) => e.eventBridge.pattern).find((p) => JSON.stringify(p).includes('SpotInterruption'));
    expect(spot).toEqual({
      source: ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      detail: { stopCode: ['SpotInterruption'], lastStatus: ['STOPPED'], group: [{ prefix: 'service:' }], clusterArn: [{ suffix: ':cluster/prod' }] },
    });
    const ecs = values.functions.alerts.iam.filter((s) => s.Action.some((a) => a.startsWith('ecs:')));
    expect(ecs.map((s) => s.Action)).toEqual([['ecs:ListTasks'], ['ecs:DescribeTasks'], ['ecs:DescribeServices']]);
    expect(JSON.stringify(ecs[0]?.Condition)).toContain('cluster/prod');
    expect(JSON.stringify(ecs[1]?.Resource)).toContain(':task/prod/*');
    expect(JSON.stringify(ecs[2]?.Resource)).toContain(':service/prod/*');
  });

  it('has no ASG rule when no ASG is configured', () => {
    const values = deploymentValues(configFrom(base.replace('    asgs: [{ name: prod-asg }]\n', '')));
    const sources = values.functions.alerts.events.map((e) => (e.eventBridge.pattern.source as string[])[0]);
    expect(sources).toEqual(['aws.ecs', 'aws.ecs', 'aws.ecs']);
  });

  it('grants SSM on the parameter ARN and KMS decrypt only through SSM', () => {
    const iam = deploymentValues(configFrom(base)).functions.alerts.iam;
    const ssm = iam.find((s) => s.Action.includes('ssm:GetParameter'));
    expect(JSON.stringify(ssm?.Resource)).toContain(":parameter/ecs-ops-slack\"");
    const kms = iam.find((s) => s.Action.includes('kms:Decrypt'));
    expect(kms?.Resource).toEqual(['arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab']);
    expect(JSON.stringify(kms?.Condition)).toContain('kms:ViaService');
    expect(iam.some((s) => s.Action.includes('sns:Publish'))).toBe(false);
  });

  it('grants an encrypted SNS topic its key, through SNS only', () => {
    const config = configFrom(
      `${base}    - { name: pager, type: sns, topicArn: 'arn:aws:sns:eu-west-1:111122223333:pager', kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/abcd' }\n`,
    );
    const iam = deploymentValues(config).functions.alerts.iam;
    const snsKey = iam.find((s) => s.Action.includes('kms:GenerateDataKey'));
    expect(snsKey).toMatchObject({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: ['arn:aws:kms:eu-west-1:111122223333:key/abcd'] });
    expect(JSON.stringify(snsKey?.Condition)).toContain('"sns."');
    expect(iam.find((s) => s.Action.includes('sns:Publish'))?.Resource).toEqual(['arn:aws:sns:eu-west-1:111122223333:pager']);
  });

  it('bundles the validated config as a string literal that parses back to it', () => {
    const config = configFrom(base);
    const literal = deploymentValues(config).configLiteral;
    expect(JSON.parse(JSON.parse(literal) as string)).toEqual(config);
  });
});

describe('drain wiring', () => {
  const drainConfig = `
version: 1
clusters:
  - name: prod
    asgs: [{ name: prod-asg }, { name: prod-spot }, { name: prod-gpu, lifecycleHook: gpu-drain }, { name: prod-legacy, drain: false }]
  - name: batch
notifications:
  channels:
    - { name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }
    - { name: pager, type: sns, topicArn: 'arn:aws:sns:eu-west-1:111122223333:pager' }
`;
  const json = (value: unknown): string => JSON.stringify(value);
  const statementWith = (iam: IamStatement[], action: string): IamStatement | undefined => iam.find((s) => s.Action.includes(action));

  it('listens to the drained ASGs on their own hooks (exactly), Spot warnings, DRAINING container instances, and a 1-minute schedule', () => {
    const drain = deploymentValues(configFrom(drainConfig)).functions.drain;
    expect(drain.enabled).toBe(true);
    expect(drain.events).toEqual([
      {
        eventBridge: {
          pattern: {
            source: ['aws.autoscaling'],
            'detail-type': ['EC2 Instance-terminate Lifecycle Action'],
            detail: {
              $or: [
                { AutoScalingGroupName: ['prod-asg', 'prod-spot'], LifecycleHookName: ['ecs-ops-drain'] },
                { AutoScalingGroupName: ['prod-gpu'], LifecycleHookName: ['gpu-drain'] },
              ],
            },
          },
        },
      },
      { eventBridge: { pattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] } } },
      {
        eventBridge: {
          pattern: {
            source: ['aws.ecs'],
            'detail-type': ['ECS Container Instance State Change'],
            detail: {
              status: ['DRAINING'],
              clusterArn: [{ suffix: ':cluster/prod' }, { suffix: ':cluster/batch' }],
              $or: [{ runningTasksCount: [0] }, { runningTasksCount: [{ exists: false }] }],
            },
          },
        },
      },
      { schedule: { rate: ['rate(1 minute)'], description: expect.stringContaining('reconcile') as unknown } },
    ]);
  });

  it('adds rebalance recommendations only with rebalanceRecommendation: drain', () => {
    const drain = deploymentValues(configFrom(`${drainConfig}drain:\n  rebalanceRecommendation: drain\n  spotInterruption: false\n`)).functions.drain;
    expect(drain.events[1]).toEqual({ eventBridge: { pattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Instance Rebalance Recommendation'] } } });
  });

  it('grants least privilege: lifecycle actions on the drained ASGs, ECS actions scoped to the clusters, no "*" action', () => {
    const { iam } = deploymentValues(configFrom(drainConfig)).functions.drain;
    const actions = iam.flatMap((s) => s.Action);
    expect(actions.some((a) => a.includes('*'))).toBe(false);
    expect(new Set(actions)).toEqual(
      new Set([
        'autoscaling:CompleteLifecycleAction',
        'autoscaling:RecordLifecycleActionHeartbeat',
        'autoscaling:DescribeAutoScalingInstances',
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:DescribeLifecycleHooks',
        'autoscaling:DescribeWarmPool',
        'ecs:ListContainerInstances',
        'ecs:DescribeContainerInstances',
        'ecs:UpdateContainerInstancesState',
        'ecs:PutAttributes',
        'ecs:ListTasks',
        'ecs:DescribeTasks',
        'ecs:StopTask',
        'ecs:DescribeServices',
        'ecs:DescribeClusters',
        'ecs:DescribeCapacityProviders',
        'ssm:GetParameter',
        'sns:Publish',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'sqs:SendMessage',
      ]),
    );
    const lifecycle = statementWith(iam, 'autoscaling:CompleteLifecycleAction');
    expect(lifecycle?.Action).toEqual(['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat']);
    expect(lifecycle?.Resource).toHaveLength(3);
    // Managed draining facts: the configured clusters, the account's capacity providers (names unknown at deploy time).
    expect(json(statementWith(iam, 'ecs:DescribeClusters')?.Resource)).toContain(':cluster/prod"');
    expect(json(statementWith(iam, 'ecs:DescribeCapacityProviders')?.Resource)).toContain(':capacity-provider/*"');
    expect(json(lifecycle?.Resource)).toContain(':autoScalingGroup:*:autoScalingGroupName/prod-asg"');
    expect(json(lifecycle?.Resource)).toContain(':autoScalingGroup:*:autoScalingGroupName/prod-gpu"');
    expect(json(lifecycle?.Resource)).not.toContain('prod-legacy');
    expect(json(lifecycle?.Resource)).toContain('{"Ref":"AWS::Partition"}');
    // Only the Describe actions without resource-level permissions get "*", and the cluster-wide ListTasks (which ECS
    // authorizes on "*", sim/iam/deviations.ts) with the ecs:cluster condition.
    expect(iam.filter((s) => s.Resource.includes('*')).flatMap((s) => s.Action)).toEqual([
      'autoscaling:DescribeAutoScalingInstances',
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:DescribeLifecycleHooks',
      'autoscaling:DescribeWarmPool',
      'ecs:ListTasks',
    ]);

    const list = statementWith(iam, 'ecs:ListContainerInstances');
    expect(list?.Action).toEqual(['ecs:ListContainerInstances']);
    expect(json(list?.Resource)).toMatch(/:cluster\/prod".*:cluster\/batch"/);
    const clusterCondition = { ArnEquals: { 'ecs:cluster': list?.Resource } };
    for (const [action, resource] of [
      ['ecs:UpdateContainerInstancesState', ':container-instance/prod/*"'],
      ['ecs:PutAttributes', ':container-instance/batch/*"'],
      ['ecs:ListTasks', ':container-instance/prod/*"'],
      ['ecs:DescribeContainerInstances', ':container-instance/prod/*"'],
      ['ecs:DescribeTasks', ':task/prod/*"'],
      ['ecs:DescribeServices', ':service/batch/*"'],
    ] as const) {
      const statement = statementWith(iam, action);
      expect(json(statement?.Resource), action).toContain(resource);
      expect(statement?.Condition, action).toEqual(clusterCondition);
    }
    // ListTasks: by container instance on the instance, cluster-wide on "*", both only in the drained clusters.
    const listTasks = iam.filter((s) => s.Action.includes('ecs:ListTasks'));
    expect(listTasks.map((s) => s.Condition)).toEqual([clusterCondition, clusterCondition]);
    expect(listTasks.map((s) => json(s.Resource))).toEqual([expect.stringContaining(':container-instance/prod/*"'), '["*"]']);
    expect(statementWith(iam, 'sqs:SendMessage')?.Resource).toEqual([{ 'Fn::GetAtt': ['FailureQueue', 'Arn'] }]);
    expect(statementWith(iam, 'dynamodb:PutItem')?.Resource).toEqual([{ 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] }]);
    expect(statementWith(iam, 'sns:Publish')?.Resource).toEqual(['arn:aws:sns:eu-west-1:111122223333:pager']);
  });

  it('grants StopTask, on the tasks of the clusters, with standaloneTasks: stop or a drained ASG (DAEMON tasks ECS left)', () => {
    const stopping = deploymentValues(configFrom(`${drainConfig}drain:\n  standaloneTasks: stop\n`)).functions.drain.iam;
    const stop = statementWith(stopping, 'ecs:StopTask');
    expect(stop?.Action).toEqual(['ecs:DescribeTasks', 'ecs:StopTask']);
    expect(json(stop?.Resource)).toContain(':task/prod/*"');
    expect(stop?.Condition).toHaveProperty(['ArnEquals', 'ecs:cluster']);
    expect(statementWith(deploymentValues(configFrom(drainConfig)).functions.drain.iam, 'ecs:StopTask')?.Action).toEqual(['ecs:DescribeTasks', 'ecs:StopTask']);
  });

  it('only watches Spot warnings when no ASG is drained, and is not declared when nothing is drained', () => {
    const spotOnly = deploymentValues(configFrom(base.replace('asgs: [{ name: prod-asg }]', 'asgs: [{ name: prod-asg, drain: false }]'))).functions.drain;
    expect(spotOnly.enabled).toBe(true);
    expect(spotOnly.events).toEqual([{ eventBridge: { pattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] } } }]);
    const spotActions = spotOnly.iam.flatMap((s) => s.Action);
    expect(spotActions).not.toContain('autoscaling:CompleteLifecycleAction');
    expect(spotActions.filter((a) => a.startsWith('autoscaling:'))).toEqual(['autoscaling:DescribeAutoScalingInstances']);
    // No lifecycle action to complete, no DAEMON task to stop: StopTask only with standaloneTasks: stop.
    expect(spotActions).not.toContain('ecs:StopTask');
    const none = deploymentValues(configFrom(`${base.replace('asgs: [{ name: prod-asg }]', 'asgs: [{ name: prod-asg, drain: false }]')}drain:\n  spotInterruption: false\n`)).functions.drain;
    expect(none).toEqual({ enabled: false, events: [], iam: [] });
  });
});

describe('prepare (npm run package / deploy)', () => {
  const prepare = (mode: string, configPath: string) =>
    spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), ['lib/deploy/prepare.ts', mode], {
      cwd: repoRoot,
      env: { ...process.env, ECS_OPS_CONFIG: configPath },
      encoding: 'utf8',
    });

  it('refuses to deploy the example config, with a message saying what to do', () => {
    const result = prepare('deploy', 'ecs-ops.config.example.yml');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('refusing to deploy');
    expect(result.stderr).toContain('ecs-ops.config.yml');
  });

  it('refuses when there is no config file', () => {
    const result = prepare('deploy', 'does-not-exist.yml');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no config file at does-not-exist.yml');
  });

  it('rejects an invalid config naming file, line and path', () => {
    const result = prepare('package', 'test/fixtures/config/invalid-topic.yml');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/invalid-topic\.yml:\d+:\d+ notifications\.channels\[0\]\.topicArn/);
  });
});

describe('deploy guard (osls plugin)', () => {
  const require = createRequire(import.meta.url);
  const Guard = require('../../lib/deploy/deploy-guard.cjs') as new (serverless: unknown) => { hooks: Record<string, () => void> };
  class ServerlessError extends Error {}
  const withDeployValues = (deploy: unknown) => new Guard({ service: { custom: { deploy } }, classes: { Error: ServerlessError } });

  it('lets a package of a real config deploy', () => {
    expect(() => { withDeployValues({ packaged: true, exampleConfig: false, region: 'eu-west-1' }).hooks['before:deploy:deploy']?.(); }).not.toThrow();
  });

  it('stops a package of the example config, or of unknown origin', () => {
    for (const deploy of [{ packaged: true, exampleConfig: true, region: 'eu-west-1' }, { packaged: true, region: 'eu-west-1' }]) {
      expect(() => { withDeployValues(deploy).hooks['before:deploy:deploy']?.(); }).toThrow(/refusing to deploy/);
      expect(() => { withDeployValues(deploy).hooks['before:deploy:function:initialize']?.(); }).toThrow(ServerlessError);
    }
    // No prepared deploy.json at all (lib/deploy/unpackaged.json, or nothing).
    expect(() => { withDeployValues({}).hooks['before:deploy:deploy']?.(); }).toThrow(/no .ecs-ops\/deploy.json/);
  });
});

describe('digest wiring', () => {
  const digestConfig = `${base.replace('  - name: prod\n    asgs: [{ name: prod-asg }]\n', '  - name: prod\n    asgs: [{ name: prod-asg }]\n  - name: staging\n')}summary:
  digest:
    schedule: cron(0 8 ? * MON-FRI *)
    timezone: Europe/Paris
`;

  it('is not declared without summary.digest', () => {
    expect(deploymentValues(configFrom(base)).functions.digest).toEqual({ enabled: false, events: [], iam: [] });
  });

  it('runs on an EventBridge Scheduler schedule of the stack in the configured time zone, not an osls event', () => {
    const values = deploymentValues(configFrom(digestConfig));
    expect(values.functions.digest.enabled).toBe(true);
    expect(values.functions.digest.events).toEqual([]);
    expect(values.scheduler.resources.EcsOpsDigestSchedule?.Properties).toMatchObject({ ScheduleExpression: 'cron(0 8 ? * MON-FRI *)', ScheduleExpressionTimezone: 'Europe/Paris' });
  });

  it('grants read-only access scoped where the APIs allow it, and nothing it does not use', () => {
    const { iam } = deploymentValues(configFrom(digestConfig)).functions.digest;
    const actions = iam.flatMap((s) => s.Action);
    const statement = (action: string): IamStatement | undefined => iam.find((s) => s.Action.includes(action));
    expect(actions.filter((a) => a.startsWith('ecs:') || a.includes('autoscaling:')).sort()).toEqual([
      'application-autoscaling:DescribeScalingActivities',
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:DescribeScalingActivities',
      // Instances kept protected with only daemon tasks (lib/summary/digest/protected-daemon-only.ts).
      'ecs:DescribeCapacityProviders',
      'ecs:DescribeClusters',
      'ecs:DescribeContainerInstances',
      'ecs:DescribeServices',
      'ecs:DescribeTasks',
      'ecs:ListContainerInstances',
      'ecs:ListServices',
      'ecs:ListTasks',
    ]);
    expect(actions.some((a) => a.endsWith('*'))).toBe(false);
    // The daemon-only reads stay on the clusters that have ASGs: container instances and tasks under ecs:cluster.
    expect(JSON.stringify(statement('ecs:DescribeContainerInstances')?.Resource)).toContain(':container-instance/prod/*');
    expect(JSON.stringify(statement('ecs:DescribeContainerInstances')?.Resource)).not.toContain('staging');
    expect(JSON.stringify(statement('ecs:DescribeTasks')?.Condition)).toContain('ecs:cluster');
    // Nothing but reads on ECS and Auto Scaling (writes are the idempotency table's and the dead-letter queue's).
    expect(actions.filter((a) => /^(ecs|autoscaling|application-autoscaling):/.test(a)).every((a) => /:(Describe|List)/.test(a))).toBe(true);
    // DescribeServices on the configured clusters' services only, with the ecs:cluster condition.
    expect(JSON.stringify(statement('ecs:DescribeServices')?.Resource)).toMatch(/:service\/prod\/\*.*:service\/staging\/\*/);
    expect(JSON.stringify(statement('ecs:DescribeServices')?.Condition)).toContain('ecs:cluster');
    // ListServices has no resource type: "*" narrowed by ecs:cluster.
    expect(statement('ecs:ListServices')?.Resource).toEqual(['*']);
    expect(JSON.stringify(statement('ecs:ListServices')?.Condition)).toContain(':cluster/staging');
    // Application Auto Scaling and EC2 Auto Scaling Describe* support no resource-level permissions.
    expect(statement('application-autoscaling:DescribeScalingActivities')?.Resource).toEqual(['*']);
    // Scheduler invokes it with a role of its own: the function's role invokes nothing.
    expect(actions.filter((a) => a.startsWith('lambda:'))).toEqual([]);
    // Delivery: the Slack parameter, the idempotency table, the dead-letter queue.
    expect(actions).toEqual(expect.arrayContaining(['ssm:GetParameter', 'dynamodb:PutItem', 'sqs:SendMessage']));
    // The ops journal's days: GetItem (delivery statement) and BatchGetItem, on the table only.
    expect(statement('dynamodb:GetItem')?.Resource).toEqual([{ 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] }]);
    expect(statement('dynamodb:BatchGetItem')?.Resource).toEqual([{ 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] }]);
  });

  it('leaves EC2 Auto Scaling out when the digested clusters have no ASG, and scopes ECS to summary.digest.clusters', () => {
    const { iam } = deploymentValues(configFrom(`${digestConfig}    clusters: [staging]\n`)).functions.digest;
    expect(iam.flatMap((s) => s.Action).some((a) => a.startsWith('autoscaling:'))).toBe(false);
    expect(JSON.stringify(iam.find((s) => s.Action.includes('ecs:DescribeServices'))?.Resource)).not.toContain('service/prod/');
  });

  it('refuses at package time a schedule the window cannot be derived from', () => {
    expect(() => deploymentValues(configFrom(`${base}summary:\n  digest:\n    schedule: cron(0 8 L * ? *)\n`))).toThrow(/summary\.digest\.schedule: cron day-of-month "L"/);
  });
});
