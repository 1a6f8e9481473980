import { ALERT_KINDS, SERVICE_ACTION_ALERTS, type AlertKind, type EcsOpsConfig } from '../config/schema.js';
import { CIRCUIT_BREAKER_ROLLBACK_PREFIX } from '../events/index.js';
import { SERVICE_ACTION_KIND } from '../summary/kinds.js';

/**
 * Everything `serverless.yml` derives from the config file, computed once by `lib/deploy/prepare.ts` and written to
 * `.ecs-ops/deploy.json`. Keeping it a pure function of the config lets tests assert the wiring without packaging.
 */

type CfnValue = string | { Ref: string } | { 'Fn::GetAtt': [string, string] } | { 'Fn::Join': [string, CfnValue[]] };

export interface IamStatement {
  Effect: 'Allow';
  Action: string[];
  Resource: CfnValue[];
  Condition?: Record<string, Record<string, CfnValue>>;
}

export interface EventBridgeTrigger {
  eventBridge: { pattern: Record<string, unknown> };
}

export interface FunctionWiring {
  events: EventBridgeTrigger[];
  iam: IamStatement[];
}

export interface DeploymentValues {
  /** The validated config as a JavaScript string literal, injected into every bundle by esbuild `define`. */
  configLiteral: string;
  functions: { alerts: FunctionWiring };
}

/** Resources declared in serverless.yml that the derived IAM statements point at. */
export const IDEMPOTENCY_TABLE_LOGICAL_ID = 'IdempotencyTable';
export const FAILURE_QUEUE_LOGICAL_ID = 'FailureQueue';

const region = { Ref: 'AWS::Region' };
const account = { Ref: 'AWS::AccountId' };
const partition = { Ref: 'AWS::Partition' };

function arn(...parts: CfnValue[]): CfnValue {
  return { 'Fn::Join': ['', parts] };
}

export function ssmParameterArn(name: string): CfnValue {
  const path = name.startsWith('/') ? name : `/${name}`;
  return arn('arn:', partition, ':ssm:', region, ':', account, `:parameter${path}`);
}

function alertsWiring(config: EcsOpsConfig): FunctionWiring {
  const ignored = new Set<AlertKind>(config.alerts.ignore);
  const wanted = (kind: AlertKind): boolean => ALERT_KINDS.includes(kind) && !ignored.has(kind);
  const clusters = config.clusters.map((c) => c.name);
  const asgs = config.clusters.flatMap((c) => c.asgs.map((a) => a.name));
  const events: EventBridgeTrigger[] = [];

  const serviceActions = SERVICE_ACTION_ALERTS.filter((name) => wanted(SERVICE_ACTION_KIND[name]));
  if (serviceActions.length > 0) {
    events.push({
      eventBridge: {
        pattern: {
          source: ['aws.ecs'],
          'detail-type': ['ECS Service Action'],
          detail: {
            eventName: serviceActions,
            // Cluster names cannot contain ":" or "/", so the suffix names exactly one cluster.
            clusterArn: clusters.map((name) => ({ suffix: `:cluster/${name}` })),
          },
        },
      },
    });
  }

  const deploymentBranches: Record<string, unknown>[] = [];
  if (wanted('deployment-failed')) deploymentBranches.push({ eventName: ['SERVICE_DEPLOYMENT_FAILED'] });
  if (wanted('deployment-rollback')) {
    deploymentBranches.push({ eventName: ['SERVICE_DEPLOYMENT_IN_PROGRESS'], reason: [{ prefix: CIRCUIT_BREAKER_ROLLBACK_PREFIX }] });
  }
  if (deploymentBranches.length > 0) {
    events.push({
      eventBridge: {
        pattern: {
          source: ['aws.ecs'],
          'detail-type': ['ECS Deployment State Change'],
          // Deployment events carry no cluster field: the service ARN in resources names it.
          resources: clusters.map((name) => ({ wildcard: `*:service/${name}/*` })),
          detail: deploymentBranches.length === 1 ? deploymentBranches[0] : { $or: deploymentBranches },
        },
      },
    });
  }

  const asgDetailTypes = [
    ...(wanted('asg-launch-failed') ? ['EC2 Instance Launch Unsuccessful'] : []),
    ...(wanted('asg-terminate-failed') ? ['EC2 Instance Terminate Unsuccessful'] : []),
  ];
  if (asgs.length > 0 && asgDetailTypes.length > 0) {
    events.push({
      eventBridge: {
        pattern: {
          source: ['aws.autoscaling'],
          'detail-type': asgDetailTypes,
          detail: { AutoScalingGroupName: asgs },
        },
      },
    });
  }

  const slack = config.notifications.channels.filter((c) => c.type === 'slack');
  const sns = config.notifications.channels.filter((c) => c.type === 'sns');
  const keysOf = (channels: { kmsKeyArn?: string | undefined }[]): string[] => [...new Set(channels.flatMap((c) => (c.kmsKeyArn ? [c.kmsKeyArn] : [])))];
  // Customer-managed keys are usable only through the service that encrypted with them.
  const viaService = (service: string): IamStatement['Condition'] => ({ StringEquals: { 'kms:ViaService': arn(`${service}.`, region, '.amazonaws.com') } });
  const iam: IamStatement[] = [];
  if (slack.length > 0) {
    iam.push({ Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: [...new Set(slack.map((c) => c.webhookParameter))].map(ssmParameterArn) });
  }
  const slackKeys = keysOf(slack);
  if (slackKeys.length > 0) iam.push({ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: slackKeys, Condition: viaService('ssm') });
  const snsKeys = keysOf(sns);
  if (snsKeys.length > 0) iam.push({ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: snsKeys, Condition: viaService('sns') });
  if (sns.length > 0) {
    iam.push({ Effect: 'Allow', Action: ['sns:Publish'], Resource: [...new Set(sns.map((c) => c.topicArn))] });
  }
  iam.push({
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    Resource: [{ 'Fn::GetAtt': [IDEMPOTENCY_TABLE_LOGICAL_ID, 'Arn'] }],
  });
  iam.push({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [{ 'Fn::GetAtt': [FAILURE_QUEUE_LOGICAL_ID, 'Arn'] }] });
  return { events, iam };
}

export function deploymentValues(config: EcsOpsConfig): DeploymentValues {
  return {
    configLiteral: JSON.stringify(JSON.stringify(config)),
    functions: { alerts: alertsWiring(config) },
  };
}
