/**
 * Auto-drain: from one EventBridge event (or the reconcile schedule) to executed actions.
 *
 *   event ──parseKnownEvent──▶ plan (which instance, which trigger; or the reconcile pass; or nothing)
 *         ──gather──▶ DrainSnapshot ──decide──▶ DrainAction[] ──act──▶ AWS calls and notifications
 *
 * Terminate lifecycle actions of a drained ASG and its own hook, Spot interruption warnings (`drain.spotInterruption`),
 * rebalance recommendations (`drain.rebalanceRecommendation: drain`), container instances set to DRAINING, and the
 * scheduled reconcile pass (every minute) all go through the same `decide`. No sleeps, no self-invocation: a drain is
 * followed by the reconcile pass.
 */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EcsOpsConfig } from '../config/schema.js';
import { clusterNameFromArn, parseKnownEvent, type KnownEvent } from '../events/index.js';
import { channelsFor } from '../notify/index.js';
import { deliverToChannels, type DeliverOnce } from '../summary/post-alert.js';
import { act, type ActionOutcome, type DrainActionType, type DrainMetricName } from './act.js';
import { decide } from './decide.js';
import { drainedAsgs, eventInstant, gatherInstance, gatherReconcile, supersedingVersion, type ClusterSizeCache, type ContainerHint, type DrainLogger, type GatherDeps, type HookSettingsCache } from './gather.js';
import type { ManagedDrainingCache } from './managed-draining-facts.js';
import type { InstanceSnapshot } from './model.js';

export * from './model.js';
export { ECS_MANAGED_DRAINING_HOOK, managedDrainingMode, type ManagedDrainingMode } from './managed-draining.js';
export { gatherManagedDraining, ManagedDrainingCache } from './managed-draining-facts.js';
export { act, COMPLETION_NOTICE_HOLD_MS, completionHoldUntil, DRAIN_ACTION_TYPES, DrainActionError, isTransient, isNoActiveLifecycleAction, type ActDeps, type ActResult, type ActionOutcome, type DrainMetrics } from './act.js';
export { ClusterSizeCache, drainedAsgs, gatherInstance, gatherReconcile, HookSettingsCache, instanceIdFilters, eventInstant, RECONCILE_INTERVAL_MS, supersedingVersion, type DrainLogger, type GatherDeps } from './gather.js';
export { drainNotification, drainFingerprint, DRAIN_SEVERITY, type BuiltNotification } from './notifications.js';
export { formatDuration } from '../notify/format.js';

const LOGGED_INSTANCES = 50;

export interface DrainPipelineMetrics {
  count(name: DrainMetricName | 'MalformedEvent' | 'DrainEventIgnored' | 'DrainInstancesSeen' | 'ReconcilePassCompleted', value?: number): void;
}

export interface DrainPipelineDeps {
  config: EcsOpsConfig;
  ecs: ECSClient;
  autoscaling: AutoScalingClient;
  /** One per warm Lambda: hook settings are reused for 5 minutes. */
  hooks: HookSettingsCache;
  /** One per warm Lambda: how many tasks each cluster held when a pass last listed it (see ClusterSizeCache). */
  clusterSizes?: ClusterSizeCache | undefined;
  /** One per warm Lambda: which ASGs ECS drains itself (managed draining); without it ecs-ops drains them all. */
  managedDraining?: ManagedDrainingCache | undefined;
  /** Per-channel idempotent delivery (lib/summary/post-alert.ts `idempotentDelivery`), shared with alerts. */
  deliverOnce: DeliverOnce;
  logger: DrainLogger;
  metrics: DrainPipelineMetrics;
  /** Epoch ms. */
  now?: () => number;
  /** Region for console links when no ARN names it. */
  region?: string | undefined;
}

/** What one event asks for. */
export type DrainPlan =
  | { kind: 'instance'; ec2InstanceId: string; trigger: Exclude<InstanceSnapshot['trigger'], 'reconcile'>; hint?: ContainerHint }
  | { kind: 'reconcile' }
  | { kind: 'ignore'; reason: string };

export type DrainOutcome =
  | { status: 'malformed'; eventId?: string; error: string }
  | { status: 'ignored'; eventId: string; reason: string }
  | {
      status: 'handled';
      eventId: string;
      trigger: InstanceSnapshot['trigger'];
      /** How many instances the snapshot held. */
      instances: number;
      /** Actions executed, by type. */
      actions: Record<DrainActionType, number>;
      outcomes: ActionOutcome[];
    };

/** Which instance (and why) an event is about, or the reconcile pass, or nothing for ecs-ops to do. */
export function planFor(known: KnownEvent, config: EcsOpsConfig): DrainPlan {
  switch (known.kind) {
    case 'asg-lifecycle': {
      const { event } = known;
      const detail = event.detail;
      if (event['detail-type'] !== 'EC2 Instance-terminate Lifecycle Action' || detail.LifecycleTransition !== 'autoscaling:EC2_INSTANCE_TERMINATING') {
        return { kind: 'ignore', reason: 'launch lifecycle actions are not drained' };
      }
      const asg = drainedAsgs(config).find((a) => a.asg === detail.AutoScalingGroupName);
      if (!asg) return { kind: 'ignore', reason: `ASG ${detail.AutoScalingGroupName} is not drained by ecs-ops` };
      if (asg.hook !== detail.LifecycleHookName) {
        return { kind: 'ignore', reason: `lifecycle hook ${detail.LifecycleHookName} of ${asg.asg} is not ecs-ops's (${asg.hook})` };
      }
      return { kind: 'instance', ec2InstanceId: detail.EC2InstanceId, trigger: 'lifecycle-action' };
    }
    case 'spot-interruption':
      if (!config.drain.spotInterruption) return { kind: 'ignore', reason: 'drain.spotInterruption is false' };
      return { kind: 'instance', ec2InstanceId: known.event.detail['instance-id'], trigger: 'spot-interruption' };
    case 'rebalance-recommendation':
      if (config.drain.rebalanceRecommendation !== 'drain') return { kind: 'ignore', reason: 'drain.rebalanceRecommendation is ignore' };
      return { kind: 'instance', ec2InstanceId: known.event.detail['instance-id'], trigger: 'rebalance-recommendation' };
    case 'ecs-container-instance-state-change': {
      const detail = known.event.detail;
      if (detail.status !== 'DRAINING') return { kind: 'ignore', reason: `container instance status ${detail.status} needs nothing` };
      const cluster = clusterNameFromArn(detail.clusterArn);
      if (cluster === undefined || !config.clusters.some((c) => c.name === cluster)) {
        return { kind: 'ignore', reason: `cluster ${cluster ?? detail.clusterArn} is not configured` };
      }
      return {
        kind: 'instance',
        ec2InstanceId: detail.ec2InstanceId,
        trigger: 'container-instance-change',
        hint: { cluster, containerInstanceArn: detail.containerInstanceArn, version: detail.version },
      };
    }
    case 'scheduled-rule':
      return { kind: 'reconcile' };
    default:
      return { kind: 'ignore', reason: `${known.kind} events are not handled by the drain function` };
  }
}

/**
 * Handles one raw event: parse, plan, gather, decide, act. Malformed events are logged with the failing path, counted
 * (`MalformedEvent`) and dropped. Transient AWS or channel failures are thrown after every action was tried
 * ({@link DrainActionError}), so Lambda retries the invocation; every action is idempotent.
 * @param deadlineMs absolute time notifications must be delivered by (see `deadlineFromRemaining`).
 */
export async function handleDrainEvent(raw: unknown, deps: DrainPipelineDeps, deadlineMs: number): Promise<DrainOutcome> {
  const { config, logger, metrics } = deps;
  const now = deps.now ?? Date.now;
  const parsed = parseKnownEvent(raw);
  if (!parsed.ok) {
    metrics.count('MalformedEvent');
    logger.error('malformed event dropped', { eventId: parsed.error.eventId, detailType: parsed.error.detailType, error: parsed.error.message });
    return { status: 'malformed', ...(parsed.error.eventId !== undefined ? { eventId: parsed.error.eventId } : {}), error: parsed.error.message };
  }
  const eventId = parsed.event.event.id;
  const plan = planFor(parsed.event, config);
  if (plan.kind === 'ignore') {
    metrics.count('DrainEventIgnored');
    logger.info('event ignored', { kind: parsed.event.kind, reason: plan.reason });
    return { status: 'ignored', eventId, reason: plan.reason };
  }

  const gatherDeps: GatherDeps = { config, ecs: deps.ecs, autoscaling: deps.autoscaling, hooks: deps.hooks, clusterSizes: deps.clusterSizes, managedDraining: deps.managedDraining, logger, now };
  if (plan.kind === 'instance' && plan.hint?.version !== undefined) {
    const current = await supersedingVersion(gatherDeps, plan.hint);
    if (current !== undefined) {
      const reason = `container instance event version ${String(plan.hint.version)} superseded by version ${String(current)}: the later event is looked at`;
      metrics.count('DrainEventIgnored');
      logger.info('event ignored', { kind: parsed.event.kind, reason, ec2InstanceId: plan.ec2InstanceId });
      return { status: 'ignored', eventId, reason };
    }
  }
  // The decision's instant: the event's (or the scheduled pass's) time when it is fresh, see eventInstant.
  const eventTime = parsed.event.event.time;
  const eventMs = eventTime === undefined ? undefined : Date.parse(eventTime);
  const at = eventInstant(now(), eventMs);
  // A lifecycle event's time is when its action started: a completion mark older than that is an earlier action's.
  const lifecycleActionAt = plan.kind === 'instance' && plan.trigger === 'lifecycle-action' && eventMs !== undefined && Number.isFinite(eventMs) ? eventMs : undefined;
  const snapshot =
    plan.kind === 'reconcile' ? await gatherReconcile(gatherDeps, at) : await gatherInstance(gatherDeps, plan.ec2InstanceId, plan.trigger, plan.hint, at, lifecycleActionAt);
  const trigger = plan.kind === 'reconcile' ? 'reconcile' : plan.trigger;
  metrics.count('DrainInstancesSeen', snapshot.instances.length);

  const actions = decide(snapshot, config.drain, snapshot.now);
  // The first instances only: a reconcile pass over hundreds of waiting instances stays one readable log line.
  logger.info('drain decided', {
    trigger,
    instanceCount: snapshot.instances.length,
    instances: snapshot.instances.slice(0, LOGGED_INSTANCES).map((i) => ({
      ec2InstanceId: i.ec2InstanceId,
      asg: i.asg?.name,
      lifecycleState: i.asg?.lifecycleState,
      status: i.container?.status,
      tasks: i.container?.tasks?.length,
    })),
    actions: actions.slice(0, 4 * LOGGED_INSTANCES).map((a) => (a.type === 'notify' ? `notify ${a.notification.kind} ${a.notification.ec2InstanceId}` : `${a.type} ${a.ec2InstanceId}`)),
  });

  const result = await act(actions, snapshot, {
    config,
    ecs: deps.ecs,
    autoscaling: deps.autoscaling,
    logger,
    metrics,
    now,
    region: deps.region,
    notify: async (built) => {
      const channels = channelsFor(built.notification, config.notifications.channels);
      if (channels.length === 0) {
        logger.warn('no channel takes this drain notification', { kind: built.notification.kind, severity: built.notification.severity, cluster: built.notification.cluster });
        return { outcomes: [], transient: [] };
      }
      return deliverToChannels(built.notification, built.fingerprint, channels, deps.deliverOnce, deadlineMs);
    },
  });
  // What the "reconcile pass has not run" alarm watches (lib/deploy/alarms.ts): only a pass that got this far counts.
  if (trigger === 'reconcile') metrics.count('ReconcilePassCompleted');
  logger.info('drain handled', { trigger, instances: snapshot.instances.length, actions: result.actions });
  return { status: 'handled', eventId, trigger, instances: snapshot.instances.length, actions: result.actions, outcomes: result.outcomes };
}
