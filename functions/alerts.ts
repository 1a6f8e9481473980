/**
 * Real-time alerts: ECS Service Action (WARN/ERROR), ECS Deployment State Change (failed, circuit-breaker rollback) and
 * ASG launch/terminate Unsuccessful events, posted to the configured Slack and SNS channels once per dedupe window.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { EcsOpsConfig } from '../lib/config/schema.js';
import { deadlineFromRemaining } from '../lib/notify/index.js';
import { handleAlertEvent, idempotentDelivery, type AlertOutcome, type AlertPipelineDeps, type ChannelDeliverer } from '../lib/summary/post-alert.js';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { functionBase } from '../lib/aws/function-base.js';
import { ECSClient } from '@aws-sdk/client-ecs';
import { gatherSpotFacts, type SpotFacts } from '../lib/summary/fargate-spot.js';

const SERVICE_NAME = 'ecs-ops-alerts';

export interface AlertsHandlerDeps {
  config: EcsOpsConfig;
  deliverer: ChannelDeliverer;
  persistenceStore: BasePersistenceLayer;
  logger: Logger;
  metrics: Metrics;
  /** A service's tasks (Fargate Spot interruptions); without it the alert shows the event alone. */
  spotFacts?: (cluster: string, service: string) => Promise<SpotFacts>;
}

export function createAlertsHandler(deps: AlertsHandlerDeps) {
  const { deliverOnce, idempotencyConfig } = idempotentDelivery(deps.config, deps.deliverer, deps.persistenceStore);
  const pipeline: AlertPipelineDeps = {
    config: deps.config,
    deliverOnce,
    logger: deps.logger,
    metrics: { count: (name, value = 1) => { deps.metrics.addMetric(name, MetricUnit.Count, value); } },
    ...(deps.spotFacts ? { spotFacts: deps.spotFacts } : {}),
  };
  return middy(async (event: unknown, context: Context): Promise<AlertOutcome> => {
    idempotencyConfig.registerLambdaContext(context);
    return handleAlertEvent(event, pipeline, deadlineFromRemaining(context.getRemainingTimeInMillis()));
  })
    .use(injectLambdaContext(deps.logger, { correlationIdPath: 'id', resetKeys: true }))
    .use(logMetrics(deps.metrics, { captureColdStartMetric: true }));
}

function productionDeps(): AlertsHandlerDeps {
  const { config, logger, metrics, deliverer, persistenceStore, options } = functionBase(SERVICE_NAME, 'alerts', 'event');
  // The ECS client is built on the first Fargate Spot interruption: most alerts never need it, and their cold start
  // should not pay for it (issue #19, as the lazy deliverer).
  let ecs: ECSClient | undefined;
  const spotFacts = (cluster: string, service: string): Promise<SpotFacts> => {
    ecs ??= new ECSClient(options);
    return gatherSpotFacts(ecs, cluster, service);
  };
  return { config, logger, metrics, deliverer, persistenceStore, spotFacts };
}

let production: ReturnType<typeof createAlertsHandler> | undefined;

export const handler = async (event: unknown, context: Context): Promise<AlertOutcome> => {
  production ??= createAlertsHandler(productionDeps());
  return production(event, context);
};
