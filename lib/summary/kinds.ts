import type { AlertKind, SERVICE_ACTION_ALERTS } from '../config/schema.js';

/** ECS `Service Action` event names and the alert kind each becomes. */
export const SERVICE_ACTION_KIND: Record<(typeof SERVICE_ACTION_ALERTS)[number], AlertKind> = {
  SERVICE_TASK_PLACEMENT_FAILURE: 'service-task-placement-failure',
  SERVICE_TASK_START_IMPAIRED: 'service-task-start-impaired',
  SERVICE_TASK_CONFIGURATION_FAILURE: 'service-task-configuration-failure',
  SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED: 'service-daemon-placement-constraint-violated',
  SERVICE_DISCOVERY_INSTANCE_UNHEALTHY: 'service-discovery-instance-unhealthy',
  VPC_LATTICE_TARGET_UNHEALTHY: 'vpc-lattice-target-unhealthy',
  ECS_OPERATION_THROTTLED: 'ecs-operation-throttled',
  SERVICE_DISCOVERY_OPERATION_THROTTLED: 'service-discovery-operation-throttled',
  SERVICE_HEALTH_UNKNOWN: 'service-health-unknown',
};

export function serviceActionKind(eventName: string): AlertKind | undefined {
  return (SERVICE_ACTION_KIND as Record<string, AlertKind | undefined>)[eventName];
}
