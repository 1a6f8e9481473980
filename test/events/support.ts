import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as z from 'zod/mini';
import {
  appAutoScalingActivityEventSchema,
  asgActivityEventSchema,
  asgLifecycleEventSchema,
  asgSnsNotificationSchema,
  ecsContainerInstanceStateChangeEventSchema,
  ecsDeploymentStateChangeEventSchema,
  ecsServiceActionEventSchema,
  ecsTaskStateChangeEventSchema,
  rebalanceRecommendationEventSchema,
  scheduledRuleEventSchema,
  schedulerEventSchema,
  spotInterruptionEventSchema,
  type KnownEventKind,
} from '../../lib/events/index.js';

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/events/', import.meta.url));

/** Fixture kinds: every EventBridge kind, plus the ASG SNS message body (not an EventBridge event). */
export type FixtureKind = KnownEventKind | 'asg-sns-notification';

/**
 * Every fixture file and the kind it must parse as. A fixture added to the directory without a line here fails
 * the suite, so each new sample gets a deliberate schema.
 */
export const FIXTURES: Record<string, FixtureKind> = {
  'app-autoscaling-scaled-to-max.json': 'app-autoscaling-scaled-to-max',
  'asg-launch-lifecycle-origin-destination.json': 'asg-lifecycle',
  'asg-launch-lifecycle.json': 'asg-lifecycle',
  'asg-launch-successful.json': 'asg-activity',
  'asg-launch-unsuccessful.json': 'asg-activity',
  'asg-sns-notification-launch-target-tracking.json': 'asg-sns-notification',
  'asg-terminate-lifecycle-concrete.json': 'asg-lifecycle',
  'asg-terminate-lifecycle-nth.json': 'asg-lifecycle',
  'asg-terminate-lifecycle-to-warmpool.json': 'asg-lifecycle',
  'asg-terminate-lifecycle.json': 'asg-lifecycle',
  'asg-terminate-successful.json': 'asg-activity',
  'asg-terminate-unsuccessful.json': 'asg-activity',
  'ec2-instance-rebalance-recommendation-concrete.json': 'rebalance-recommendation',
  'ec2-instance-rebalance-recommendation.json': 'rebalance-recommendation',
  'ec2-spot-interruption-warning-concrete.json': 'spot-interruption',
  'ec2-spot-interruption-warning.json': 'spot-interruption',
  'ecs-container-instance-state-change.json': 'ecs-container-instance-state-change',
  'ecs-deployment-completed.json': 'ecs-deployment-state-change',
  'ecs-deployment-failed.json': 'ecs-deployment-state-change',
  'ecs-deployment-in-progress-rollback.json': 'ecs-deployment-state-change',
  'ecs-deployment-in-progress.json': 'ecs-deployment-state-change',
  'ecs-service-action-capacity-provider-steady-state.json': 'ecs-service-action',
  'ecs-service-action-placement-failure-ec2-cpu.json': 'ecs-service-action',
  'ecs-service-action-placement-failure-fargate-spot.json': 'ecs-service-action',
  'ecs-service-action-steady-state.json': 'ecs-service-action',
  'ecs-service-action-task-start-impaired.json': 'ecs-service-action',
  'ecs-task-state-change-container-exitcode-ecsdocs-2020.json': 'ecs-task-state-change',
  'ecs-task-state-change-fargate-spot-termination-notice.json': 'ecs-task-state-change',
  'ecs-task-state-change-running-ec2-capacity-provider-2025.json': 'ecs-task-state-change',
  'ecs-task-state-change-running-fargate-2025.json': 'ecs-task-state-change',
  'ecs-task-state-change-running-fargate.json': 'ecs-task-state-change',
  'ecs-task-state-change-stopped.json': 'ecs-task-state-change',
  'scheduled-event.json': 'scheduled-rule',
  'scheduler-default-invocation.json': 'scheduler',
};

/** The schema each kind is checked against directly (independently of `parseKnownEvent`'s routing). */
export const SCHEMAS: Record<FixtureKind, z.ZodMiniType> = {
  'asg-lifecycle': asgLifecycleEventSchema,
  'asg-activity': asgActivityEventSchema,
  'spot-interruption': spotInterruptionEventSchema,
  'rebalance-recommendation': rebalanceRecommendationEventSchema,
  'ecs-task-state-change': ecsTaskStateChangeEventSchema,
  'ecs-container-instance-state-change': ecsContainerInstanceStateChangeEventSchema,
  'ecs-service-action': ecsServiceActionEventSchema,
  'ecs-deployment-state-change': ecsDeploymentStateChangeEventSchema,
  'scheduled-rule': scheduledRuleEventSchema,
  scheduler: schedulerEventSchema,
  'app-autoscaling-scaled-to-max': appAutoScalingActivityEventSchema,
  'asg-sns-notification': asgSnsNotificationSchema,
};

export function fixtureFiles(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

/** A fixture parsed fresh, so tests may mutate it. */
export function fixture(name: string): Record<string, unknown> {
  const file = name.endsWith('.json') ? name : `${name}.json`;
  return JSON.parse(readFileSync(`${FIXTURE_DIR}${file}`, 'utf8')) as Record<string, unknown>;
}

/** The fixture's `detail` object (mutable), for building broken variants. */
export function detailOf(event: Record<string, unknown>): Record<string, unknown> {
  return event.detail as Record<string, unknown>;
}

/** `detail.containers[0].exitCode` → `['detail', 'containers', 0, 'exitCode']`; written independently of lib's formatter. */
export function pathKeys(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[]+)((?:\[\d+\])*)$/.exec(part);
    if (!match) throw new Error(`bad test path ${path}`);
    keys.push(match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) keys.push(Number(index[1]));
  }
  return keys;
}

type Container = Record<string | number, unknown>;

function parentOf(root: unknown, path: string): { parent: Container; key: string | number } | undefined {
  const keys = pathKeys(path);
  const last = keys.pop()!;
  let node: unknown = root;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Container)[key];
  }
  if (typeof node !== 'object' || node === null) return undefined;
  return { parent: node as Container, key: last };
}

export function hasPath(root: unknown, path: string): boolean {
  const found = parentOf(root, path);
  return found !== undefined && Object.hasOwn(found.parent, found.key);
}

export function deletePath(root: unknown, path: string): void {
  const found = parentOf(root, path);
  if (!found) throw new Error(`no ${path} in fixture`);
  if (Array.isArray(found.parent)) throw new Error(`cannot delete array element ${path}`);
  // Removing a required key is the point here.
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
  delete found.parent[found.key];
}

export function setPath(root: unknown, path: string, value: unknown): void {
  const found = parentOf(root, path);
  if (!found) throw new Error(`no ${path} in fixture`);
  found.parent[found.key] = value;
}
