/**
 * Auto-drain: drains container instances before their EC2 instance goes (ASG terminate lifecycle actions on the hook
 * ecs-ops owns, Spot interruption warnings, rebalance recommendations when configured, instances set to DRAINING) and
 * completes the lifecycle action once they are empty; a scheduled reconcile pass every minute heartbeats, completes,
 * enforces the deadline and picks up instances whose event was lost. See lib/drain.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { EcsOpsConfig } from '../lib/config/schema.js';
import { ClusterSizeCache, handleDrainEvent, HookSettingsCache, ManagedDrainingCache, type DrainOutcome, type DrainPipelineDeps } from '../lib/drain/index.js';
import { deadlineFromRemaining } from '../lib/notify/index.js';
import { idempotentDelivery, type ChannelDeliverer } from '../lib/summary/post-alert.js';
import { functionBase } from '../lib/aws/function-base.js';

const SERVICE_NAME = 'ecs-ops-drain';

export interface DrainHandlerDeps {
  config: EcsOpsConfig;
  ecs: ECSClient;
  autoscaling: AutoScalingClient;
  deliverer: ChannelDeliverer;
  persistenceStore: BasePersistenceLayer;
  logger: Logger;
  metrics: Metrics;
  /** Epoch ms (tests). */
  now?: () => number;
  region?: string | undefined;
}

export function createDrainHandler(deps: DrainHandlerDeps) {
  const { deliverOnce, idempotencyConfig } = idempotentDelivery(deps.config, deps.deliverer, deps.persistenceStore, deps.now ? () => new Date((deps.now as () => number)()) : undefined);
  const pipeline: DrainPipelineDeps = {
    config: deps.config,
    ecs: deps.ecs,
    autoscaling: deps.autoscaling,
    // Per warm Lambda: lifecycle hook settings are reused for 5 minutes.
    hooks: new HookSettingsCache(deps.now ?? Date.now),
    // Per warm Lambda: how many tasks each cluster held when a reconcile pass last listed it, for 10 minutes.
    clusterSizes: new ClusterSizeCache(deps.now ?? Date.now),
    // Per warm Lambda: which ASGs ECS drains itself (managed draining), asked afresh by every reconcile pass.
    managedDraining: new ManagedDrainingCache(deps.now ?? Date.now),
    deliverOnce,
    logger: deps.logger,
    metrics: { count: (name, value = 1) => { deps.metrics.addMetric(name, MetricUnit.Count, value); } },
    ...(deps.now ? { now: deps.now } : {}),
    region: deps.region,
  };
  return middy(async (event: unknown, context: Context): Promise<DrainOutcome> => {
    idempotencyConfig.registerLambdaContext(context);
    return handleDrainEvent(event, pipeline, deadlineFromRemaining(context.getRemainingTimeInMillis()));
  })
    .use(injectLambdaContext(deps.logger, { correlationIdPath: 'id', resetKeys: true }))
    .use(logMetrics(deps.metrics, { captureColdStartMetric: true }));
}

function productionDeps(): DrainHandlerDeps {
  // Reconcile passes make bursts of calls: adaptive retries slow down under throttling instead of failing.
  const { config, logger, metrics, options, deliverer, persistenceStore } = functionBase(SERVICE_NAME, 'drain', 'reconcile');
  return {
    config,
    logger,
    metrics,
    ecs: new ECSClient(options),
    autoscaling: new AutoScalingClient(options),
    deliverer,
    persistenceStore,
    region: options.region,
  };
}

let production: ReturnType<typeof createDrainHandler> | undefined;

export const handler = async (event: unknown, context: Context): Promise<DrainOutcome> => {
  production ??= createDrainHandler(productionDeps());
  return production(event, context);
};
