/**
 * Placement policy: audits where tasks run against the declared policies on every service task that becomes RUNNING
 * (just that service), on ECS Service Action events (that service) and on the `placement.auditEvery` schedule (whole
 * clusters); reports violations (notifications, logs, metrics) and, for enforce-mode policies without dryRun, stops one
 * misplaced task per service per pass when the engine predicts its replacement lands compliantly. See
 * lib/placement/policy.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { EcsOpsConfig } from '../lib/config/schema.js';
import { deadlineFromRemaining } from '../lib/notify/index.js';
import { handlePlacementEvent, type PlacementOutcome, type PolicyPipelineDeps } from '../lib/placement/policy/index.js';
import { idempotentDelivery, type ChannelDeliverer } from '../lib/summary/post-alert.js';
import { dynamoJournal, type OpsJournal } from '../lib/summary/journal.js';
import { functionBase } from '../lib/aws/function-base.js';

const SERVICE_NAME = 'ecs-ops-placement';

export interface PlacementHandlerDeps {
  config: EcsOpsConfig;
  ecs: ECSClient;
  deliverer: ChannelDeliverer;
  persistenceStore: BasePersistenceLayer;
  /** The ops journal (stops, for the digest); none in tests that do not need it. */
  journal?: OpsJournal | undefined;
  logger: Logger;
  metrics: Metrics;
  /** Epoch ms (tests). */
  now?: () => number;
  region?: string | undefined;
}

export function createPlacementHandler(deps: PlacementHandlerDeps) {
  const now = deps.now;
  const { deliverOnce, idempotencyConfig } = idempotentDelivery(deps.config, deps.deliverer, deps.persistenceStore, now ? () => new Date(now()) : undefined);
  const pipeline: PolicyPipelineDeps = {
    config: deps.config,
    ecs: deps.ecs,
    deliverOnce,
    logger: deps.logger,
    metrics: { count: (name, value = 1) => { deps.metrics.addMetric(name, MetricUnit.Count, value); } },
    ...(now ? { now } : {}),
    region: deps.region,
    journal: deps.journal,
  };
  return middy(async (event: unknown, context: Context): Promise<PlacementOutcome> => {
    idempotencyConfig.registerLambdaContext(context);
    return handlePlacementEvent(event, pipeline, deadlineFromRemaining(context.getRemainingTimeInMillis()));
  })
    .use(injectLambdaContext(deps.logger, { correlationIdPath: 'id', resetKeys: true }))
    .use(logMetrics(deps.metrics, { captureColdStartMetric: true }));
}

function productionDeps(): PlacementHandlerDeps {
  // A whole-cluster audit is a burst of calls: adaptive retries slow down under throttling instead of failing.
  const { config, logger, metrics, options, tableName, dynamodb, deliverer, persistenceStore } = functionBase(SERVICE_NAME, 'placement', 'reconcile');
  return {
    config,
    logger,
    metrics,
    ecs: new ECSClient(options),
    deliverer,
    persistenceStore,
    journal: dynamoJournal(dynamodb, tableName, logger),
    region: options.region,
  };
}

let production: ReturnType<typeof createPlacementHandler> | undefined;

export const handler = async (event: unknown, context: Context): Promise<PlacementOutcome> => {
  production ??= createPlacementHandler(productionDeps());
  return production(event, context);
};
