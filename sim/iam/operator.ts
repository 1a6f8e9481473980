/**
 * The role the ecs-ops CLI is simulated with (`ecs-ops audit`, `run`, `digest` pointed at the simulator): an
 * operator's role with what the README says those commands need, and nothing else — the read-only List/Describe
 * actions (scoped to clusters with `ecs:cluster` where the action has no cluster resource; `ListTasks` without a
 * container instance on `*`, see deviations.ts), `ecs:RunTask` with tags on create and `iam:PassRole` to ECS tasks
 * for `run`, `ecs:StopTask` for `run --wait`'s timeout, and the Auto Scaling / Application Auto Scaling Describe
 * actions and the ops journal's table reads for `digest`; for `verify`, DescribeClusters, DescribeLifecycleHooks,
 * DescribeCapacityProviders, sns:GetTopicAttributes and ssm:GetParameter (no kms:Decrypt: webhook URLs stay encrypted);
 * for `status`, cloudformation:DescribeStacks on ecs-ops stacks, cloudwatch:GetMetricData (no resource types),
 * cloudwatch:DescribeAlarms on alarms, sqs:GetQueueUrl/GetQueueAttributes on ecs-ops queues (docs/operations.md).
 */
import { accessKeyIdFor, type Principal } from './principals.js';

export const OPERATOR_ROLE_NAME = 'ecs-ops-operator';
export const OPERATOR_SESSION_NAME = 'operator';

/** The operator's access key id in an account (what the CLI is given as AWS_ACCESS_KEY_ID against the simulator). */
export function operatorAccessKeyId(account: string): string {
  return accessKeyIdFor(`operator/${account}`);
}

export function operatorPrincipal(account: string, region: string): Principal {
  const ecs = (resource: string) => `arn:aws:ecs:${region}:${account}:${resource}`;
  return {
    arn: `arn:aws:sts::${account}:assumed-role/${OPERATOR_ROLE_NAME}/${OPERATOR_SESSION_NAME}`,
    roleArn: `arn:aws:iam::${account}:role/${OPERATOR_ROLE_NAME}`,
    label: 'operator',
    policies: [
      {
        name: 'ecs-ops-operator',
        document: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'ReadClusters', Effect: 'Allow', Action: ['ecs:ListContainerInstances', 'ecs:DescribeClusters'], Resource: ecs('cluster/*') },
            {
              Sid: 'ReadClusterResources',
              Effect: 'Allow',
              Action: ['ecs:DescribeContainerInstances', 'ecs:DescribeTasks', 'ecs:DescribeServices', 'ecs:ListTagsForResource'],
              Resource: [ecs('container-instance/*'), ecs('task/*'), ecs('service/*')],
            },
            // No resource types (ListServices, DescribeTaskDefinition) or authorized on `*` (ListTasks by cluster).
            { Sid: 'ReadWithoutResourceTypes', Effect: 'Allow', Action: ['ecs:ListServices', 'ecs:ListTasks', 'ecs:DescribeTaskDefinition', 'ecs:DescribeCapacityProviders'], Resource: '*' },
            { Sid: 'RunSchedules', Effect: 'Allow', Action: ['ecs:RunTask'], Resource: ecs('task-definition/*') },
            { Sid: 'TagOnRun', Effect: 'Allow', Action: ['ecs:TagResource'], Resource: ecs('task/*'), Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } } },
            { Sid: 'StopOwnRuns', Effect: 'Allow', Action: ['ecs:StopTask'], Resource: ecs('task/*') },
            { Sid: 'PassTaskRoles', Effect: 'Allow', Action: ['iam:PassRole'], Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } },
            {
              Sid: 'ReadScaling',
              Effect: 'Allow',
              Action: [
                'autoscaling:DescribeAutoScalingGroups',
                'autoscaling:DescribeAutoScalingInstances',
                'autoscaling:DescribeScalingActivities',
                'autoscaling:DescribeLifecycleHooks',
                'application-autoscaling:DescribeScalableTargets',
                'application-autoscaling:DescribeScalingActivities',
              ],
              Resource: '*',
            },
            // `verify`: topics exist; webhook parameters exist and are SecureString (read without decryption: no
            // kms:Decrypt, so the webhook URL stays encrypted).
            { Sid: 'VerifyChannels', Effect: 'Allow', Action: ['sns:GetTopicAttributes'], Resource: `arn:aws:sns:${region}:${account}:*` },
            { Sid: 'VerifyWebhookParameters', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: `arn:aws:ssm:${region}:${account}:parameter/*` },
            // `status`: the stage's stack, its functions' metrics and the passes', its alarms, its failure queue (named
            // `ecs-ops-<stage>-FailureQueue-<suffix>` by CloudFormation). Read-only: no ReceiveMessage (messages stay).
            { Sid: 'StatusStack', Effect: 'Allow', Action: ['cloudformation:DescribeStacks'], Resource: `arn:aws:cloudformation:${region}:${account}:stack/ecs-ops-*/*` },
            { Sid: 'StatusMetrics', Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
            { Sid: 'StatusAlarms', Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms'], Resource: `arn:aws:cloudwatch:${region}:${account}:alarm:*` },
            { Sid: 'StatusFailureQueue', Effect: 'Allow', Action: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes'], Resource: `arn:aws:sqs:${region}:${account}:ecs-ops-*` },
            { Sid: 'ReadJournal', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchGetItem'], Resource: `arn:aws:dynamodb:${region}:${account}:table/*` },
          ],
        },
      },
    ],
  };
}
