/**
 * EC2 Auto Scaling groups: instances launched into balanced AZs, registered with ECS once running, scaled in with
 * the default termination policy, lifecycle hooks (launch and terminate) with heartbeat and global timeouts, Spot
 * interruptions, scaling activities with AWS's Cause texts, and the events AWS sends for all of it.
 *
 * Instance lifecycle: Pending → (Pending:Wait → Pending:Proceed) → InService → Terminating → (Terminating:Wait →
 * Terminating:Proceed) → Terminated. An instance is registered as an ECS container instance `registrationSeconds`
 * after EC2 reports it running (`launchSeconds` after the launch started), whatever its lifecycle state; when it is
 * terminated its remaining tasks are killed and the container instance is deregistered.
 */
import type * as ASG from '@aws-sdk/client-auto-scaling';
import type { Core } from './core.js';
import type { ClusterState, ContainerInstanceState } from './ecs-model.js';
import type { EcsWorld, InstanceRegistration } from './ecs.js';
import { validationError } from './errors.js';
import { ASG_SOURCE, EC2_SOURCE, isoSeconds } from './events.js';
import { instanceType, type InstanceTypeInfo } from './instance-types.js';
import type { LifecycleActionRecord, LifecycleCompletedBy, Stats } from './stats.js';

export type LifecycleTransition = 'autoscaling:EC2_INSTANCE_TERMINATING' | 'autoscaling:EC2_INSTANCE_LAUNCHING';

export interface LifecycleHookInput {
  name: string;
  transition: LifecycleTransition;
  /** Seconds (default 3600). */
  heartbeatTimeout?: number;
  defaultResult?: 'CONTINUE' | 'ABANDON';
  notificationMetadata?: string;
}

export interface CreateAutoScalingGroupInput {
  name: string;
  cluster: string;
  instanceType: string;
  availabilityZones: string[];
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  spot?: boolean;
  capacityProviderName?: string;
  /** Launch requested → EC2 running, seconds (default 60). */
  launchSeconds?: number;
  /** EC2 running → container instance registered, seconds (default 30). */
  registrationSeconds?: number;
  /** Terminating:Proceed → Terminated, seconds (default 5). */
  terminationSeconds?: number;
  lifecycleHooks?: LifecycleHookInput[];
  /** Custom ECS attributes of the container instances. */
  attributes?: Record<string, string>;
  tags?: Record<string, string>;
  /** ECS_ENABLE_SPOT_INSTANCE_DRAINING: the agent sets the instance DRAINING on a Spot interruption warning. */
  spotInstanceDraining?: boolean;
  /** ENI trunking on the container instances (more awsvpc tasks per instance). */
  eniTrunking?: boolean;
  /** NewInstancesProtectedFromScaleIn. */
  protectFromScaleIn?: boolean;
}

interface HookState {
  name: string;
  transition: LifecycleTransition;
  heartbeatTimeoutS: number;
  globalTimeoutS: number;
  defaultResult: 'CONTINUE' | 'ABANDON';
  notificationMetadata: string | undefined;
}

/**
 * A warm pool (PutWarmPool): pre-initialised instances kept Stopped (or Running / Hibernated) beside the group.
 * Size: max(MinSize, MaxGroupPreparedCapacity − desired capacity), MaxGroupPreparedCapacity defaulting to the group's
 * maximum ("If the value is not specified, Amazon EC2 Auto Scaling launches and maintains the difference between the
 * group's maximum capacity and its desired capacity", WarmPoolConfiguration API reference).
 */
export interface WarmPoolState {
  minSize: number;
  /** undefined: the group's maximum capacity. */
  maxGroupPreparedCapacity: number | undefined;
  poolState: 'Stopped' | 'Running' | 'Hibernated';
  reuseOnScaleIn: boolean;
}

interface ActivityState {
  seq: number;
  activity: ASG.Activity;
}

export interface AsgState {
  name: string;
  arn: string;
  seq: number;
  cluster: string;
  type: InstanceTypeInfo;
  azs: string[];
  min: number;
  max: number;
  desired: number;
  spot: boolean;
  capacityProviderName: string | undefined;
  launchMs: number;
  registrationMs: number;
  terminationMs: number;
  hooks: HookState[];
  attributes: Record<string, string>;
  tags: Record<string, string>;
  spotInstanceDraining: boolean;
  eniTrunking: boolean;
  protectFromScaleIn: boolean;
  amiId: string;
  launchTemplateId: string;
  createdAt: number;
  instances: Map<string, AsgInstance>;
  /** Newest first. */
  activities: ActivityState[];
  insufficient: Set<string>;
  warmPool: WarmPoolState | undefined;
  /** Cause text of the last desired-capacity change, prefixed to the activities it causes. */
  pendingCause: string | undefined;
  cancelRetry: (() => void) | undefined;
}

export interface LifecycleAction {
  token: string;
  hook: HookState;
  instance: AsgInstance;
  heartbeatDeadline: number;
  globalDeadline: number;
  cancelTimer: (() => void) | undefined;
  record: LifecycleActionRecord;
}

export interface AsgInstance {
  id: string;
  group: AsgState;
  az: string;
  subnetId: string;
  lifecycleState: string;
  launchedAt: number;
  seq: number;
  protectedFromScaleIn: boolean;
  containerInstance: ContainerInstanceState | undefined;
  actions: LifecycleAction[];
  launchActivity: ActivityState | undefined;
  terminateActivity: ActivityState | undefined;
  timers: (() => void)[];
  spotInterrupted: boolean;
  /** In the warm pool (any `Warmed:*` state): not counted in the group's capacity, listed by DescribeWarmPool. */
  warm: boolean;
}

const TERMINATING_STATES = new Set(['Terminating', 'Terminating:Wait', 'Terminating:Proceed', 'Terminated']);
const MAX_GLOBAL_TIMEOUT_S = 48 * 3600;
/** Where a terminate lifecycle action waits: terminating, returning to the warm pool, terminating from it. */
const TERMINATE_WAIT_STATES = new Set(['Terminating:Wait', 'Warmed:Pending:Wait', 'Warmed:Terminating:Wait']);

export class AutoScalingWorld {
  readonly groups = new Map<string, AsgState>();
  /** Every instance ever launched, by id (Terminated ones included). */
  readonly instances = new Map<string, AsgInstance>();
  private readonly actionsByToken = new Map<string, LifecycleAction>();
  /** ECS's managed draining (capacity-providers.ts): told of every terminate lifecycle action, a second after it starts. */
  onTerminateActionStarted: ((action: LifecycleAction) => void) | undefined;
  /** ECS's managed draining: an instance waiting on terminate hooks has no task left. */
  onTerminatingInstanceEmpty: ((instance: AsgInstance) => void) | undefined;

  constructor(
    readonly core: Core,
    readonly ecs: EcsWorld,
    readonly stats: Stats,
  ) {
    ecs.onInstanceTasksChanged = (ci) => {
      this.noteEmpty(ci);
    };
  }

  // ---- groups ------------------------------------------------------------------------------------------------------

  createGroup(input: CreateAutoScalingGroupInput): AsgState {
    if (this.groups.has(input.name)) throw validationError(`AutoScalingGroup by this name already exists - A group with the name ${input.name} already exists`);
    const type = instanceType(input.instanceType);
    if (!type) throw validationError(`The instance type '${input.instanceType}' is not supported by the simulator.`);
    if (input.availabilityZones.length === 0) throw validationError('At least one Availability Zone or VPC Subnet is required.');
    if (input.minSize > input.maxSize) throw validationError(`Max bound, ${input.maxSize}, must be greater than or equal to min bound, ${input.minSize}`);
    if (input.desiredCapacity < input.minSize || input.desiredCapacity > input.maxSize) {
      throw validationError(`Desired capacity:${input.desiredCapacity} must be between the specified min size:${input.minSize} and max size:${input.maxSize}`);
    }
    const cluster = this.ecs.cluster(input.cluster);
    const random = this.core.random;
    const now = this.core.now();
    const group: AsgState = {
      name: input.name,
      arn: this.core.arn('autoscaling', `autoScalingGroup:${random.uuid()}:autoScalingGroupName/${input.name}`),
      seq: this.core.nextSeq(),
      cluster: cluster.name,
      type,
      azs: [...input.availabilityZones],
      min: input.minSize,
      max: input.maxSize,
      desired: input.desiredCapacity,
      spot: input.spot ?? false,
      capacityProviderName: input.capacityProviderName,
      launchMs: (input.launchSeconds ?? 60) * 1000,
      registrationMs: (input.registrationSeconds ?? 30) * 1000,
      terminationMs: (input.terminationSeconds ?? 5) * 1000,
      hooks: (input.lifecycleHooks ?? []).map(hookState),
      attributes: input.attributes ?? {},
      tags: input.tags ?? {},
      spotInstanceDraining: input.spotInstanceDraining ?? false,
      eniTrunking: input.eniTrunking ?? false,
      protectFromScaleIn: input.protectFromScaleIn ?? false,
      amiId: `ami-0${random.hex(16)}`,
      launchTemplateId: `lt-0${random.hex(16)}`,
      createdAt: now,
      instances: new Map(),
      activities: [],
      insufficient: new Set(),
      warmPool: undefined,
      pendingCause: undefined,
      cancelRetry: undefined,
    };
    this.groups.set(group.name, group);
    for (const az of group.azs) if (!cluster.availabilityZones.includes(az)) cluster.availabilityZones.push(az);

    // The initial fleet: launched and registered now, without events.
    const cause = `At ${isoSeconds(now)} a user request created an AutoScalingGroup changing the desired capacity from 0 to ${group.desired}.`;
    for (let i = 0; i < group.desired; i++) {
      const instance = this.newInstance(group, this.launchZone(group, new Set()));
      instance.lifecycleState = 'InService';
      const activity = this.activity(group, {
        Description: `Launching a new EC2 instance: ${instance.id}`,
        Cause: `${cause}  At ${isoSeconds(now)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${i} to ${group.desired}.`,
        StatusCode: 'Successful',
        Progress: 100,
        EndTime: new Date(now),
        Details: details(instance),
      });
      instance.launchActivity = activity;
      this.register(instance, true);
      this.stats.counters.instancesLaunched++;
    }
    return group;
  }

  group(name: string | undefined): AsgState {
    const group = name === undefined ? undefined : this.groups.get(name);
    if (!group) throw validationError(`AutoScalingGroup name not found - AutoScalingGroup ${name ?? 'null'} not found`);
    return group;
  }

  /** With `alarm`: the change a scaling policy makes when that alarm fires (AWS's Cause text for it). */
  setDesiredCapacity(name: string | undefined, desired: number | undefined, alarm?: { name: string; policy: string }): void {
    const group = this.group(name);
    if (desired === undefined || !Number.isInteger(desired)) throw validationError('DesiredCapacity is required.');
    if (desired < group.min) throw validationError(`New SetDesiredCapacity value ${desired} is below min value ${group.min} for the AutoScalingGroup.`);
    if (desired > group.max) throw validationError(`New SetDesiredCapacity value ${desired} is above max value ${group.max} for the AutoScalingGroup.`);
    if (desired === group.desired) return;
    const why = alarm ? `a monitor alarm ${alarm.name} in state ALARM triggered policy ${alarm.policy}` : 'a user request explicitly set group desired capacity';
    group.pendingCause = `At ${isoSeconds(this.core.now())} ${why} changing the desired capacity from ${group.desired} to ${desired}.`;
    group.desired = desired;
    this.reconcile(group);
  }

  setInsufficientCapacity(name: string, az: string, insufficient: boolean): void {
    const group = this.group(name);
    if (insufficient) group.insufficient.add(az);
    else {
      group.insufficient.delete(az);
      this.reconcile(group);
    }
  }

  /** Instances counted towards the desired capacity: not terminating. */
  private live(group: AsgState): AsgInstance[] {
    const out: AsgInstance[] = [];
    for (const instance of group.instances.values()) if (!instance.warm && !TERMINATING_STATES.has(instance.lifecycleState)) out.push(instance);
    return out;
  }

  /** Launches or terminates until the live instances match the desired capacity. */
  private reconcile(group: AsgState): void {
    const live = this.live(group);
    const cause = group.pendingCause;
    group.pendingCause = undefined;
    if (live.length < group.desired) {
      const failedZones = new Set<string>();
      let count = live.length;
      // "If the warm pool is depleted … Amazon EC2 Auto Scaling can launch instances directly into the Auto Scaling
      // group": ready warm instances (Warmed:Stopped/Running/Hibernated) go first, oldest first.
      for (const warm of this.readyWarm(group)) {
        if (count >= group.desired) break;
        this.leaveWarmPool(warm, cause, count);
        count++;
      }
      while (count < group.desired) {
        const az = this.launchZone(group, failedZones);
        if (az === undefined) {
          this.scheduleRetry(group);
          break;
        }
        if (group.insufficient.has(az)) {
          this.launchFailed(group, az, cause);
          failedZones.add(az);
          continue;
        }
        this.launch(group, az, cause, count);
        count++;
      }
    } else if (live.length > group.desired) {
      let count = live.length;
      while (count > group.desired) {
        const victim = this.scaleInVictim(group);
        if (!victim) break;
        const at = isoSeconds(this.core.now());
        const text = `${cause === undefined ? '' : `${cause}  `}At ${at} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${count} to ${group.desired}.  At ${at} instance ${victim.id} was selected for termination.`;
        if (group.warmPool?.reuseOnScaleIn === true) this.returnToWarmPool(victim);
        else this.beginTermination(victim, text);
        count--;
      }
    }
    this.fillWarmPool(group);
  }

  // ---- warm pools --------------------------------------------------------------------------------------------------

  /** PutWarmPool: creates or updates the group's warm pool and fills (or trims) it to its size. */
  putWarmPool(name: string | undefined, config: Partial<WarmPoolState>, initial = false): void {
    const group = this.group(name);
    const minSize = config.minSize ?? 0;
    if (!Number.isInteger(minSize) || minSize < 0) throw validationError('MinSize must be a non-negative integer.');
    const max = config.maxGroupPreparedCapacity;
    if (max !== undefined && max !== -1 && (!Number.isInteger(max) || max < group.desired)) {
      throw validationError(`MaxGroupPreparedCapacity ${max} must be at least the group's desired capacity (${group.desired}), or -1.`);
    }
    group.warmPool = {
      minSize,
      maxGroupPreparedCapacity: max === -1 ? undefined : max,
      poolState: config.poolState ?? 'Stopped',
      reuseOnScaleIn: config.reuseOnScaleIn ?? false,
    };
    this.fillWarmPool(group, initial);
  }

  /** The warm pool's size: max(MinSize, MaxGroupPreparedCapacity − desired). */
  private warmPoolTarget(group: AsgState): number {
    const pool = group.warmPool;
    if (!pool) return 0;
    return Math.max(pool.minSize, (pool.maxGroupPreparedCapacity ?? group.max) - group.desired);
  }

  /** Warm instances not being terminated from the pool. */
  private warmInstances(group: AsgState): AsgInstance[] {
    return [...group.instances.values()].filter((i) => i.warm && !i.lifecycleState.startsWith('Warmed:Terminat'));
  }

  private readyWarm(group: AsgState): AsgInstance[] {
    return this.warmInstances(group).filter((i) => i.lifecycleState === `Warmed:${group.warmPool?.poolState ?? 'Stopped'}`);
  }

  /** Launches into the warm pool, or terminates from it, until it has its size. */
  private fillWarmPool(group: AsgState, initial = false): void {
    if (!group.warmPool) return;
    const target = this.warmPoolTarget(group);
    const warm = this.warmInstances(group);
    for (let n = warm.length; n < target; n++) {
      const az = this.launchZone(group, group.insufficient);
      if (az === undefined) break;
      const instance = this.newInstance(group, az);
      instance.warm = true;
      this.stats.counters.instancesLaunched++;
      if (initial) instance.lifecycleState = `Warmed:${group.warmPool.poolState}`;
      else {
        instance.lifecycleState = 'Warmed:Pending';
        instance.timers.push(this.core.after(group.launchMs, () => { this.warmLaunched(instance); }));
      }
    }
    // Too many (the desired capacity grew, or instances came back on scale-in): the oldest ready ones go.
    const ready = this.readyWarm(group).sort((a, b) => a.launchedAt - b.launchedAt || a.seq - b.seq);
    for (let n = warm.length; n > target && ready.length > 0; n--) {
      const victim = ready.shift();
      if (victim) this.terminateFromWarmPool(victim);
    }
  }

  /** A warm-pool launch is running: its launch hooks pause it in Warmed:Pending:Wait, then it is stopped (or kept). */
  private warmLaunched(instance: AsgInstance): void {
    if (!instance.warm || instance.lifecycleState !== 'Warmed:Pending') return;
    // "newly launched instances pause … when they reach the Warmed:Pending:Wait state" (lifecycle hooks with a warm pool).
    this.pauseForWarmPool(instance, 'autoscaling:EC2_INSTANCE_LAUNCHING', 'EC2');
  }

  /** The hooks of `transition` pause the instance in `Warmed:Pending:Wait` (Destination WarmPool); with none it rests in the pool. */
  private pauseForWarmPool(instance: AsgInstance, transition: 'autoscaling:EC2_INSTANCE_LAUNCHING' | 'autoscaling:EC2_INSTANCE_TERMINATING', origin: 'EC2' | 'AutoScalingGroup'): void {
    const hooks = instance.group.hooks.filter((h) => h.transition === transition);
    if (hooks.length === 0) {
      this.warmed(instance);
      return;
    }
    instance.lifecycleState = 'Warmed:Pending:Wait';
    for (const hook of hooks) this.startAction(instance, hook, { origin, destination: 'WarmPool' });
  }

  /** Lifecycle actions done (or none): the instance rests in the pool, `Warmed:<PoolState>`. */
  private warmed(instance: AsgInstance): void {
    const group = instance.group;
    const ci = instance.containerInstance;
    // A stopped (or hibernated) host stops its tasks and its agent: "When you stop a container instance, the tasks that
    // are running on it are transitioned to the STOPPED status" (container instance state change events). The
    // registration stays, disconnected, with its status (a DRAINING instance stays DRAINING). With PoolState Running
    // the simulator treats the instance the same way (the agent does not serve a warm instance, ECS_WARM_POOLS_CHECK).
    if (ci) this.ecs.instanceStopped(ci);
    instance.lifecycleState = `Warmed:${group.warmPool?.poolState ?? 'Stopped'}`;
    this.fillWarmPool(group);
  }

  /**
   * Scale-in with ReuseOnScaleIn: the instance returns to the warm pool instead of terminating. Its terminate hooks pause
   * it in `Warmed:Pending:Wait` ("instances that are returning to the warm pool … pause in the Warmed:Pending:Wait
   * state for EC2_INSTANCE_TERMINATING lifecycle actions", lifecycle hooks with a warm pool), with Origin
   * AutoScalingGroup and Destination WarmPool; then it is stopped.
   */
  private returnToWarmPool(instance: AsgInstance): void {
    for (const action of [...instance.actions]) this.finishAction(action, 'ABANDON', 'instance-terminated', false);
    instance.warm = true;
    instance.lifecycleState = 'Warmed:Pending';
    this.pauseForWarmPool(instance, 'autoscaling:EC2_INSTANCE_TERMINATING', 'AutoScalingGroup');
  }

  /** Out of the warm pool into the group: started, then InService (launch hooks in Pending:Wait, Origin WarmPool). */
  private leaveWarmPool(instance: AsgInstance, cause: string | undefined, from: number): void {
    const group = instance.group;
    instance.warm = false;
    instance.lifecycleState = 'Pending';
    const now = this.core.now();
    instance.launchActivity = this.activity(group, {
      Description: `Launching a new EC2 instance from warm pool: ${instance.id}`,
      Cause: `${cause === undefined ? '' : `${cause}  `}At ${isoSeconds(now)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${group.desired}.`,
      StatusCode: 'InProgress',
      Progress: 30,
      Details: details(instance),
    });
    instance.timers.push(this.core.after(group.launchMs, () => { this.launched(instance); }));
  }

  /** Scale-in of the warm pool itself: Warmed:Terminating (:Wait on terminate hooks, Origin WarmPool) → Warmed:Terminated. */
  private terminateFromWarmPool(instance: AsgInstance): void {
    instance.lifecycleState = 'Warmed:Terminating';
    const hooks = instance.group.hooks.filter((h) => h.transition === 'autoscaling:EC2_INSTANCE_TERMINATING');
    if (hooks.length === 0) {
      this.proceed(instance);
      return;
    }
    instance.lifecycleState = 'Warmed:Terminating:Wait';
    for (const hook of hooks) this.startAction(instance, hook, { origin: 'WarmPool', destination: 'EC2' });
  }

  /** DescribeWarmPool's view: the configuration and the instances in the pool, launch order. */
  warmPoolOf(group: AsgState): { config: WarmPoolState | undefined; instances: AsgInstance[] } {
    return { config: group.warmPool, instances: [...group.instances.values()].filter((i) => i.warm).sort((a, b) => a.seq - b.seq) };
  }

  private scheduleRetry(group: AsgState): void {
    if (group.cancelRetry) return;
    group.cancelRetry = this.core.after(120_000, () => {
      group.cancelRetry = undefined;
      this.reconcile(group);
    });
  }

  /** The AZ with the fewest live instances (ties: the group's AZ order), skipping `exclude`. */
  private launchZone(group: AsgState, exclude: ReadonlySet<string>): string | undefined {
    const counts = new Map<string, number>();
    for (const az of group.azs) counts.set(az, 0);
    for (const instance of this.live(group)) counts.set(instance.az, (counts.get(instance.az) ?? 0) + 1);
    let best: string | undefined;
    for (const az of group.azs) {
      if (exclude.has(az)) continue;
      if (best === undefined || (counts.get(az) ?? 0) < (counts.get(best) ?? 0)) best = az;
    }
    return best;
  }

  /** Default termination policy: the AZ with the most instances, then the oldest instance; seeded tie-breaks. */
  private scaleInVictim(group: AsgState): AsgInstance | undefined {
    const candidates = this.live(group).filter((i) => !i.protectedFromScaleIn);
    if (candidates.length === 0) return undefined;
    const perAz = new Map<string, AsgInstance[]>();
    for (const instance of this.live(group)) {
      const list = perAz.get(instance.az) ?? [];
      list.push(instance);
      perAz.set(instance.az, list);
    }
    const zonesWithCandidates = [...new Set(candidates.map((c) => c.az))];
    const most = Math.max(...zonesWithCandidates.map((az) => perAz.get(az)?.length ?? 0));
    const zones = zonesWithCandidates.filter((az) => (perAz.get(az)?.length ?? 0) === most).sort();
    const zone = zones.length === 1 ? zones[0] : zones[this.core.random.int(zones.length)];
    const inZone = candidates.filter((c) => c.az === zone);
    const oldest = Math.min(...inZone.map((c) => c.launchedAt));
    const tied = inZone.filter((c) => c.launchedAt === oldest).sort((a, b) => a.seq - b.seq);
    return tied.length === 1 ? tied[0] : tied[this.core.random.int(tied.length)];
  }

  // ---- launching ---------------------------------------------------------------------------------------------------

  private newInstance(group: AsgState, az: string | undefined): AsgInstance {
    const zone = az ?? group.azs[0] ?? `${this.core.region}a`;
    const instance: AsgInstance = {
      id: this.core.random.ec2InstanceId(),
      group,
      az: zone,
      subnetId: this.ecs.subnetFor(zone),
      lifecycleState: 'Pending',
      launchedAt: this.core.now(),
      seq: this.core.nextSeq(),
      protectedFromScaleIn: group.protectFromScaleIn,
      containerInstance: undefined,
      actions: [],
      launchActivity: undefined,
      terminateActivity: undefined,
      timers: [],
      spotInterrupted: false,
      warm: false,
    };
    group.instances.set(instance.id, instance);
    this.instances.set(instance.id, instance);
    return instance;
  }

  private launch(group: AsgState, az: string, cause: string | undefined, from: number): void {
    const instance = this.newInstance(group, az);
    const now = this.core.now();
    this.stats.counters.instancesLaunched++;
    const text = `${cause === undefined ? '' : `${cause}  `}At ${isoSeconds(now)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${group.desired}.`;
    instance.launchActivity = this.activity(group, {
      Description: `Launching a new EC2 instance: ${instance.id}`,
      Cause: text,
      StatusCode: 'InProgress',
      Progress: 30,
      Details: details(instance),
    });
    instance.timers.push(
      this.core.after(group.launchMs, () => {
        this.launched(instance);
      }),
    );
  }

  private launchFailed(group: AsgState, az: string, cause: string | undefined): void {
    const now = this.core.now();
    const others = group.azs.filter((z) => z !== az && !group.insufficient.has(z));
    const message = `We currently do not have sufficient ${group.type.name} capacity in the Availability Zone you requested (${az}). Our system will be working on provisioning additional capacity. You can currently get ${group.type.name} capacity by not specifying an Availability Zone in your request${others.length > 0 ? ` or choosing ${others.join(', ')}` : ''}. Launching EC2 instance failed.`;
    this.stats.counters.instanceLaunchFailures++;
    const state = this.activity(group, {
      Description: `Launching a new EC2 instance.  Status Reason: ${message}`,
      Cause: `${cause === undefined ? '' : `${cause}  `}At ${isoSeconds(now)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${this.live(group).length} to ${group.desired}.`,
      StatusCode: 'Failed',
      StatusMessage: message,
      Progress: 100,
      EndTime: new Date(now),
      Details: JSON.stringify({ 'Subnet ID': this.ecs.subnetFor(az), 'Availability Zone': az }),
    });
    this.activityEvent('EC2 Instance Launch Unsuccessful', group, state.activity, '', az, 'EC2', 'AutoScalingGroup');
  }

  /** EC2 reports the instance running. */
  private launched(instance: AsgInstance): void {
    const group = instance.group;
    if (TERMINATING_STATES.has(instance.lifecycleState)) return;
    const activity = instance.launchActivity?.activity;
    if (activity) {
      activity.Progress = 50;
      this.activityEvent('EC2 Instance Launch Successful', group, activity, instance.id, instance.az, 'EC2', 'AutoScalingGroup');
    }
    const fromWarmPool = instance.containerInstance !== undefined;
    instance.timers.push(
      this.core.after(group.registrationMs, () => {
        if (instance.lifecycleState === 'Terminated' || instance.lifecycleState === 'Warmed:Terminated') return;
        // A host restarted from the warm pool: its agent reconnects with its saved registration.
        const ci = instance.containerInstance;
        if (ci && ci.status !== 'INACTIVE') this.ecs.setAgentConnected(ci, true);
        else this.register(instance, false);
      }),
    );
    const hooks = group.hooks.filter((h) => h.transition === 'autoscaling:EC2_INSTANCE_LAUNCHING');
    if (hooks.length === 0) {
      this.inService(instance);
      return;
    }
    instance.lifecycleState = 'Pending:Wait';
    for (const hook of hooks) this.startAction(instance, hook, fromWarmPool || group.warmPool !== undefined ? { origin: 'WarmPool', destination: 'AutoScalingGroup' } : undefined);
  }

  private inService(instance: AsgInstance): void {
    instance.lifecycleState = 'InService';
    const activity = instance.launchActivity?.activity;
    if (activity) {
      activity.StatusCode = 'Successful';
      activity.Progress = 100;
      activity.EndTime = new Date(this.core.now());
    }
  }

  private register(instance: AsgInstance, initial: boolean): void {
    const group = instance.group;
    const cluster = this.ecs.clusters.get(group.cluster);
    if (!cluster || (instance.containerInstance && instance.containerInstance.status !== 'INACTIVE')) return;
    instance.containerInstance = this.ecs.registerContainerInstance({ ...this.registration(instance, cluster), initial });
  }

  private registration(instance: AsgInstance, cluster: ClusterState): Omit<InstanceRegistration, 'initial'> {
    const group = instance.group;
    return {
      cluster,
      ec2InstanceId: instance.id,
      type: group.type,
      availabilityZone: instance.az,
      subnetId: instance.subnetId,
      vpcId: this.ecs.vpcId,
      amiId: group.amiId,
      capacityProviderName: group.capacityProviderName,
      asgName: group.name,
      attributes: group.attributes,
      trunking: group.eniTrunking,
    };
  }

  // ---- terminating -------------------------------------------------------------------------------------------------

  /**
   * Terminating → (Terminating:Wait while hooks run) → Terminating:Proceed → Terminated. Callers that take an
   * instance out without lowering the desired capacity reconcile afterwards (the replacement launches right away).
   */
  beginTermination(instance: AsgInstance, cause: string): void {
    if (TERMINATING_STATES.has(instance.lifecycleState)) return;
    const group = instance.group;
    // A launch still in its hooks or not yet running is cut short.
    for (const action of [...instance.actions]) this.finishAction(action, 'ABANDON', 'instance-terminated', false);
    instance.lifecycleState = 'Terminating';
    instance.terminateActivity = this.activity(group, {
      Description: `Terminating EC2 instance: ${instance.id}`,
      Cause: cause,
      StatusCode: 'InProgress',
      Progress: 0,
      Details: details(instance),
    });
    const hooks = group.hooks.filter((h) => h.transition === 'autoscaling:EC2_INSTANCE_TERMINATING');
    if (hooks.length === 0) this.proceed(instance);
    else {
      instance.lifecycleState = 'Terminating:Wait';
      for (const hook of hooks) this.startAction(instance, hook);
    }
  }

  private proceed(instance: AsgInstance): void {
    if (instance.lifecycleState === 'Terminated' || instance.lifecycleState === 'Warmed:Terminated') return;
    instance.lifecycleState = instance.warm ? 'Warmed:Terminating:Proceed' : 'Terminating:Proceed';
    instance.timers.push(
      this.core.after(instance.group.terminationMs, () => {
        this.terminated(instance);
      }),
    );
  }

  /** The EC2 instance is gone. */
  private terminated(instance: AsgInstance): void {
    if (instance.lifecycleState === 'Terminated' || instance.lifecycleState === 'Warmed:Terminated') return;
    const group = instance.group;
    for (const cancel of instance.timers) cancel();
    instance.timers = [];
    for (const action of [...instance.actions]) this.finishAction(action, undefined, 'instance-terminated', false);
    instance.lifecycleState = instance.warm ? 'Warmed:Terminated' : 'Terminated';
    if (instance.containerInstance) this.ecs.instanceTerminated(instance.containerInstance);
    const activity = instance.terminateActivity?.activity;
    if (activity) {
      activity.StatusCode = 'Successful';
      activity.Progress = 100;
      activity.EndTime = new Date(this.core.now());
      this.activityEvent('EC2 Instance Terminate Successful', group, activity, instance.id, instance.az, 'AutoScalingGroup', 'EC2');
    }
    const launch = instance.launchActivity?.activity;
    if (launch && launch.StatusCode === 'InProgress') {
      launch.StatusCode = 'Cancelled';
      launch.Progress = 100;
      launch.EndTime = new Date(this.core.now());
    }
    group.instances.delete(instance.id);
    this.stats.counters.instancesTerminated++;
    this.reconcile(group);
  }

  terminateInstance(instanceId: string | undefined, decrement: boolean | undefined): ASG.Activity {
    const instance = instanceId === undefined ? undefined : this.instances.get(instanceId);
    if (!instance || instance.lifecycleState === 'Terminated') {
      throw validationError(`Instance Id not found - No managed instance found for instance ID: ${instanceId ?? 'null'}`);
    }
    if (decrement === undefined) throw validationError('ShouldDecrementDesiredCapacity is required.');
    const group = instance.group;
    const at = isoSeconds(this.core.now());
    let cause: string;
    if (TERMINATING_STATES.has(instance.lifecycleState)) {
      return { ...(instance.terminateActivity?.activity ?? {}) } as ASG.Activity;
    }
    if (decrement) {
      if (group.desired <= group.min) {
        throw validationError(
          `Currently, desiredSize equals minSize (${group.min}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
        );
      }
      cause = `At ${at} instance ${instance.id} was taken out of service in response to a user request, shrinking the capacity from ${group.desired} to ${group.desired - 1}.`;
      group.desired--;
    } else {
      cause = `At ${at} instance ${instance.id} was taken out of service in response to a user request.`;
    }
    this.beginTermination(instance, cause);
    if (!decrement) this.reconcile(group);
    return { ...(instance.terminateActivity?.activity ?? {}) } as ASG.Activity;
  }

  // ---- instance scale-in protection --------------------------------------------------------------------------------

  /**
   * SetInstanceProtection (API reference: up to 50 instances of the group). Protection only keeps an instance from
   * being chosen by scale-in ("Instance scale-in protection does not protect Auto Scaling instances from … manual
   * termination through the Amazon EC2 Auto Scaling console, the terminate-instance-in-auto-scaling-group command …,
   * health check replacement if the instance fails health checks, Spot Instance interruptions", instance scale-in
   * protection considerations, EC2 Auto Scaling user guide). When scale-in found every instance protected the group
   * keeps its lower desired capacity and terminates once protection is removed ("its desired capacity is decremented
   * … the Auto Scaling group can't terminate the required number of instances until their instance scale-in
   * protection settings are disabled"), so removing protection reconciles the group.
   */
  setInstanceProtection(groupName: string | undefined, instanceIds: readonly string[] | undefined, protect: boolean | undefined): void {
    const group = this.group(groupName);
    if (protect === undefined) throw validationError('ProtectedFromScaleIn is required.');
    const ids = instanceIds ?? [];
    if (ids.length === 0) throw validationError('InstanceIds is required.');
    if (ids.length > 50) throw validationError('The number of instance ids that may be passed in is limited to 50');
    const instances = ids.map((id) => {
      const instance = group.instances.get(id);
      if (!instance) throw validationError(`The instance ${id} is not part of Auto Scaling group ${group.name}.`);
      return instance;
    });
    for (const instance of instances) instance.protectedFromScaleIn = protect;
    if (!protect) this.reconcile(group);
  }

  // ---- the ECS agent on an instance --------------------------------------------------------------------------------

  /** The ECS agent on the instance disconnects from or reconnects to ECS (see EcsWorld.setAgentConnected). */
  setAgentConnected(instanceId: string, connected: boolean): void {
    const ci = this.instances.get(instanceId)?.containerInstance;
    if (!ci) throw new Error(`setAgentConnected: ${instanceId} has no container instance`);
    this.ecs.setAgentConnected(ci, connected);
  }

  /** The ECS agent registers the instance again: a new container instance ARN, the old one INACTIVE. */
  reregister(instanceId: string): string {
    const instance = this.instances.get(instanceId);
    const ci = instance?.containerInstance;
    if (!instance || !ci || instance.lifecycleState === 'Terminated') throw new Error(`reregister: ${instanceId} has no container instance`);
    instance.containerInstance = this.ecs.reregisterInstance(ci, this.registration(instance, ci.cluster));
    return instance.containerInstance.arn;
  }

  // ---- Spot --------------------------------------------------------------------------------------------------------

  interruptSpot(instanceId: string): void {
    const instance = this.instances.get(instanceId);
    if (!instance || instance.lifecycleState === 'Terminated') throw new Error(`interruptSpot: no running instance ${instanceId}`);
    this.stats.counters.spotInterruptions++;
    const arn = this.core.arn('ec2', `instance/${instanceId}`);
    this.core.emit('EC2 Spot Instance Interruption Warning', EC2_SOURCE, [arn], () => ({ 'instance-id': instanceId, 'instance-action': 'terminate' }));
    instance.spotInterrupted = true;
    const ci = instance.containerInstance;
    if (instance.group.spotInstanceDraining && ci && ci.status === 'ACTIVE') this.ecs.setInstanceStatus(ci, 'DRAINING');
    const cause = `At ${isoSeconds(this.core.now())} an instance was taken out of service in response to an EC2 Spot Instance interruption notice.`;
    // With terminate hooks the group starts them at the warning; without, the instance keeps running (and its tasks
    // with it) until EC2 reclaims it.
    if (instance.group.hooks.some((h) => h.transition === 'autoscaling:EC2_INSTANCE_TERMINATING')) {
      this.beginTermination(instance, cause);
      this.reconcile(instance.group);
    }
    // EC2 reclaims the instance two minutes after the warning, whatever the hooks are waiting for.
    instance.timers.push(
      this.core.after(120_000, () => {
        this.beginTermination(instance, cause);
        this.terminated(instance);
      }),
    );
  }

  rebalanceRecommendation(instanceId: string): void {
    const instance = this.instances.get(instanceId);
    if (!instance || instance.lifecycleState === 'Terminated') throw new Error(`rebalanceRecommendation: no running instance ${instanceId}`);
    this.stats.counters.rebalanceRecommendations++;
    const arn = this.core.arn('ec2', `instance/${instanceId}`);
    this.core.emit('EC2 Instance Rebalance Recommendation', EC2_SOURCE, [arn], () => ({ 'instance-id': instanceId }));
  }

  // ---- lifecycle actions -------------------------------------------------------------------------------------------

  private startAction(instance: AsgInstance, hook: HookState, route?: { origin: string; destination: string }): void {
    const now = this.core.now();
    const group = instance.group;
    const token = this.core.random.uuid();
    const record: LifecycleActionRecord = {
      ec2InstanceId: instance.id,
      autoScalingGroupName: group.name,
      lifecycleHookName: hook.name,
      transition: hook.transition,
      lifecycleActionToken: token,
      startedAt: now,
      emptyAt: undefined,
      completedAt: undefined,
      result: undefined,
      completedBy: undefined,
      heldAfterEmptyMs: undefined,
      heartbeats: 0,
      lateCompletions: 0,
    };
    const action: LifecycleAction = {
      token,
      hook,
      instance,
      heartbeatDeadline: now + hook.heartbeatTimeoutS * 1000,
      globalDeadline: now + hook.globalTimeoutS * 1000,
      cancelTimer: undefined,
      record,
    };
    instance.actions.push(action);
    this.actionsByToken.set(token, action);
    this.stats.lifecycleActions.push(record);
    this.stats.counters.lifecycleActionsStarted++;
    this.armAction(action);
    const terminating = hook.transition === 'autoscaling:EC2_INSTANCE_TERMINATING';
    this.core.emit(terminating ? 'EC2 Instance-terminate Lifecycle Action' : 'EC2 Instance-launch Lifecycle Action', ASG_SOURCE, [group.arn], () => ({
      Origin: route?.origin ?? (terminating ? 'AutoScalingGroup' : 'EC2'),
      Destination: route?.destination ?? (terminating ? 'EC2' : 'AutoScalingGroup'),
      LifecycleActionToken: token,
      AutoScalingGroupName: group.name,
      LifecycleHookName: hook.name,
      EC2InstanceId: instance.id,
      LifecycleTransition: hook.transition,
      ...(hook.notificationMetadata === undefined ? {} : { NotificationMetadata: hook.notificationMetadata }),
    }));
    if (terminating) {
      this.noteEmpty(instance.containerInstance, instance);
      // ECS learns of its action from the lifecycle event, a moment later (and never while the group is still
      // starting the other hooks' actions).
      const listener = this.onTerminateActionStarted;
      if (listener) instance.timers.push(this.core.after(1000, () => { if (instance.actions.includes(action)) listener(action); }));
    }
  }

  private armAction(action: LifecycleAction): void {
    action.cancelTimer?.();
    const byHeartbeat = action.heartbeatDeadline < action.globalDeadline;
    const at = Math.min(action.heartbeatDeadline, action.globalDeadline);
    action.cancelTimer = this.core.at(at, () => {
      action.cancelTimer = undefined;
      this.finishAction(action, action.hook.defaultResult, byHeartbeat ? 'heartbeat-timeout' : 'global-timeout', true);
    });
  }

  /** Completes an action; when `proceed`, the instance moves on once no action is left (at once on ABANDON). */
  private finishAction(action: LifecycleAction, result: 'CONTINUE' | 'ABANDON' | undefined, by: LifecycleCompletedBy, proceed: boolean): void {
    const instance = action.instance;
    const index = instance.actions.indexOf(action);
    if (index < 0) return;
    instance.actions.splice(index, 1);
    action.cancelTimer?.();
    action.cancelTimer = undefined;
    this.actionsByToken.delete(action.token);
    const now = this.core.now();
    const record = action.record;
    record.completedAt = now;
    record.result = result;
    record.completedBy = by;
    if (record.emptyAt !== undefined) record.heldAfterEmptyMs = now - record.emptyAt;
    this.stats.counters.lifecycleActionsCompleted++;
    if (!proceed) return;
    const launching = action.hook.transition === 'autoscaling:EC2_INSTANCE_LAUNCHING';
    if (result === 'ABANDON') {
      // The other hooks' actions are dropped.
      for (const other of [...instance.actions]) this.finishAction(other, 'ABANDON', by, false);
    }
    // With several hooks the instance waits until every one is completed or has timed out: "CONTINUE allows any other
    // lifecycle hooks to complete" while "ABANDON stops any remaining actions, such as other lifecycle hooks" (EC2 Auto
    // Scaling user guide, adding-lifecycle-hooks, DefaultResult); a hook nobody completes ends at its heartbeat timeout
    // with its default result ("How lifecycle hooks work in Amazon EC2 Auto Scaling groups").
    if (instance.actions.length > 0) return;
    if (launching) {
      if (result === 'ABANDON') {
        const activity = instance.launchActivity?.activity;
        if (activity) {
          activity.StatusCode = 'Cancelled';
          activity.StatusMessage = 'Instance failed to complete user\'s Lifecycle Action: Lifecycle Action with token ' + action.token + ' was abandoned: Lifecycle Action Completed with ABANDON Result';
          activity.Progress = 100;
          activity.EndTime = new Date(now);
        }
        this.beginTermination(instance, `At ${isoSeconds(now)} an instance was taken out of service in response to a launch lifecycle action that was abandoned.`);
        this.reconcile(instance.group);
      } else if (instance.warm) {
        instance.lifecycleState = 'Warmed:Pending:Proceed';
        this.warmed(instance);
      } else {
        instance.lifecycleState = 'Pending:Proceed';
        this.inService(instance);
      }
    } else if (instance.warm && instance.lifecycleState === 'Warmed:Pending:Wait') {
      // Returning to the warm pool: stopped once the hooks are done, whatever their result.
      instance.lifecycleState = 'Warmed:Pending:Proceed';
      instance.timers.push(this.core.after(instance.group.terminationMs, () => { this.warmed(instance); }));
    } else {
      this.proceed(instance);
    }
  }

  private findAction(group: AsgState, hookName: string | undefined, instanceId: string | undefined, token: string | undefined): LifecycleAction {
    if (hookName === undefined || !group.hooks.some((h) => h.name === hookName)) {
      throw validationError(`No Lifecycle Hook found with name ${hookName ?? 'null'} for group ${group.name}`);
    }
    if (token === undefined && instanceId === undefined) throw validationError('Either InstanceId or LifecycleActionToken must be specified.');
    const action =
      token !== undefined
        ? this.actionsByToken.get(token)
        : this.instances.get(instanceId ?? '')?.actions.find((a) => a.hook.name === hookName);
    const matches = action !== undefined && action.instance.group === group && action.hook.name === hookName && (instanceId === undefined || action.instance.id === instanceId);
    if (!matches) {
      throw validationError(token !== undefined ? `No active Lifecycle Action found with token ${token}` : `No active Lifecycle Action found with instance ID ${instanceId ?? ''}`);
    }
    return action;
  }

  completeLifecycleAction(input: ASG.CompleteLifecycleActionType): void {
    const group = this.group(input.AutoScalingGroupName);
    const result = input.LifecycleActionResult;
    if (result !== 'CONTINUE' && result !== 'ABANDON') {
      throw validationError(`Invalid value ${result ?? 'null'} for parameter LifecycleActionResult. Valid values: CONTINUE, ABANDON.`);
    }
    let action: LifecycleAction;
    try {
      action = this.findAction(group, input.LifecycleHookName, input.InstanceId, input.LifecycleActionToken);
    } catch (error) {
      // Bookkeeping only (the caller gets the same error): a completion of an action that already ended.
      const ended = this.stats.lifecycleActions.findLast(
        (r) => r.ec2InstanceId === input.InstanceId && r.autoScalingGroupName === group.name && r.lifecycleHookName === input.LifecycleHookName && r.completedAt !== undefined,
      );
      if (ended) ended.lateCompletions++;
      throw error;
    }
    this.finishAction(action, result, 'api', true);
  }

  recordHeartbeat(input: ASG.RecordLifecycleActionHeartbeatType): void {
    const group = this.group(input.AutoScalingGroupName);
    const action = this.findAction(group, input.LifecycleHookName, input.InstanceId, input.LifecycleActionToken);
    action.heartbeatDeadline = Math.min(this.core.now() + action.hook.heartbeatTimeoutS * 1000, action.globalDeadline);
    action.record.heartbeats++;
    this.armAction(action);
  }

  /** PutLifecycleHook as another AWS service does it (ECS's managed-draining hook); the name must be new to the group. */
  addHook(group: AsgState, input: LifecycleHookInput): void {
    if (group.hooks.some((h) => h.name === input.name)) throw validationError(`Lifecycle Hook ${input.name} already exists for group ${group.name}`);
    group.hooks.push(hookState(input));
  }

  /** DeleteLifecycleHook: actions already waiting on it go on ("pending lifecycle actions … are completed" is not modelled: they run to their end). */
  removeHook(group: AsgState, name: string): void {
    group.hooks = group.hooks.filter((h) => h.name !== name);
  }

  /** RecordLifecycleActionHeartbeat by another AWS service (ECS for its own hook). */
  recordHeartbeatFor(action: LifecycleAction): void {
    if (!action.instance.actions.includes(action)) return;
    action.heartbeatDeadline = Math.min(this.core.now() + action.hook.heartbeatTimeoutS * 1000, action.globalDeadline);
    action.record.heartbeats++;
    this.armAction(action);
  }

  /** CompleteLifecycleAction by another AWS service (ECS for its own hook). */
  completeFor(action: LifecycleAction, result: 'CONTINUE' | 'ABANDON', by: LifecycleCompletedBy): void {
    if (!action.instance.actions.includes(action)) return;
    this.finishAction(action, result, by, true);
  }

  /** Records emptyAt on the terminate actions of the instance behind `ci` when it has no task left. */
  private noteEmpty(ci: ContainerInstanceState | undefined, known?: AsgInstance): void {
    const instance = known ?? (ci === undefined ? undefined : this.instances.get(ci.ec2InstanceId));
    if (!instance || !TERMINATE_WAIT_STATES.has(instance.lifecycleState)) return;
    if (ci !== undefined && ci.tasks.size > 0) return;
    const now = this.core.now();
    for (const action of instance.actions) {
      if (action.hook.transition === 'autoscaling:EC2_INSTANCE_TERMINATING' && action.record.emptyAt === undefined) action.record.emptyAt = now;
    }
    this.onTerminatingInstanceEmpty?.(instance);
  }

  // ---- activities --------------------------------------------------------------------------------------------------

  private activity(group: AsgState, fields: Partial<ASG.Activity>): ActivityState {
    const state: ActivityState = {
      seq: this.core.nextSeq(),
      activity: {
        ActivityId: this.core.random.uuid(),
        AutoScalingGroupName: group.name,
        AutoScalingGroupARN: group.arn,
        Description: '',
        Cause: '',
        StartTime: new Date(this.core.now()),
        StatusCode: 'InProgress',
        Progress: 0,
        ...fields,
      },
    };
    group.activities.unshift(state);
    return state;
  }

  private activityEvent(detailType: string, group: AsgState, activity: ASG.Activity, instanceId: string, az: string, origin: string, destination: string): void {
    const now = this.core.now();
    const resources = [group.arn, ...(instanceId === '' ? [] : [this.core.arn('ec2', `instance/${instanceId}`)])];
    this.core.emit(detailType, ASG_SOURCE, resources, () => ({
      Origin: origin,
      Destination: destination,
      StatusCode: detailType.endsWith('Unsuccessful') ? 'Failed' : 'InProgress',
      ...(detailType.endsWith('Unsuccessful') ? {} : { Description: activity.Description }),
      AutoScalingGroupName: group.name,
      ActivityId: activity.ActivityId,
      Details: { 'Availability Zone': az, 'Subnet ID': this.ecs.subnetFor(az) },
      RequestId: activity.ActivityId,
      StatusMessage: activity.StatusMessage ?? '',
      EndTime: isoSeconds(now),
      EC2InstanceId: instanceId,
      StartTime: isoSeconds(activity.StartTime?.getTime() ?? now),
      Cause: activity.Cause,
    }));
  }

  activitiesOf(group: AsgState): readonly ActivityState[] {
    return group.activities;
  }

  /** The instances of a group not yet Terminated. */
  instancesOf(group: AsgState): AsgInstance[] {
    return [...group.instances.values()].filter((i) => !i.warm);
  }
}

function hookState(h: LifecycleHookInput): HookState {
  const heartbeat = h.heartbeatTimeout ?? 3600;
  if (heartbeat < 30 || heartbeat > 7200) throw validationError('Heartbeat timeout must be between 30 and 7200 seconds.');
  return {
    name: h.name,
    transition: h.transition,
    heartbeatTimeoutS: heartbeat,
    globalTimeoutS: Math.min(MAX_GLOBAL_TIMEOUT_S, 100 * heartbeat),
    defaultResult: h.defaultResult ?? 'ABANDON',
    notificationMetadata: h.notificationMetadata,
  };
}

function details(instance: AsgInstance): string {
  return JSON.stringify({ 'Subnet ID': instance.subnetId, 'Availability Zone': instance.az });
}

export type { ActivityState };
