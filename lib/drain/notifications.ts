/**
 * Auto-drain notifications: a {@link DrainNotification} (what `decide` reports) as the channel-neutral
 * {@link Notification} lib/notify renders for Slack and SNS, with the fingerprint that deduplicates it per channel
 * (the same mechanism and window as alerts: `alerts.dedupeWindow`). Drain kinds honour `alerts.ignore` and
 * `alerts.severity` like alert kinds.
 */
import type { DrainAlertKind, EcsOpsConfig } from '../config/schema.js';
import type { Notification, NotificationField, NotificationLink, Severity } from '../notify/types.js';
import type { DrainNotification, DrainSnapshot, DrainTask, InstanceSnapshot } from './model.js';
import { consoleBase, formatDuration, regionOfArn } from '../notify/format.js';

export const DRAIN_SEVERITY: Record<DrainAlertKind, Severity> = {
  'drain-started': 'info',
  'drain-completed': 'info',
  'drain-forced': 'critical',
  'drain-blocked': 'warning',
  'drain-overdue': 'critical',
};

export interface DrainNotificationContext {
  config: EcsOpsConfig;
  snapshot: DrainSnapshot;
  /** Region for console links when no ARN names it (the function's AWS_REGION). */
  region?: string | undefined;
}

export interface BuiltNotification {
  notification: Notification;
  /** Kind + instance (+ the blocked services): the same drain report is posted once per dedupe window. */
  fingerprint: string;
}

/** The fingerprint of a drain notification: no timestamps, no counts, so a repeated report dedupes. */
export function drainFingerprint(n: DrainNotification): string {
  const parts: string[] = [n.kind, n.ec2InstanceId];
  if (n.kind === 'drain-blocked') parts.push([...new Set(n.services.map((s) => s.serviceName))].sort().join(','));
  return parts.join('|');
}

function field(label: string, value: string | undefined): NotificationField[] {
  return value === undefined || value === '' ? [] : [{ label, value }];
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

const TRIGGER: Record<InstanceSnapshot['trigger'], string> = {
  'lifecycle-action': 'the ASG is terminating the instance (lifecycle hook)',
  'spot-interruption': 'EC2 sent a Spot interruption warning (2 minutes)',
  'rebalance-recommendation': 'EC2 recommended rebalancing (elevated Spot interruption risk)',
  'container-instance-change': 'the container instance was set to DRAINING',
  reconcile: 'the reconcile pass found the instance waiting to terminate',
};

function links(region: string | undefined, cluster: string, containerInstanceArn: string | undefined, asg: string | undefined, ec2InstanceId: string): NotificationLink[] {
  if (region === undefined) return [];
  const base = consoleBase(region);
  const out: NotificationLink[] = [];
  const id = containerInstanceArn?.split('/').pop();
  out.push(
    id !== undefined && id !== ''
      ? { text: 'Container instance', url: `${base}/ecs/v2/clusters/${encodeURIComponent(cluster)}/infrastructure/container-instances/${encodeURIComponent(id)}?region=${region}` }
      : { text: 'Cluster infrastructure', url: `${base}/ecs/v2/clusters/${encodeURIComponent(cluster)}/infrastructure?region=${region}` },
  );
  if (asg !== undefined) out.push({ text: 'ASG activity', url: `${base}/ec2/home?region=${region}#AutoScalingGroupDetails:id=${encodeURIComponent(asg)};view=activity` });
  out.push({ text: 'EC2 instance', url: `${base}/ec2/home?region=${region}#InstanceDetails:instanceId=${encodeURIComponent(ec2InstanceId)}` });
  return out;
}

function taskLine(task: DrainTask): string {
  const id = task.taskArn.split('/').pop() ?? task.taskArn;
  return `${id}  ${task.group ?? '(no group)'}  ${task.lastStatus}${task.desiredStatus !== task.lastStatus ? ` → ${task.desiredStatus}` : ''}`;
}

/**
 * The notification for `n`, or undefined when its kind is in `alerts.ignore`. Severity: drain-started and
 * drain-completed info, drain-blocked warning, drain-forced critical, unless `alerts.severity` overrides it.
 */
export function drainNotification(n: DrainNotification, ctx: DrainNotificationContext): BuiltNotification | undefined {
  const { config, snapshot } = ctx;
  if ((config.alerts.ignore as readonly string[]).includes(n.kind)) return undefined;
  const instance = snapshot.instances.find((i) => i.ec2InstanceId === n.ec2InstanceId);
  const containerInstanceArn = instance?.container?.containerInstanceArn;
  const region = regionOfArn(containerInstanceArn) ?? ctx.region;
  const asg = n.asg ?? instance?.asg?.name;
  const severity = config.alerts.severity[n.kind] ?? DRAIN_SEVERITY[n.kind];
  const where = `${n.ec2InstanceId} (cluster ${n.cluster}${asg !== undefined ? `, ASG ${asg}` : ''})`;
  const common: NotificationField[] = [...field('Cluster', n.cluster), ...field('Instance', n.ec2InstanceId), ...field('Auto Scaling group', asg)];
  let title: string;
  let summary: string;
  let fields: NotificationField[];
  let details: string[] | undefined;
  switch (n.kind) {
    case 'drain-started':
      title = `${n.ec2InstanceId}: drain started`;
      summary = `ecs-ops set container instance ${where} to DRAINING because ${TRIGGER[n.trigger]}. ${plural(n.tasks, 'task')} to move; the instance is released once it is empty.`;
      fields = [...common, ...field('Tasks to move', String(n.tasks)), ...field('Trigger', n.trigger)];
      break;
    case 'drain-completed': {
      const duration = n.durationMs !== undefined ? formatDuration(n.durationMs) : undefined;
      const moved = n.tasksMoved !== undefined ? plural(n.tasksMoved, 'task') : undefined;
      title = `${n.ec2InstanceId}: drained`;
      // An instance that ran nothing when its drain started is reported too: completions are always posted.
      const what =
        n.tasksMoved === 0
          ? 'ran no task: no tasks to move'
          : 'is empty' +
            (duration !== undefined || moved !== undefined ? `: ${[moved !== undefined ? `${moved} moved` : undefined, duration !== undefined ? `in ${duration}` : undefined].filter((p) => p !== undefined).join(' ')}` : '');
      summary = `Container instance ${where} ${what}. ecs-ops completed its lifecycle action (CONTINUE): the instance terminates once no other lifecycle hook holds it.`;
      fields = [...common, ...field('Tasks moved', n.tasksMoved !== undefined ? String(n.tasksMoved) : undefined), ...field('Drain time', duration)];
      break;
    }
    case 'drain-forced': {
      const duration = n.durationMs !== undefined ? formatDuration(n.durationMs) : undefined;
      title = `${n.ec2InstanceId}: drain deadline reached, ${plural(n.remaining.length, 'task')} still running`;
      summary =
        `Container instance ${where} did not empty within the drain deadline (${formatDuration(config.drain.deadline * 1000)})` +
        (duration !== undefined ? `; it has been draining for ${duration}` : '') +
        `. ecs-ops completed the lifecycle action anyway (CONTINUE): the ${plural(n.remaining.length, 'task')} below stop with the instance.`;
      fields = [...common, ...field('Tasks still running', String(n.remaining.length)), ...field('Drain time', duration)];
      details = n.remaining.map(taskLine);
      break;
    }
    case 'drain-overdue': {
      const duration = formatDuration(n.durationMs);
      const by = n.capacityProvider !== undefined ? `ECS's managed draining (capacity provider ${n.capacityProvider})` : "ECS's managed draining";
      title = `${n.ec2InstanceId}: ECS drain past the deadline, ${plural(n.remaining.length, 'task')} still running`;
      summary =
        `${by} has been draining container instance ${where} for ${duration}, past the drain deadline (${formatDuration(config.drain.deadline * 1000)}). ` +
        (n.completedEcsHook
          ? `ecs-ops completed ECS's lifecycle hook (CONTINUE, drain.managedDraining: complete-at-deadline): the ${plural(n.remaining.length, 'task')} below stop with the instance.`
          : `ecs-ops does not interfere (drain.managedDraining: observe): ECS holds the instance until its tasks stop or its hook times out (up to 48 hours).`);
      fields = [...common, ...field('Capacity provider', n.capacityProvider), ...field('Tasks still running', String(n.remaining.length)), ...field('Drain time', duration)];
      details = n.remaining.map(taskLine);
      break;
    }
    case 'drain-blocked': {
      const names = n.services.map((s) => `${s.serviceName} (${s.why === 'min-max-100' ? 'minimumHealthyPercent 100 and maximumPercent 100: ECS cannot start a replacement before stopping a task' : 'no capacity to place replacements'})`);
      title = `${n.ec2InstanceId}: drain blocked`;
      summary =
        `Container instance ${where} is draining but its tasks cannot move` +
        (n.services.length > 0 ? `: ${names.join('; ')}` : '') +
        (n.standaloneTasks > 0 ? `${n.services.length > 0 ? '; and ' : ': '}${plural(n.standaloneTasks, 'standalone task')} ECS does not move (drain.standaloneTasks: ${config.drain.standaloneTasks})` : '') +
        `. The lifecycle action is completed at the drain deadline (${formatDuration(config.drain.deadline * 1000)}) whatever remains.`;
      fields = [...common, ...field('Services', n.services.map((s) => s.serviceName).join(', ')), ...field('Standalone tasks', n.standaloneTasks > 0 ? String(n.standaloneTasks) : undefined)];
      break;
    }
  }
  fields.push(...field('Region', region));
  return {
    fingerprint: drainFingerprint(n),
    notification: {
      kind: n.kind,
      severity,
      title,
      summary,
      fields,
      links: links(region, n.cluster, containerInstanceArn, asg, n.ec2InstanceId),
      ...(details !== undefined ? { details } : {}),
      cluster: n.cluster,
      ...(n.kind === 'drain-blocked' && n.services.length === 1 && n.services[0] ? { service: n.services[0].serviceName } : {}),
      occurredAt: new Date(snapshot.now).toISOString(),
    },
  };
}
