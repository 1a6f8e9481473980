/**
 * Placement policy notifications: one message per service per pass — `placement-stop` when ecs-ops stopped (or, with
 * dryRun, would stop) a task of the service, else `placement-violation` — deduplicated per channel over
 * `alerts.dedupeWindow` by a fingerprint without counts or times (cluster, service, the rules violated; the task for a
 * stop), so a violation that persists is posted once per window, not once per task or per pass. Kinds honour
 * `alerts.ignore` and `alerts.severity` like alert kinds.
 */
import type { EcsOpsConfig, PlacementAlertKind } from '../../config/schema.js';
import type { Notification, NotificationField, Severity } from '../../notify/types.js';
import { shortId } from './evaluate.js';
import type { Plan, PlannedStop, SkippedViolation, Violation } from './model.js';
import { consoleBase } from '../../notify/format.js';

export const PLACEMENT_SEVERITY: Record<PlacementAlertKind, Severity> = {
  'placement-violation': 'warning',
  'placement-stop': 'info',
};

export interface StopOutcome {
  stop: PlannedStop;
  status: 'stopped' | 'planned' | 'failed';
  error?: string | undefined;
}

export interface BuiltPlacementNotification {
  notification: Notification;
  fingerprint: string;
}

const SKIP_TEXT: Record<SkippedViolation['reason'], string> = {
  'audit-mode': 'audit mode',
  daemon: 'DAEMON service',
  deployment: 'a deployment is in progress',
  'az-rebalancing': "ECS's own AZ rebalancing is on",
  'not-steady': 'the service is not steady',
  'minimum-healthy': 'at its minimum healthy count',
  cooldown: 'cooling down after an earlier stop',
  'stopped-this-pass': 'one stop per service per pass',
  'cluster-cap': 'the per-cluster stop cap is reached',
  'no-old-task': `no task old enough (minTaskAge)`,
  'no-compliant-placement': 'the replacement would not land compliantly',
  'no-task-definition': 'task definition unknown',
};

/** The notifications of one pass: per service, the stop (if any) or the violations. */
export function placementNotifications(plan: Plan, outcomes: readonly StopOutcome[], config: EcsOpsConfig, now: number, region: string | undefined): BuiltPlacementNotification[] {
  const ignored = new Set<string>(config.alerts.ignore);
  const byService = new Map<string, Violation[]>();
  for (const v of plan.violations) byService.set(v.service, [...(byService.get(v.service) ?? []), v]);
  const out: BuiltPlacementNotification[] = [];
  for (const [service, violations] of [...byService].sort((a, b) => a[0].localeCompare(b[0]))) {
    const outcome = outcomes.find((o) => o.stop.service === service);
    const kind: PlacementAlertKind = outcome ? 'placement-stop' : 'placement-violation';
    if (ignored.has(kind)) continue;
    const severity = outcome?.status === 'failed' ? 'warning' : (config.alerts.severity[kind] ?? PLACEMENT_SEVERITY[kind]);
    const skipped = plan.skipped.filter((s) => s.violation.service === service && s.reason !== 'audit-mode');
    const fields: NotificationField[] = [{ label: 'Cluster', value: plan.cluster }, { label: 'Service', value: service }, { label: 'Rules', value: violations.map((v) => `${v.rule} (${v.policy}, ${v.mode})`).join(', ') }];
    let title: string;
    let summary: string;
    if (outcome) {
      const { stop } = outcome;
      const from = `${stop.from.ec2InstanceId ?? shortId(stop.from.containerInstanceArn)}${stop.from.availabilityZone !== undefined ? ` in ${stop.from.availabilityZone}` : ''}`;
      const to = `${stop.to.ec2InstanceId ?? shortId(stop.to.containerInstanceArn)}${stop.to.availabilityZone !== undefined ? ` in ${stop.to.availabilityZone}` : ''}`;
      const verb = outcome.status === 'stopped' ? 'stopped' : outcome.status === 'planned' ? 'would stop (dryRun)' : 'failed to stop';
      title = `${service}: ${outcome.status === 'stopped' ? 'task stopped' : outcome.status === 'planned' ? 'task stop planned (dryRun)' : 'task stop failed'} for ${stop.rule}`;
      summary =
        `ecs-ops ${verb} task ${shortId(stop.taskArn)} on ${from} to fix ${stop.rule} (policy ${stop.policy}); the engine predicts its replacement on ${to}. ` +
        `${violations.map((v) => `${v.message}.`).join(' ')} ` +
        (stop.needed > 1 ? `${stop.needed} stops are needed in all, one per pass.` : 'This stop should fix it.') +
        (outcome.error !== undefined ? ` Error: ${outcome.error}` : '');
      fields.push({ label: 'Task', value: shortId(stop.taskArn) }, { label: 'Stop reason', value: stop.reason });
    } else {
      const worst = violations.reduce((a, b) => (b.amount > a.amount ? b : a));
      title = `${service}: placement policy violated (${violations.map((v) => v.rule).join(', ')})`;
      summary = violations.map((v) => `${v.message}.`).join(' ') + (skipped.length > 0 ? ` Not acted on: ${[...new Set(skipped.map((s) => SKIP_TEXT[s.reason]))].join('; ')}.` : '');
      fields.push({ label: 'Off by', value: `${worst.amount} task${worst.amount === 1 ? '' : 's'}` });
    }
    const details = skipped.map((s) => `${s.violation.rule}: ${s.detail}`);
    const links = region === undefined ? [] : [{ text: 'Service', url: `${consoleBase(region)}/ecs/v2/clusters/${encodeURIComponent(plan.cluster)}/services/${encodeURIComponent(service)}/tasks?region=${region}` }];
    const rules = violations.map((v) => `${v.policy}/${v.rule}`).sort().join(',');
    out.push({
      fingerprint: outcome ? `placement-stop|${plan.cluster}|${service}|${outcome.stop.taskArn}` : `placement-violation|${plan.cluster}|${service}|${rules}`,
      notification: {
        kind,
        severity,
        title,
        summary,
        fields,
        links,
        ...(details.length > 0 ? { details } : {}),
        cluster: plan.cluster,
        service,
        occurredAt: new Date(now).toISOString(),
      },
    });
  }
  return out;
}
