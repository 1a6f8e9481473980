/**
 * An ecs-ops stage as a deployment leaves it in the simulated account, for `ecs-ops status` (and `sim serve`): the
 * stack `ecs-ops-<stage>` with the outputs serverless.yml and lib/deploy/stack-outputs.cjs declare, the failure queue,
 * the template's alarms (lib/deploy/alarms.ts names) in OK, and the metrics a running stage sends — AWS/Lambda
 * Invocations per function and ecs-ops ReconcilePassCompleted for the drain and schedule-runner passes, once a minute
 * (the passes run every minute) from an hour before now and on, as the world's clock moves.
 *
 * A small fixture rather than the scenario's packaged template: packaging needs osls (seconds), and `status` reads the
 * outputs only. The functions deployed are the three every config with clusters and schedules has (alerts, drain,
 * schedule-runner). Names follow what CloudFormation and osls generate: functions `ecs-ops-<stage>-<function>`, the queue
 * and alarms `<stack>-<logicalId>-<suffix>` (CloudFormation's physical names for resources without a name property).
 */
import packageJson from '../package.json' with { type: 'json' };
import type { SimWorld } from './scenario/build-world.js';

export interface DeployedStageOptions {
  /** Default: prod (serverless.yml's default stage). */
  stage?: string;
  /** Reconcile passes (`ecs-ops-drain`, `ecs-ops-schedule-runner`) that stopped `stalledForMs` before now and do not run. */
  stalledPasses?: readonly string[];
  /** The stack's EcsOpsClusters output (the config's clusters). */
  clusters?: readonly string[];
  /** Default: 15 minutes. */
  stalledForMs?: number;
}

export interface DeployedStage {
  stage: string;
  stackName: string;
  queueName: string;
  functions: Readonly<Record<string, string>>;
  /** The template's alarm names by logical id. */
  alarms: Readonly<Record<string, string>>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A CloudFormation physical-name suffix (13 upper-case letters and digits); fixed, so a run is reproducible. */
const SUFFIX = 'SIM0STATUS000';

const FUNCTIONS = [
  { output: 'Alerts', name: 'alerts', pass: undefined },
  { output: 'Drain', name: 'drain', pass: 'ecs-ops-drain' },
  { output: 'ScheduleRunner', name: 'scheduleRunner', pass: 'ecs-ops-schedule-runner' },
] as const;

export function deployStage(world: SimWorld, options: DeployedStageOptions = {}): DeployedStage {
  const stage = options.stage ?? 'prod';
  const stackName = `ecs-ops-${stage}`;
  const { stacks, metrics, queues } = world.deployment;
  const now = world.now();
  const queueName = `${stackName}-FailureQueue-${SUFFIX}`;
  const queueUrl = queues.createQueue(queueName);
  const functions = Object.fromEntries(FUNCTIONS.map((f) => [f.output, `${stackName}-${f.name}`]));
  stacks.putStack({
    name: stackName,
    status: 'UPDATE_COMPLETE',
    createdAt: now - 7 * 24 * HOUR,
    lastUpdatedAt: now - 2 * HOUR,
    outputs: {
      FailureQueueUrl: queueUrl,
      FailureQueueArn: `arn:aws:sqs:${world.resourceDirectory.region}:${world.resourceDirectory.account}:${queueName}`,
      IdempotencyTableName: `${stackName}-IdempotencyTable-${SUFFIX}`,
      EcsOpsStage: stage,
      EcsOpsVersion: packageJson.version,
      EcsOpsClusters: (options.clusters ?? []).join(','),
      ...Object.fromEntries(FUNCTIONS.map((f) => [`${f.output}FunctionName`, functions[f.output] ?? ''])),
    },
  });
  const alarms: Record<string, string> = {};
  const alarm = (logicalId: string, namespace: string, metricName: string, dimensions: Record<string, string>) => {
    const name = `${stackName}-${logicalId}-${SUFFIX}`;
    alarms[logicalId] = name;
    metrics.putAlarm({ name, namespace, metricName, dimensions, state: 'OK', reason: 'Threshold Crossed: no datapoint breaching' });
  };
  alarm('FailureQueueNotEmptyAlarm', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', { QueueName: queueName });
  for (const f of FUNCTIONS) alarm(`${f.output}ErrorsAlarm`, 'AWS/Lambda', 'Errors', { FunctionName: functions[f.output] ?? '' });
  alarm('DrainReconcileStalledAlarm', 'ecs-ops', 'ReconcilePassCompleted', { service: 'ecs-ops-drain' });
  alarm('ScheduleReconcileStalledAlarm', 'ecs-ops', 'ReconcilePassCompleted', { service: 'ecs-ops-schedule-runner' });

  const stalled = new Set(options.stalledPasses ?? []);
  const stalledSince = now - (options.stalledForMs ?? 15 * MINUTE);
  // Each minute, each function with a pass is invoked once (by its per-minute schedule) and the pass completes.
  const minute = (at: number) => {
    for (const f of FUNCTIONS) {
      if (f.pass === undefined || (stalled.has(f.pass) && at > stalledSince)) continue;
      metrics.putDataPoint({ namespace: 'AWS/Lambda', metricName: 'Invocations', dimensions: { FunctionName: functions[f.output] ?? '' }, at, value: 1 });
      metrics.putDataPoint({ namespace: 'ecs-ops', metricName: 'ReconcilePassCompleted', dimensions: { service: f.pass }, at, value: 1 });
    }
  };
  const first = Math.floor((now - HOUR) / MINUTE) * MINUTE;
  for (let at = first; at <= now; at += MINUTE) minute(at);
  const tick = (at: number) => {
    world.clock.after(at - world.now(), () => {
      minute(at);
      tick(at + MINUTE);
    });
  };
  tick(Math.floor(now / MINUTE) * MINUTE + MINUTE);
  return { stage, stackName, queueName, functions, alarms };
}
