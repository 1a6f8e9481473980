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
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { EcsOpsConfig } from '../lib/config/schema.js';
import { deadlineFromRemaining } from '../lib/notify/index.js';
import { DIGEST_IDEMPOTENCY_SECONDS, runScheduledDigest, type DigestRunOutcome } from '../lib/summary/digest/index.js';
import { idempotentDelivery, type ChannelDeliverer } from '../lib/summary/post-alert.js';
import type { OpsSource } from '../lib/summary/digest/model.js';
import { journalOpsSource } from '../lib/summary/journal.js';
import { functionBase } from '../lib/aws/function-base.js';

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
  // Many Describe calls in a row: adaptive retries slow down under throttling instead of failing.
  const { config, logger, metrics, options, tableName, dynamodb, deliverer, persistenceStore } = functionBase(SERVICE_NAME, 'digest', 'reconcile');
  return {
    config,
    logger,
    metrics,
    ecs: new ECSClient(options),
    autoscaling: new AutoScalingClient(options),
    aas: new ApplicationAutoScalingClient(options),
    deliverer,
    persistenceStore,
    opsSources: [journalOpsSource(dynamodb, tableName, logger)],
    region: options.region,
  };
}

let production: ReturnType<typeof createDigestHandler> | undefined;

export const handler = async (event: unknown, context: Context): Promise<DigestRunOutcome> => {
  production ??= createDigestHandler(productionDeps());
  return production(event, context);
};
