import type { AlertKind, EcsOpsConfig } from '../config/schema.js';
import {
  clusterNameFromArn,
  isCircuitBreakerRollback,
  serviceOfEvent,
  type AsgActivityEvent,
  type EcsDeploymentStateChangeEvent,
  type EcsServiceActionEvent,
  type KnownEvent,
} from '../events/index.js';
import { serviceActionKind } from './kinds.js';
import type { Notification, NotificationField, NotificationLink, Severity } from '../notify/types.js';
import { consoleBase } from '../notify/format.js';

/** Real-time alerts: the pure decision from one parsed EventBridge event to at most one alert. */

/** The parsed events that can raise an alert. */
export type AlertInput = Extract<KnownEvent, { kind: 'ecs-service-action' | 'ecs-deployment-state-change' | 'asg-activity' }>;
type ServiceActionEvent = EcsServiceActionEvent;
type DeploymentStateChangeEvent = EcsDeploymentStateChangeEvent;

export const ALERT_EVENT_KINDS: readonly AlertInput['kind'][] = ['ecs-service-action', 'ecs-deployment-state-change', 'asg-activity'];

export function isAlertInput(event: KnownEvent): event is AlertInput {
  return (ALERT_EVENT_KINDS as readonly string[]).includes(event.kind);
}

export interface Alert {
  notification: Notification;
  /** What makes two alerts "the same" for deduplication: no event id, no timestamp. */
  fingerprint: string;
}

/** Why an alert was not raised, for the handler's log line. */
export type NoAlert = { skipped: string };

export const DEFAULT_SEVERITY: Record<AlertKind, Severity> = {
  'service-task-placement-failure': 'critical',
  'service-task-start-impaired': 'critical',
  'service-task-configuration-failure': 'critical',
  'service-daemon-placement-constraint-violated': 'warning',
  'service-discovery-instance-unhealthy': 'warning',
  'vpc-lattice-target-unhealthy': 'warning',
  'ecs-operation-throttled': 'warning',
  'service-discovery-operation-throttled': 'warning',
  'service-health-unknown': 'warning',
  'deployment-failed': 'critical',
  'deployment-rollback': 'warning',
  'asg-launch-failed': 'warning',
  'asg-terminate-failed': 'warning',
  'fargate-spot-interruption': 'warning',
};

const HEADLINE: Record<AlertKind, string> = {
  'service-task-placement-failure': 'tasks cannot be placed',
  'service-task-start-impaired': 'tasks keep failing to start',
  'service-task-configuration-failure': 'task configuration is invalid',
  'service-daemon-placement-constraint-violated': 'daemon task violates a placement constraint',
  'service-discovery-instance-unhealthy': 'service discovery reports unhealthy tasks',
  'vpc-lattice-target-unhealthy': 'VPC Lattice targets are unhealthy',
  'ecs-operation-throttled': 'ECS throttled the service scheduler',
  'service-discovery-operation-throttled': 'Cloud Map throttled the service scheduler',
  'service-health-unknown': 'service health is unknown',
  'deployment-failed': 'deployment failed',
  'deployment-rollback': 'deployment is rolling back',
  'asg-launch-failed': 'instance launch failed',
  'asg-terminate-failed': 'instance termination failed',
  'fargate-spot-interruption': 'Fargate Spot tasks interrupted',
};

/** What ECS's placement failure reasons mean, in an operator's words. */
const PLACEMENT_REASON: Record<string, string> = {
  'RESOURCE:CPU': 'no container instance has enough free CPU for the task',
  'RESOURCE:MEMORY': 'no container instance has enough free memory for the task',
  'RESOURCE:GPU': 'no container instance has a free GPU for the task',
  'RESOURCE:PORTS': 'the host ports the task needs are already taken on every instance',
  'RESOURCE:ENI': 'no instance has a free elastic network interface for an awsvpc task (ENIs, not CPU or memory, are exhausted)',
  'RESOURCE:FARGATE': 'Fargate has no capacity for the task right now',
  ATTRIBUTE: 'no container instance satisfies the placement constraints (attributes or memberOf expression)',
  INSTANCE: 'no container instance is available in the cluster',
};

function serviceLink(region: string | undefined, cluster: string, service: string, tab: 'events' | 'deployments'): NotificationLink[] {
  if (!region) return [];
  const path = `/ecs/v2/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service)}/${tab}?region=${region}`;
  return [{ text: tab === 'events' ? 'Service events' : 'Deployments', url: consoleBase(region) + path }];
}

function field(label: string, value: string | undefined): NotificationField[] {
  return value === undefined || value === '' ? [] : [{ label, value }];
}

function severityOf(kind: AlertKind, config: EcsOpsConfig['alerts']): Severity {
  return config.severity[kind] ?? DEFAULT_SEVERITY[kind];
}

function occurredAt(event: { time?: string | undefined }, fallback: string | undefined): string {
  const candidate = fallback ?? event.time;
  return candidate !== undefined && !Number.isNaN(Date.parse(candidate)) ? new Date(candidate).toISOString() : new Date(0).toISOString();
}

function serviceAction(event: ServiceActionEvent, config: EcsOpsConfig['alerts']): Alert | NoAlert {
  const { detail } = event;
  const kind = serviceActionKind(detail.eventName);
  if (!kind) return { skipped: `${detail.eventName} is not an alert (steady-state and informational events are never posted)` };
  if (config.ignore.includes(kind)) return { skipped: `${kind} is ignored by alerts.ignore` };
  const ref = serviceOfEvent(event);
  const cluster = ref?.cluster ?? clusterNameFromArn(detail.clusterArn) ?? '(unknown cluster)';
  const service = ref?.service ?? '(unknown service)';
  const reason = detail.reason;
  const meaning = reason !== undefined ? PLACEMENT_REASON[reason] : undefined;
  const headline = HEADLINE[kind];
  const summaryParts = [`ECS reported ${detail.eventName} (${detail.eventType}) for service ${service} in cluster ${cluster}.`];
  if (reason !== undefined) summaryParts.push(meaning ? `Reason: ${reason}: ${meaning}.` : `Reason: ${reason}`);
  if (kind === 'service-task-start-impaired') summaryParts.push('Look at the stopped tasks of the service for the container exit codes and stop reasons.');
  const capacityProviders = detail.capacityProviderArns?.map((arn) => arn.slice(arn.lastIndexOf('/') + 1));
  return {
    fingerprint: [kind, cluster, service, reason ?? ''].join('|'),
    notification: {
      kind,
      severity: severityOf(kind, config),
      title: `${service}: ${headline}${reason !== undefined ? ` (${reason})` : ''}`,
      summary: summaryParts.join(' '),
      fields: [
        ...field('Cluster', cluster),
        ...field('Service', service),
        ...field('Event', detail.eventName),
        ...field('Reason', reason),
        ...field('Capacity providers', capacityProviders?.join(', ')),
        ...field('Container instances', detail.containerInstanceArns ? String(detail.containerInstanceArns.length) : undefined),
        ...field('Region', event.region),
      ],
      links: serviceLink(event.region, cluster, service, 'events'),
      cluster,
      service,
      occurredAt: occurredAt(event, detail.createdAt),
    },
  };
}

function deployment(event: DeploymentStateChangeEvent, config: EcsOpsConfig['alerts']): Alert | NoAlert {
  const { detail } = event;
  const rollback = detail.eventName === 'SERVICE_DEPLOYMENT_IN_PROGRESS' && isCircuitBreakerRollback(detail);
  const kind: AlertKind | undefined = detail.eventName === 'SERVICE_DEPLOYMENT_FAILED' ? 'deployment-failed' : rollback ? 'deployment-rollback' : undefined;
  if (!kind) return { skipped: `${detail.eventName} is not an alert (only failed deployments and circuit-breaker rollbacks are)` };
  if (config.ignore.includes(kind)) return { skipped: `${kind} is ignored by alerts.ignore` };
  const ref = serviceOfEvent(event);
  const cluster = ref?.cluster ?? '(unknown cluster)';
  const service = ref?.service ?? '(unknown service)';
  const headline = HEADLINE[kind];
  return {
    fingerprint: [kind, cluster, service, detail.deploymentId].join('|'),
    notification: {
      kind,
      severity: severityOf(kind, config),
      title: `${service}: ${headline}`,
      summary:
        `Deployment ${detail.deploymentId} of service ${service} in cluster ${cluster}: ${headline}.` +
        (detail.reason !== undefined ? ` Reason: ${detail.reason}` : ''),
      fields: [
        ...field('Cluster', cluster),
        ...field('Service', service),
        ...field('Deployment', detail.deploymentId),
        ...field('Reason', detail.reason),
        ...field('Region', event.region),
      ],
      links: serviceLink(event.region, cluster, service, 'deployments'),
      cluster,
      service,
      occurredAt: occurredAt(event, detail.updatedAt),
    },
  };
}

/** Instance ids, request ids and activity ids change on every retry of the same failure; drop them from the key. */
function stableText(text: string): string {
  return text
    .replace(/\bi-[0-9a-f]{8,17}\b/g, 'i-*')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '*')
    .replace(/Request ID: [^\s.)]+/gi, 'Request ID: *')
    .trim();
}

function asgActivity(event: AsgActivityEvent, config: EcsOpsConfig['alerts'], clusterOfAsg: (asg: string) => string | undefined): Alert | NoAlert {
  const { detail } = event;
  const kind: AlertKind | undefined =
    event['detail-type'] === 'EC2 Instance Launch Unsuccessful' ? 'asg-launch-failed' : event['detail-type'] === 'EC2 Instance Terminate Unsuccessful' ? 'asg-terminate-failed' : undefined;
  if (!kind) return { skipped: `${event['detail-type']} is not an alert` };
  if (config.ignore.includes(kind)) return { skipped: `${kind} is ignored by alerts.ignore` };
  const asg = detail.AutoScalingGroupName;
  const cluster = clusterOfAsg(asg);
  const message = detail.StatusMessage ?? '(no status message)';
  const az = typeof detail.Details?.['Availability Zone'] === 'string' ? detail.Details['Availability Zone'] : undefined;
  const headline = HEADLINE[kind];
  const links: NotificationLink[] = event.region
    ? [{ text: 'ASG activity', url: `${consoleBase(event.region)}/ec2/home?region=${event.region}#AutoScalingGroupDetails:id=${encodeURIComponent(asg)};view=activity` }]
    : [];
  return {
    fingerprint: [kind, asg, stableText(message)].join('|'),
    notification: {
      kind,
      severity: severityOf(kind, config),
      title: `${asg}: ${headline}`,
      summary: `Auto Scaling group ${asg}${cluster ? ` (cluster ${cluster})` : ''}: ${headline}. ${message}`,
      fields: [
        ...field('Auto Scaling group', asg),
        ...field('Cluster', cluster),
        ...field('Status', detail.StatusCode),
        ...field('Instance', detail.EC2InstanceId),
        ...field('Availability Zone', az),
        ...field('Cause', detail.Cause),
        ...field('Region', event.region),
      ],
      links,
      ...(cluster !== undefined ? { cluster } : {}),
      occurredAt: occurredAt(event, undefined),
    },
  };
}

/** Decide whether an event is worth a human now, and build its alert. */
export function alertFor(input: AlertInput, config: EcsOpsConfig): Alert | NoAlert {
  switch (input.kind) {
    case 'ecs-service-action':
      return serviceAction(input.event, config.alerts);
    case 'ecs-deployment-state-change':
      return deployment(input.event, config.alerts);
    case 'asg-activity':
      return asgActivity(input.event, config.alerts, (asg) => config.clusters.find((c) => c.asgs.some((a) => a.name === asg))?.name);
  }
}

export function isAlert(result: Alert | NoAlert): result is Alert {
  return 'fingerprint' in result;
}
