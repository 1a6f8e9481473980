/**
 * Scheduled tasks with guardrails: the runner. Invoked by the EventBridge Scheduler schedules ecs-ops creates (one
 * per config schedule, input `{schedule, scheduledTime}`), by the Scheduler's default payload or a scheduled rule
 * named after a schedule, by `ECS Task State Change` STOPPED events of its tasks, and by the reconcile rule every
 * minute (timeouts, lost STOPPED events, retries). See lib/schedule.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { ECSClient } from '@aws-sdk/client-ecs';
import type { EcsOpsConfig } from '../lib/config/schema.js';
import { deadlineFromRemaining } from '../lib/notify/index.js';
import { handleScheduleEvent, TaskDefinitionCache, type RetryStore, type ScheduleDeps, type ScheduleOutcome } from '../lib/schedule/index.js';
import { dynamoRetryStore } from '../lib/schedule/aws.js';
import { reportOnceStore } from '../lib/schedule/report.js';
import { idempotentDelivery, type ChannelDeliverer } from '../lib/summary/post-alert.js';
import { dynamoJournal, type OpsJournal } from '../lib/summary/journal.js';
import { functionBase } from '../lib/aws/function-base.js';

const SERVICE_NAME = 'ecs-ops-schedule-runner';

export interface ScheduleRunnerDeps {
  config: EcsOpsConfig;
  ecs: ECSClient;
  retries: RetryStore;
  deliverer: ChannelDeliverer;
  persistenceStore: BasePersistenceLayer;
  /**
   * A second persistence layer on the same table for the run reports. Powertools configures a persistence layer
   * once and switches its key prefix per call: sharing one between nested idempotent calls (a report delivers to
   * channels idempotently) would save the report under the wrong key.
   */
  reportStore: BasePersistenceLayer;
  /** The ops journal (run results, for the digest); none in tests that do not need it. */
  journal?: OpsJournal | undefined;
  logger: Logger;
  metrics: Metrics;
  /** Epoch ms (tests). */
  now?: () => number;
  region?: string | undefined;
}

export function createScheduleRunnerHandler(deps: ScheduleRunnerDeps) {
  const now = deps.now ?? Date.now;
  const { deliverOnce, idempotencyConfig } = idempotentDelivery(deps.config, deps.deliverer, deps.persistenceStore, () => new Date(now()));
  const reports = reportOnceStore(deps.reportStore);
  const pipeline: ScheduleDeps = {
    config: deps.config,
    ecs: deps.ecs,
    retries: deps.retries,
    deliverOnce,
    reportOnce: reports.reportOnce,
    // Per warm Lambda: a task definition revision never changes.
    taskDefinitions: new TaskDefinitionCache(),
    logger: deps.logger,
    metrics: { count: (name, value = 1) => { deps.metrics.addMetric(name, MetricUnit.Count, value); } },
    now,
    region: deps.region,
    journal: deps.journal,
  };
  return middy(async (event: unknown, context: Context): Promise<ScheduleOutcome> => {
    idempotencyConfig.registerLambdaContext(context);
    reports.idempotencyConfig.registerLambdaContext(context);
    return handleScheduleEvent(event, pipeline, deadlineFromRemaining(context.getRemainingTimeInMillis()));
  })
    .use(injectLambdaContext(deps.logger, { correlationIdPath: 'id', resetKeys: true }))
    .use(logMetrics(deps.metrics, { captureColdStartMetric: true }));
}

function productionDeps(): ScheduleRunnerDeps {
  const { config, logger, metrics, options, tableName, dynamodb, deliverer, persistenceStore } = functionBase(SERVICE_NAME, 'schedule runner', 'reconcile');
  return {
    config,
    logger,
    metrics,
    ecs: new ECSClient(options),
    retries: dynamoRetryStore(dynamodb, tableName),
    deliverer,
    persistenceStore,
    // Its own layer: Powertools configures a layer once per idempotent function (see lib/schedule/report.ts).
    reportStore: new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamodb }),
    journal: dynamoJournal(dynamodb, tableName, logger),
    region: options.region,
  };
}

let production: ReturnType<typeof createScheduleRunnerHandler> | undefined;

export const handler = async (event: unknown, context: Context): Promise<ScheduleOutcome> => {
  production ??= createScheduleRunnerHandler(productionDeps());
  return production(event, context);
};
