/**
 * Fargate Spot interruptions per service (issue #15; containers-roadmap #797, #1565, #2673: users cannot see them).
 *
 * ECS announces an interruption with a task state change carrying `stopCode: SpotInterruption` ("Your Spot Task was
 * interrupted.") at the two-minute warning (desiredStatus STOPPED, lastStatus RUNNING) and stops the task two minutes
 * later (ECS Developer Guide, "AWS Fargate capacity providers", Fargate Spot termination notices; the task state change
 * events carry the stopCode). The alert is raised by the STOPPED event: by then the service scheduler has had the two
 * minutes to start replacements, so "were they replaced" has an answer. Interruptions come in bursts, one event per
 * task, so the alert is one per service per dedupe window (fingerprint: kind, cluster, service), and it counts what ECS
 * lists at the time of the first STOPPED event, not that one event:
 *
 *   interrupted   the service's stopped tasks with stopCode SpotInterruption stopped in the last dedupe window
 *                 (ListTasks desiredStatus STOPPED + DescribeTasks; ECS lists stopped tasks for about an hour)
 *   AZs           their availabilityZone
 *   replacements  DescribeServices: running + pending against desired (replacements started when nothing is missing)
 *
 * Pure decision ({@link spotInterruptionAlert}) separate from the calls ({@link gatherSpotFacts}).
 */
import { DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand, type ECSClient, type Task } from '@aws-sdk/client-ecs';
import type { EcsOpsConfig } from '../config/schema.js';
import { clusterNameFromArn, type EcsTaskStateChangeEvent } from '../events/index.js';
import { consoleBase } from '../notify/format.js';
import { DEFAULT_SEVERITY, type Alert, type NoAlert } from './alerts.js';

export const SPOT_INTERRUPTION_KIND = 'fargate-spot-interruption';
const SERVICE_GROUP_PREFIX = 'service:';
const DESCRIBE_TASKS_BATCH = 100;

/** A stopped task of the service (from DescribeTasks). */
export interface StoppedTaskFact {
  taskArn: string;
  stopCode: string | undefined;
  availabilityZone: string | undefined;
  /** Epoch ms. */
  stoppedAt: number | undefined;
}

/** What the alert needs from ECS: the service's stopped tasks and its counts (undefined when it was not found). */
export interface SpotFacts {
  stopped: StoppedTaskFact[];
  counts: { desired: number; running: number; pending: number } | undefined;
}

/** The service a task state change belongs to, if it is a Fargate Spot interruption of a service task. */
export function spotInterruptedService(event: EcsTaskStateChangeEvent): { cluster: string; service: string } | undefined {
  const { detail } = event;
  if (detail.stopCode !== 'SpotInterruption') return undefined;
  if (detail.group === undefined || !detail.group.startsWith(SERVICE_GROUP_PREFIX)) return undefined;
  const cluster = clusterNameFromArn(detail.clusterArn);
  const service = detail.group.slice(SERVICE_GROUP_PREFIX.length);
  return cluster !== undefined && service !== '' ? { cluster, service } : undefined;
}

const epoch = (value: string | Date | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
};

const taskId = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

/**
 * The alert for a Fargate Spot interruption of a service task, from the event and what ECS lists (`facts` undefined
 * when gathering failed: the alert then says what the event alone shows).
 */
export function spotInterruptionAlert(event: EcsTaskStateChangeEvent, facts: SpotFacts | undefined, config: EcsOpsConfig, nowMs: number): Alert | NoAlert {
  const ref = spotInterruptedService(event);
  if (!ref) return { skipped: 'not a Fargate Spot interruption of a service task' };
  if (config.alerts.ignore.includes(SPOT_INTERRUPTION_KIND)) return { skipped: `${SPOT_INTERRUPTION_KIND} is ignored by alerts.ignore` };
  const { cluster, service } = ref;
  const since = nowMs - config.alerts.dedupeWindow * 1000;
  const { detail } = event;
  // The event's own task counts even when ListTasks no longer (or not yet) shows it.
  const own: StoppedTaskFact = { taskArn: detail.taskArn, stopCode: detail.stopCode, availabilityZone: detail.availabilityZone, stoppedAt: epoch(detail.stoppedAt) ?? nowMs };
  const byArn = new Map<string, StoppedTaskFact>([[own.taskArn, own]]);
  for (const t of facts?.stopped ?? []) {
    if (t.stopCode === 'SpotInterruption' && t.stoppedAt !== undefined && t.stoppedAt >= since && t.stoppedAt <= nowMs) byArn.set(t.taskArn, t);
  }
  const interrupted = [...byArn.values()].sort((a, b) => (a.stoppedAt ?? nowMs) - (b.stoppedAt ?? nowMs) || a.taskArn.localeCompare(b.taskArn));
  const azs = [...new Set(interrupted.map((t) => t.availabilityZone ?? '(unknown AZ)'))].sort();
  const counts = facts?.counts;
  const missing = counts ? Math.max(0, counts.desired - counts.running - counts.pending) : undefined;
  const replacementText =
    counts === undefined
      ? 'whether replacements started is unknown (ECS did not describe the service)'
      : missing === 0
        ? `replacements started: ${counts.running} running and ${counts.pending} pending of ${counts.desired} desired`
        : `replacements missing: ${counts.running} running and ${counts.pending} pending of ${counts.desired} desired (${missing} short)`;
  const firstAt = interrupted[0]?.stoppedAt ?? nowMs;
  const minutes = Math.round(config.alerts.dedupeWindow / 60);
  const region = event.region;
  return {
    fingerprint: [SPOT_INTERRUPTION_KIND, cluster, service].join('|'),
    notification: {
      kind: SPOT_INTERRUPTION_KIND,
      severity: config.alerts.severity[SPOT_INTERRUPTION_KIND] ?? DEFAULT_SEVERITY[SPOT_INTERRUPTION_KIND],
      title: `${service}: ${interrupted.length} Fargate Spot task(s) interrupted`,
      summary:
        `Fargate Spot reclaimed ${interrupted.length} task(s) of service ${service} in cluster ${cluster} in the last ${minutes} min ` +
        `(${azs.join(', ')}); ${replacementText}.`,
      fields: [
        { label: 'Cluster', value: cluster },
        { label: 'Service', value: service },
        { label: 'Interrupted', value: String(interrupted.length) },
        { label: 'Availability Zones', value: azs.join(', ') },
        { label: 'Replacements started', value: missing === undefined ? 'unknown' : missing === 0 ? 'yes' : `no (${missing} short)` },
        { label: 'Tasks', value: interrupted.map((t) => taskId(t.taskArn)).join(', ') },
        ...(region !== undefined ? [{ label: 'Region', value: region }] : []),
      ],
      links: region
        ? [{ text: 'Service tasks', url: `${consoleBase(region)}/ecs/v2/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service)}/tasks?region=${region}` }]
        : [],
      cluster,
      service,
      occurredAt: new Date(firstAt).toISOString(),
    },
  };
}

function toFact(task: Task): StoppedTaskFact {
  return { taskArn: task.taskArn ?? '', stopCode: task.stopCode, availabilityZone: task.availabilityZone, stoppedAt: epoch(task.stoppedAt) };
}

/** The service's stopped tasks and counts: ⌈stopped/100⌉ ListTasks + DescribeTasks, one DescribeServices. */
export async function gatherSpotFacts(ecs: ECSClient, cluster: string, service: string): Promise<SpotFacts> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecs.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED', nextToken }));
    arns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  const stopped: StoppedTaskFact[] = [];
  for (let i = 0; i < arns.length; i += DESCRIBE_TASKS_BATCH) {
    const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + DESCRIBE_TASKS_BATCH) }));
    stopped.push(...(out.tasks ?? []).filter((t) => t.taskArn !== undefined).map(toFact));
  }
  const described = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  const found = described.services?.[0];
  const counts = found ? { desired: found.desiredCount ?? 0, running: found.runningCount ?? 0, pending: found.pendingCount ?? 0 } : undefined;
  return { stopped, counts };
}
