/**
 * Placement policy: audit where tasks run against the declared policies and, in enforce mode, re-place misplaced tasks
 * one safe step at a time.
 *
 *   event ──targets──▶ (cluster, services?) ──gather──▶ ClusterSnapshot ──evaluate──▶ violations
 *         ──gatherForEnforcement (enforce-mode violations only)──▶ planStops ──act (StopTask)──▶ notify, log, metrics
 *
 * `ECS Task State Change` (RUNNING) audits the task's service; `ECS Service Action` the service it names; the schedule
 * (`placement.auditEvery`) every cluster a policy applies to, whole. `ecs-ops audit` runs the same pass read-only.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { EcsOpsConfig } from '../../config/schema.js';
import { clusterNameFromArn, parseKnownEvent, serviceOfEvent, type KnownEvent } from '../../events/index.js';
import { channelsFor } from '../../notify/index.js';
import { deliverToChannels, type DeliverOnce } from '../../summary/post-alert.js';
import { placementStopEntry, type OpsJournal } from '../../summary/journal.js';
import { act } from './act.js';
import { evaluate } from './evaluate.js';
import { gatherCluster, gatherForEnforcement, gatherServices } from './gather.js';
import { serviceOfTask, type Plan } from './model.js';
import { placementNotifications, type StopOutcome } from './notifications.js';
import { planStops } from './plan.js';
import { auditedClusters, policiesForCluster, selects } from './select.js';

export * from './model.js';
export { evaluate, indexSnapshot, movesToBalance, violationKey } from './evaluate.js';
export { applyMove, deploymentInProgress, minimumHealthy, planStops, predictReplacement, stopReason, stoppedByUs } from './plan.js';
export { gatherCluster, gatherServices, gatherForEnforcement, LIMITS } from './gather.js';
export { act } from './act.js';
export { placementNotifications, PLACEMENT_SEVERITY, type StopOutcome } from './notifications.js';
export { auditedClusters, selects, serviceNameMatches, type PlacementPolicy, type PlacementSettings } from './select.js';

export interface PolicyLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

export type PlacementMetricName =
  | 'PlacementAudits'
  | 'PlacementViolations'
  | 'PlacementTasksMisplaced'
  | 'PlacementStops'
  | 'PlacementStopsPlanned'
  | 'PlacementStopFailures'
  | 'PlacementNotificationFailures'
  | 'MalformedEvent'
  | 'PlacementEventIgnored';

export interface PlacementMetrics {
  count(name: PlacementMetricName, value?: number): void;
}

export interface PolicyPipelineDeps {
  config: EcsOpsConfig;
  ecs: ECSClient;
  /** Idempotent per-channel delivery; undefined: no notifications (the CLI). */
  deliverOnce?: DeliverOnce | undefined;
  logger: PolicyLogger;
  metrics: PlacementMetrics;
  /** Epoch ms. */
  now?: () => number;
  region?: string | undefined;
  /** Never stop anything, whatever mode and dryRun say (the CLI). */
  readOnly?: boolean | undefined;
  /** Where stops are recorded for the digest (lib/summary/journal.ts); never throws. */
  journal?: OpsJournal | undefined;
}

/** What to audit: a cluster, whole or some of its services. */
export interface AuditTarget {
  cluster: string;
  services?: string[] | undefined;
}

export interface PassResult {
  cluster: string;
  services: number;
  instances: number;
  tasks: number;
  plan: Plan;
  outcomes: StopOutcome[];
  notifications: { service: string; kind: string; channels: { channel: string; outcome: string; error?: string | undefined }[] }[];
}

export type PlacementOutcome =
  | { status: 'malformed'; eventId?: string; error: string }
  | { status: 'ignored'; eventId: string; reason: string }
  | { status: 'handled'; eventId: string; passes: PassResult[] };

/** Thrown after a pass when a channel failed transiently, so Lambda retries (stops already made are not repeated: cooldown). */
export class PlacementDeliveryError extends AggregateError {}

/** Which clusters / services an event asks to audit, or why none. */
export function targetsFor(known: KnownEvent, config: EcsOpsConfig): AuditTarget[] | { ignore: string } {
  const audited = new Set(auditedClusters(config));
  switch (known.kind) {
    case 'ecs-task-state-change': {
      const d = known.event.detail;
      if (d.lastStatus !== 'RUNNING') return { ignore: `task ${d.lastStatus}: only RUNNING tasks are audited` };
      const cluster = clusterNameFromArn(d.clusterArn);
      if (cluster === undefined || !audited.has(cluster)) return { ignore: `cluster ${cluster ?? d.clusterArn} has no placement policy` };
      const service = serviceOfTask({ group: d.group });
      if (service === undefined) return { ignore: 'standalone task: policies apply to services' };
      return [{ cluster, services: [service] }];
    }
    case 'ecs-service-action': {
      const ref = serviceOfEvent(known.event);
      const cluster = ref?.cluster ?? clusterNameFromArn(known.event.detail.clusterArn);
      if (cluster === undefined || !audited.has(cluster)) return { ignore: `cluster ${cluster ?? known.event.detail.clusterArn} has no placement policy` };
      return [{ cluster, ...(ref ? { services: [ref.service] } : {}) }];
    }
    case 'scheduled-rule':
      return [...audited].map((cluster) => ({ cluster }));
    default:
      return { ignore: `${known.kind} events are not handled by the placement function` };
  }
}

/** One audit (and, in enforce mode, one enforcement step) of a cluster or some of its services. */
export async function runPass(target: AuditTarget, deps: PolicyPipelineDeps, deadlineMs: number): Promise<PassResult> {
  const { config, ecs, logger, metrics } = deps;
  const now = deps.now ?? Date.now;
  const gatherDeps = { ecs, now };
  const policies = policiesForCluster(config.placement.policies, target.cluster);
  let snapshot = target.services ? await gatherServices(gatherDeps, target.cluster, target.services) : await gatherCluster(gatherDeps, target.cluster);
  metrics.count('PlacementAudits');
  const violations = evaluate(snapshot, policies);
  const enforced = [...new Set(violations.filter((v) => v.mode === 'enforce').map((v) => v.service))];
  if (enforced.length > 0) snapshot = await gatherForEnforcement(gatherDeps, snapshot, enforced);
  const plan = planStops(snapshot, { ...config.placement, policies, dryRun: config.placement.dryRun || deps.readOnly === true });
  const outcomes = await act(plan, ecs, { readOnly: deps.readOnly });
  // Best effort: a journal write that fails is logged by the journal and never fails the pass (the task is stopped).
  for (const o of outcomes) if (o.status === 'stopped') await deps.journal?.append(placementStopEntry(o.stop, now()));

  metrics.count('PlacementViolations', plan.violations.length);
  metrics.count('PlacementTasksMisplaced', plan.violations.reduce((sum, v) => sum + v.amount, 0));
  metrics.count('PlacementStops', outcomes.filter((o) => o.status === 'stopped').length);
  metrics.count('PlacementStopsPlanned', outcomes.filter((o) => o.status === 'planned').length);
  const failed = outcomes.filter((o) => o.status === 'failed');
  if (failed.length > 0) metrics.count('PlacementStopFailures', failed.length);
  // `service` and `message` are keys the Powertools Logger reserves (and drops): ecsService, violation.
  for (const v of plan.violations) logger.warn('placement violation', { cluster: v.cluster, ecsService: v.service, policy: v.policy, rule: v.rule, mode: v.mode, amount: v.amount, violation: v.message, tasks: v.tasks.slice(0, 20) });
  for (const o of outcomes) {
    const log = o.status === 'failed' ? logger.error.bind(logger) : logger.info.bind(logger);
    const { service: ecsService, ...stop } = o.stop;
    log(o.status === 'stopped' ? 'task stopped' : o.status === 'planned' ? 'task stop planned (dryRun)' : 'task stop failed', { ...stop, ecsService, error: o.error });
  }
  for (const s of plan.skipped) if (s.reason !== 'audit-mode') logger.info('violation not acted on', { ecsService: s.violation.service, rule: s.violation.rule, reason: s.reason, detail: s.detail });

  const notifications: PassResult['notifications'] = [];
  const transient: unknown[] = [];
  if (deps.deliverOnce) {
    for (const built of placementNotifications(plan, outcomes, config, snapshot.now, deps.region)) {
      const channels = channelsFor(built.notification, config.notifications.channels);
      if (channels.length === 0) continue;
      const delivered = await deliverToChannels(built.notification, built.fingerprint, channels, deps.deliverOnce, deadlineMs);
      transient.push(...delivered.transient);
      for (const o of delivered.outcomes) {
        if (o.outcome === 'failed') {
          metrics.count('PlacementNotificationFailures');
          logger.error('placement notification not delivered', { channel: o.channel, kind: built.notification.kind, error: o.error });
        }
      }
      notifications.push({ service: built.notification.service ?? '', kind: built.notification.kind, channels: delivered.outcomes });
    }
  }
  logger.info('placement pass', {
    cluster: target.cluster,
    scope: target.services ?? 'cluster',
    services: snapshot.services.length,
    instances: snapshot.instances.length,
    tasks: snapshot.tasks.length,
    violations: plan.violations.length,
    stops: outcomes.map((o) => `${o.status} ${o.stop.service} ${o.stop.taskArn}`),
  });
  if (transient.length > 0) throw new PlacementDeliveryError(transient, `placement notifications failed on ${transient.length} channel(s); Lambda will retry them`);
  return { cluster: target.cluster, services: snapshot.services.length, instances: snapshot.instances.length, tasks: snapshot.tasks.length, plan, outcomes, notifications };
}

/** Handles one raw event: parse, target, one pass per target. */
export async function handlePlacementEvent(raw: unknown, deps: PolicyPipelineDeps, deadlineMs: number): Promise<PlacementOutcome> {
  const parsed = parseKnownEvent(raw);
  if (!parsed.ok) {
    deps.metrics.count('MalformedEvent');
    deps.logger.error('malformed event dropped', { eventId: parsed.error.eventId, detailType: parsed.error.detailType, error: parsed.error.message });
    return { status: 'malformed', ...(parsed.error.eventId !== undefined ? { eventId: parsed.error.eventId } : {}), error: parsed.error.message };
  }
  const eventId = parsed.event.event.id;
  const targets = targetsFor(parsed.event, deps.config);
  if (!Array.isArray(targets)) {
    deps.metrics.count('PlacementEventIgnored');
    deps.logger.info('event ignored', { kind: parsed.event.kind, reason: targets.ignore });
    return { status: 'ignored', eventId, reason: targets.ignore };
  }
  // A service no policy selects (by name alone: tags need DescribeServices) is not worth a pass.
  const worth = targets.filter((t) => t.services === undefined || t.services.some((name) => policiesForCluster(deps.config.placement.policies, t.cluster).some((p) => p.select.tags !== undefined || selects(p, t.cluster, { serviceName: name, tags: {} }))));
  if (worth.length === 0) {
    deps.metrics.count('PlacementEventIgnored');
    return { status: 'ignored', eventId, reason: 'no policy selects this service' };
  }
  const passes: PassResult[] = [];
  for (const target of worth) passes.push(await runPass(target, deps, deadlineMs));
  return { status: 'handled', eventId, passes };
}
