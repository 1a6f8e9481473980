/**
 * Scaling digest: on the `summary.digest.schedule` schedule, what scaled in each cluster since the previous digest,
 * when and why (Application Auto Scaling and EC2 Auto Scaling activities, ECS service events and deployments, ecs-ops's
 * drains, and its placement stops and scheduled runs from the ops journal, lib/summary/journal.ts), posted to Slack and
 * SNS. See lib/summary/digest.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ECSClient } from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { clientOptions } from '../lib/aws/clients.js';
import { bundledConfig } from '../lib/config/bundled.js';
import type { EcsOpsConfig } from '../lib/config/schema.js';
import { createNotifier, deadlineFromRemaining } from '../lib/notify/index.js';
import { createLogger, createMetrics } from '../lib/observability.js';
import { DIGEST_IDEMPOTENCY_SECONDS, runScheduledDigest, type DigestRunOutcome } from '../lib/summary/digest/index.js';
import { idempotentDelivery, type ChannelDeliverer } from '../lib/summary/post-alert.js';
import type { OpsSource } from '../lib/summary/digest/model.js';
import { journalOpsSource } from '../lib/summary/journal.js';

const SERVICE_NAME = 'ecs-ops-digest';

export interface DigestHandlerDeps {
  config: EcsOpsConfig;
  ecs: ECSClient;
  autoscaling: AutoScalingClient;
  aas: ApplicationAutoScalingClient;
  deliverer: ChannelDeliverer;
  persistenceStore: BasePersistenceLayer;
  /** What ecs-ops recorded of its own actions (the ops journal): placement stops, scheduled runs. */
  opsSources?: readonly OpsSource[] | undefined;
  logger: Logger;
  metrics: Metrics;
  /** Epoch ms (tests). */
  now?: () => number;
  region?: string | undefined;
}

export function createDigestHandler(deps: DigestHandlerDeps) {
  // The digest's parts are remembered longer than alerts: a retry hours later must not post them again.
  const config: EcsOpsConfig = { ...deps.config, alerts: { ...deps.config.alerts, dedupeWindow: DIGEST_IDEMPOTENCY_SECONDS } };
  const { deliverOnce, idempotencyConfig } = idempotentDelivery(config, deps.deliverer, deps.persistenceStore);
  return middy(async (event: unknown, context: Context): Promise<DigestRunOutcome> => {
    idempotencyConfig.registerLambdaContext(context);
    const outcome = await runScheduledDigest(
      event,
      {
        config: deps.config,
        deliverOnce,
        logger: deps.logger,
        gather: { ecs: deps.ecs, autoscaling: deps.autoscaling, aas: deps.aas, ...(deps.now ? { now: deps.now } : {}), ...(deps.opsSources ? { opsSources: deps.opsSources } : {}), logger: deps.logger, region: deps.region },
      },
      deadlineFromRemaining(context.getRemainingTimeInMillis()),
    );
    if (outcome.status === 'malformed') deps.metrics.addMetric('MalformedEvent', MetricUnit.Count, 1);
    else {
      const posted = outcome.clusters.flatMap((c) => c.deliveries).filter((d) => d.outcome === 'posted').length;
      deps.metrics.addMetric('DigestMessagesPosted', MetricUnit.Count, posted);
    }
    return outcome;
  })
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(logMetrics(deps.metrics, { captureColdStartMetric: true }));
}

function productionDeps(): DigestHandlerDeps {
  const config = bundledConfig();
  const logger = createLogger(SERVICE_NAME);
  const tableName = process.env.IDEMPOTENCY_TABLE;
  if (!tableName) throw new Error('ecs-ops digest: IDEMPOTENCY_TABLE is not set');
  // Many Describe calls in a row: adaptive retries slow down under throttling instead of failing.
  const options = clientOptions('reconcile');
  const dynamodb = new DynamoDBClient(options);
  return {
    config,
    logger,
    metrics: createMetrics(SERVICE_NAME),
    ecs: new ECSClient(options),
    autoscaling: new AutoScalingClient(options),
    aas: new ApplicationAutoScalingClient(options),
    deliverer: createNotifier({ ssm: new SSMClient(options), sns: new SNSClient(options), logger }),
    persistenceStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamodb }),
    opsSources: [journalOpsSource(dynamodb, tableName, logger)],
    region: options.region,
  };
}

let production: ReturnType<typeof createDigestHandler> | undefined;

export const handler = async (event: unknown, context: Context): Promise<DigestRunOutcome> => {
  production ??= createDigestHandler(productionDeps());
  return production(event, context);
};
