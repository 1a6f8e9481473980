/**
 * The EventBridge envelope the world emits, and the time formats AWS uses in events.
 */

export interface EventBridgeEvent<D = Record<string, unknown>> {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** ISO 8601 to the second, like AWS (`2025-05-12T13:12:06Z`). */
  time: string;
  region: string;
  resources: string[];
  detail: D;
}

export type EventListener = (event: EventBridgeEvent) => void;

export const ECS_SOURCE = 'aws.ecs';
export const ASG_SOURCE = 'aws.autoscaling';
export const EC2_SOURCE = 'aws.ec2';
export const AAS_SOURCE = 'aws.application-autoscaling';

/** `2025-05-12T13:11:44.980Z`: the millisecond ISO form of detail timestamps. */
export function isoMillis(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2025-05-12T13:12:06Z`: the envelope `time` and ASG activity times. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
