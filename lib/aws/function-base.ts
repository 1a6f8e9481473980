import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { bundledConfig } from '../config/bundled.js';
import type { EcsOpsConfig } from '../config/schema.js';
import { createNotifier } from '../notify/index.js';
import type { ChannelDeliverer } from '../summary/post-alert.js';
import { createLogger, createMetrics } from '../observability.js';
import { clientOptions, type ClientOptions, type RetryProfile } from './clients.js';

/** What every deployed function builds at cold start: config, logging, client options, the table and the notifier. */
export interface FunctionBase {
  config: EcsOpsConfig;
  logger: Logger;
  metrics: Metrics;
  options: ClientOptions;
  tableName: string;
  dynamodb: DynamoDBClient;
  deliverer: ChannelDeliverer;
  persistenceStore: DynamoDBPersistenceLayer;
}

/**
 * A deliverer that builds its notifier (the SSM client, Powertools Parameters, the SNS client) on the first delivery:
 * most invocations send nothing, and their cold start should not pay for it (issue #19). Built once, then reused, so
 * the webhook URL cache and Slack pacing survive warm invocations.
 */
export function lazyDeliverer(create: () => ChannelDeliverer): ChannelDeliverer {
  let deliverer: ChannelDeliverer | undefined;
  return {
    // async: a failure to build (e.g. no region) rejects like a failed delivery instead of throwing synchronously.
    deliver: async (channel, notification, deadlineMs) => {
      deliverer ??= create();
      return deliverer.deliver(channel, notification, deadlineMs);
    },
  };
}

/** The production dependencies shared by the handlers in functions/ (`label` names the function in errors). */
export function functionBase(serviceName: string, label: string, profile: RetryProfile): FunctionBase {
  const config = bundledConfig();
  const logger = createLogger(serviceName);
  const tableName = process.env.IDEMPOTENCY_TABLE;
  if (!tableName) throw new Error(`ecs-ops ${label}: IDEMPOTENCY_TABLE is not set`);
  const options = clientOptions(profile);
  const dynamodb = new DynamoDBClient(options);
  return {
    config,
    logger,
    metrics: createMetrics(serviceName),
    options,
    tableName,
    dynamodb,
    deliverer: lazyDeliverer(() => createNotifier({ ssm: new SSMClient(options), sns: new SNSClient(options), logger })),
    persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamodb }),
  };
}
