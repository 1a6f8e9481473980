/**
 * Builders for world tests: a standard fleet (cluster, ASG with a drain hook, a web service) and an event recorder
 * that checks every event against lib/events as it arrives.
 */
import { expect } from 'vitest';
import { parseKnownEvent } from '../../../lib/events/index.js';
import { World, type CreateAutoScalingGroupInput, type EventBridgeEvent, type LifecycleHookInput } from '../../../sim/world/world.js';

export const START = Date.parse('2025-03-03T09:00:00.000Z');
export const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
export const DRAIN_HOOK: LifecycleHookInput = {
  name: 'ecs-ops-drain',
  transition: 'autoscaling:EC2_INSTANCE_TERMINATING',
  heartbeatTimeout: 300,
  defaultResult: 'CONTINUE',
};

export interface Recorder {
  events: EventBridgeEvent[];
  /** Events of one detail-type. */
  of(detailType: string): EventBridgeEvent[];
  /** Events that did not parse with parseKnownEvent (always expected empty). */
  invalid: { event: EventBridgeEvent; message: string }[];
}

export function record(world: World): Recorder {
  const events: EventBridgeEvent[] = [];
  const invalid: Recorder['invalid'] = [];
  world.onEvent((event) => {
    events.push(event);
    const parsed = parseKnownEvent(event);
    if (!parsed.ok) invalid.push({ event, message: parsed.error.message });
  });
  return { events, invalid, of: (detailType) => events.filter((e) => e['detail-type'] === detailType) };
}

export interface FleetOptions {
  seed?: number;
  instances?: number;
  instanceType?: string;
  hooks?: LifecycleHookInput[];
  webCount?: number;
  webCpu?: number;
  webMemory?: number;
  minimumHealthyPercent?: number;
  maximumPercent?: number;
  asg?: Partial<CreateAutoScalingGroupInput>;
  startSeconds?: number;
  stopSeconds?: number;
  /** Subscribe the recorder (default true). */
  listen?: boolean;
}

/** Cluster `prod`, ASG `prod-asg` (c5.large × 6 over 3 AZs, drain hook), service `web` (6 tasks, 256 CPU / 512 MiB). */
export function fleet(options: FleetOptions = {}) {
  const world = new World({ seed: options.seed ?? 42, start: START });
  const recorder: Recorder = options.listen === false ? { events: [], invalid: [], of: () => [] } : record(world);
  world.createCluster('prod');
  world.registerTaskDefinition({
    family: 'web',
    containerDefinitions: [{ name: 'web', image: 'nginx:1.27', cpu: options.webCpu ?? 256, memory: options.webMemory ?? 512, essential: true }],
    simulation: { startSeconds: options.startSeconds ?? 10, stopSeconds: options.stopSeconds ?? 5 },
  });
  world.createAutoScalingGroup({
    name: 'prod-asg',
    cluster: 'prod',
    instanceType: options.instanceType ?? 'c5.large',
    availabilityZones: AZS,
    minSize: 0,
    maxSize: 20,
    desiredCapacity: options.instances ?? 6,
    capacityProviderName: 'prod-cp',
    lifecycleHooks: options.hooks ?? [DRAIN_HOOK],
    ...options.asg,
  });
  world.createService({
    cluster: 'prod',
    serviceName: 'web',
    taskDefinition: 'web',
    desiredCount: options.webCount ?? 6,
    deploymentConfiguration: { minimumHealthyPercent: options.minimumHealthyPercent ?? 100, maximumPercent: options.maximumPercent ?? 200 },
  });
  return { world, recorder };
}

/** Every container instance ARN of the cluster (all pages). */
export function instanceArns(world: World, cluster = 'prod', status?: 'ACTIVE' | 'DRAINING'): string[] {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = world.ecs.ListContainerInstances({ cluster, nextToken, ...(status === undefined ? {} : { status }) });
    arns.push(...(page.containerInstanceArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return arns;
}

export function describeInstances(world: World, arns: string[], cluster = 'prod') {
  const out = [];
  for (let i = 0; i < arns.length; i += 100) {
    out.push(...(world.ecs.DescribeContainerInstances({ cluster, containerInstances: arns.slice(i, i + 100) }).containerInstances ?? []));
  }
  return out;
}

/** Every task ARN of a listing (all pages). */
export function taskArns(world: World, input: Parameters<World['ecs']['ListTasks']>[0]): string[] {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = world.ecs.ListTasks({ ...input, nextToken });
    arns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return arns;
}

export function describeTasks(world: World, arns: string[], cluster = 'prod') {
  const out = [];
  for (let i = 0; i < arns.length; i += 100) out.push(...(world.ecs.DescribeTasks({ cluster, tasks: arns.slice(i, i + 100) }).tasks ?? []));
  return out;
}

export function service(world: World, name = 'web', cluster = 'prod') {
  const described = world.ecs.DescribeServices({ cluster, services: [name] }).services?.[0];
  if (!described) throw new Error(`no service ${name}`);
  return described;
}

/** Asserts a thunk throws an AwsApiError with this code (and message, when given). */
export function expectAwsError(fn: () => unknown, code: string, message?: string | RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${code}`).toBeDefined();
  expect((caught as { code?: string }).code).toBe(code);
  if (message !== undefined) {
    if (typeof message === 'string') expect((caught as Error).message).toBe(message);
    else expect((caught as Error).message).toMatch(message);
  }
}

/** Drains the instance behind each terminate lifecycle action and completes the action once it is empty. */
export function autoDrain(world: World, cluster = 'prod'): { completed: string[] } {
  const completed: string[] = [];
  const waiting = new Map<string, { asg: string; hook: string; token: string; containerInstanceArn: string }>();
  const check = () => {
    for (const [instanceId, w] of waiting) {
      const ci = world.ecs.DescribeContainerInstances({ cluster, containerInstances: [w.containerInstanceArn] }).containerInstances?.[0];
      const busy = (ci?.runningTasksCount ?? 0) + (ci?.pendingTasksCount ?? 0) > 0 || taskArns(world, { cluster, containerInstance: w.containerInstanceArn }).length > 0;
      const stopping = describeTasks(world, taskArns(world, { cluster, containerInstance: w.containerInstanceArn, desiredStatus: 'STOPPED' }), cluster).some(
        (t) => t.lastStatus !== 'STOPPED',
      );
      if (!busy && !stopping) {
        waiting.delete(instanceId);
        world.autoscaling.CompleteLifecycleAction({
          AutoScalingGroupName: w.asg,
          LifecycleHookName: w.hook,
          LifecycleActionToken: w.token,
          LifecycleActionResult: 'CONTINUE',
        });
        completed.push(instanceId);
      }
    }
  };
  world.onEvent((event) => {
    if (event['detail-type'] === 'EC2 Instance-terminate Lifecycle Action') {
      const detail = event.detail as { EC2InstanceId: string; AutoScalingGroupName: string; LifecycleHookName: string; LifecycleActionToken: string };
      const info = world.autoScalingInstances(detail.AutoScalingGroupName).find((i) => i.ec2InstanceId === detail.EC2InstanceId);
      if (!info?.containerInstanceArn) return;
      world.ecs.UpdateContainerInstancesState({ cluster, containerInstances: [info.containerInstanceArn], status: 'DRAINING' });
      waiting.set(detail.EC2InstanceId, { asg: detail.AutoScalingGroupName, hook: detail.LifecycleHookName, token: detail.LifecycleActionToken, containerInstanceArn: info.containerInstanceArn });
      check();
    } else if (event['detail-type'] === 'ECS Task State Change' && waiting.size > 0) {
      check();
    }
  });
  return { completed };
}
