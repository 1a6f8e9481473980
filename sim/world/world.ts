/**
 * The simulated AWS account: ECS clusters on EC2 Auto Scaling groups (and Fargate), Application Auto Scaling, SNS and
 * SSM, on a virtual clock. `World` implements `AwsApis` (what the protocol server calls) and offers the controls a
 * scenario builds and drives the world with; everything it does is decided by the seed.
 *
 * Module map: core.ts (clock, random, events, batches), ecs.ts (ECS state, task and container instance lifecycles),
 * scheduler.ts (services), placement.ts (lib/placement/engine), ecs-api.ts, autoscaling.ts (+ autoscaling-api.ts),
 * aas.ts, sns.ts, ssm.ts, stats.ts (the report's records).
 */
import type * as AAS from '@aws-sdk/client-application-auto-scaling';
import type * as ECS from '@aws-sdk/client-ecs';
import { AppAutoScalingWorld } from './aas.js';
import type { ApplicationAutoScalingApi, AutoScalingApi, AwsApis, CloudFormationApi, CloudWatchApi, EcsApi, ResourceDirectory, SnsApi, SqsApi, SsmApi } from './api.js';
import { AutoScalingApiImpl } from './autoscaling-api.js';
import { AutoScalingWorld, type CreateAutoScalingGroupInput as AsgInput } from './autoscaling.js';
import { CapacityProviderWorld, type CapacityProviderSettings } from './capacity-providers.js';
import type { VirtualClock } from './clock.js';
import { Core } from './core.js';
import { EcsApiImpl } from './ecs-api.js';
import type { RegisterTaskDefinitionInput } from './ecs-model.js';
import { EcsWorld } from './ecs.js';
import { AwsApiError, serviceNotFound } from './errors.js';
import type { EventListener } from './events.js';
import { ServiceScheduler, type CreateServiceInput } from './scheduler.js';
import { SnsWorld, type SnsMessage } from './sns.js';
import { SsmWorld } from './ssm.js';
import { CloudFormationWorld } from './cloudformation.js';
import { CloudWatchWorld } from './cloudwatch.js';
import { SqsWorld } from './sqs.js';
import { Stats, type Counters, type KilledTaskRecord, type LifecycleActionRecord, type TaskStopRecord } from './stats.js';

export type { LifecycleHookInput } from './autoscaling.js';
export type { CapacityProviderSettings } from './capacity-providers.js';
export { MANAGED_DRAINING_HOOK } from './capacity-providers.js';

/**
 * An Auto Scaling group and its initial instances. With `capacityProviderName`, an ASG capacity provider of the cluster
 * (associated with it, the default strategy unchanged): with `capacityProvider` settings as CreateCapacityProvider takes
 * them (absent ones at AWS's defaults: managed draining ENABLED), without them every managed feature DISABLED.
 */
export interface CreateAutoScalingGroupInput extends AsgInput {
  capacityProvider?: CapacityProviderSettings;
}
export type { RegisterTaskDefinitionInput, TaskSimulationInput } from './ecs-model.js';
export type { EventBridgeEvent, EventListener } from './events.js';
export type { CreateServiceInput } from './scheduler.js';
export type { SnsMessage } from './sns.js';
export type { Counters, KilledTaskRecord, LifecycleActionRecord, LifecycleCompletedBy, TaskStopRecord } from './stats.js';

export interface WorldOptions {
  seed: number;
  /** Virtual start time. */
  start: Date | number;
  region?: string;
  account?: string;
}

export interface CreateClusterOptions {
  tags?: ECS.Tag[];
  capacityProviders?: string[];
  defaultCapacityProviderStrategy?: ECS.CapacityProviderStrategyItem[];
}

export interface ServiceReport {
  cluster: string;
  service: string;
  schedulingStrategy: 'REPLICA' | 'DAEMON';
  desiredCount: number;
  runningCount: number;
  minimumHealthyPercent: number;
  maximumPercent: number;
  /** The lowest number of RUNNING tasks seen since the service was created. */
  lowestRunning: number;
  lowestRunningAt: number;
  desiredAtLowest: number;
  /** ceil(minimumHealthyPercent × desired) at that moment. */
  minimumHealthyAtLowest: number;
  /** Each time a RUNNING task left RUNNING and left the service below ceil(minimumHealthyPercent × desired). */
  belowMinimumHealthy: { at: number; running: number; minimumHealthy: number; desired: number; taskArn: string; stoppedReason: string | undefined }[];
  /** Most tasks desired RUNNING at once (after a scheduler pass), vs floor(maximumPercent × desired). */
  highestFootprint: number;
  aboveMaximumPercent: number;
}

export interface WorldReport {
  /** Virtual time of the report (epoch ms). */
  at: number;
  tasksKilledByTermination: KilledTaskRecord[];
  lifecycleActions: LifecycleActionRecord[];
  /** Every stop of a RUNNING task: who, why, protected or not, how long it took, killed at its stop timeout or not. */
  taskStops: TaskStopRecord[];
  services: ServiceReport[];
  counters: Counters;
  /** `service.Operation` → calls (errors included). */
  apiCalls: Record<string, number>;
  eventsEmitted: number;
  snsMessages: number;
}

export interface AsgInstanceInfo {
  ec2InstanceId: string;
  availabilityZone: string;
  lifecycleState: string;
  containerInstanceArn: string | undefined;
  /** Instance scale-in protection (SetInstanceProtection, or ECS's managed termination protection). */
  protectedFromScaleIn: boolean;
}

const ECS_OPERATIONS: Record<keyof EcsApi, true> = {
  ListContainerInstances: true,
  DescribeContainerInstances: true,
  UpdateContainerInstancesState: true,
  ListTasks: true,
  DescribeTasks: true,
  RunTask: true,
  StopTask: true,
  ListServices: true,
  DescribeServices: true,
  UpdateService: true,
  DescribeTaskDefinition: true,
  ListTagsForResource: true,
  DescribeCapacityProviders: true,
  CreateCapacityProvider: true,
  UpdateCapacityProvider: true,
  PutClusterCapacityProviders: true,
  DescribeClusters: true,
  PutAttributes: true,
  DeleteAttributes: true,
  UpdateTaskProtection: true,
  GetTaskProtection: true,
};
const ASG_OPERATIONS: Record<keyof AutoScalingApi, true> = {
  DescribeAutoScalingGroups: true,
  DescribeAutoScalingInstances: true,
  DescribeLifecycleHooks: true,
  CompleteLifecycleAction: true,
  RecordLifecycleActionHeartbeat: true,
  DescribeScalingActivities: true,
  SetDesiredCapacity: true,
  TerminateInstanceInAutoScalingGroup: true,
  SetInstanceProtection: true,
  PutWarmPool: true,
  DescribeWarmPool: true,
};
const AAS_OPERATIONS: Record<keyof ApplicationAutoScalingApi, true> = { DescribeScalableTargets: true, DescribeScalingActivities: true };
const SNS_OPERATIONS: Record<keyof SnsApi, true> = { Publish: true, GetTopicAttributes: true };
const SSM_OPERATIONS: Record<keyof SsmApi, true> = { GetParameter: true, PutParameter: true };
const CFN_OPERATIONS: Record<keyof CloudFormationApi, true> = { DescribeStacks: true };
const CW_OPERATIONS: Record<keyof CloudWatchApi, true> = { GetMetricData: true, DescribeAlarms: true };
const SQS_OPERATIONS: Record<keyof SqsApi, true> = { GetQueueUrl: true, GetQueueAttributes: true };

/** One API call the world answered (or refused): for attributing calls to a caller, an ASG, a cluster, a hook. */
export interface ApiCallRecord {
  service: string;
  operation: string;
  input: unknown;
  /** The AWS error code, when the world refused the call. */
  errorCode: string | undefined;
}

export type ApiCallListener = (call: ApiCallRecord) => void;

/** Each operation of `impl` as a batch of the world, counted in the report and told to the API call listeners. */
function wrapApi<T extends object>(core: Core, stats: Stats, service: string, impl: T, operations: Record<keyof T, true>, listeners: readonly ApiCallListener[] = []): T {
  const out: Record<string, (input: unknown) => unknown> = {};
  for (const name of Object.keys(operations)) {
    const method = (impl as Record<string, unknown>)[name];
    // A guard at construction: every operation of the contract must have a method.
    if (typeof method !== 'function') throw new Error(`world API ${service}.${name}: the implementation has no such method`);
    const call = method as (this: T, input: unknown) => unknown;
    out[name] = (input: unknown) => {
      const key = `${service}.${name}`;
      stats.apiCalls[key] = (stats.apiCalls[key] ?? 0) + 1;
      if (listeners.length === 0) return core.batch(() => call.call(impl, input));
      let errorCode: string | undefined;
      try {
        return core.batch(() => call.call(impl, input));
      } catch (error) {
        errorCode = error instanceof AwsApiError ? error.code : 'InternalFailure';
        throw error;
      } finally {
        for (const listener of listeners) listener({ service, operation: name, input, errorCode });
      }
    };
  }
  return out as T;
}

export class World implements AwsApis {
  readonly ecs: EcsApi;
  readonly autoscaling: AutoScalingApi;
  readonly applicationAutoScaling: ApplicationAutoScalingApi;
  readonly sns: SnsApi;
  readonly ssm: SsmApi;
  readonly cloudformation: CloudFormationApi;
  readonly cloudwatch: CloudWatchApi;
  readonly sqs: SqsApi;
  /** A deployed stage's stack, metrics, alarms and failure queue, for `ecs-ops status` (controls to put them). */
  readonly stackWorld: CloudFormationWorld;
  readonly cloudwatchWorld: CloudWatchWorld;
  readonly sqsWorld: SqsWorld;
  readonly region: string;
  readonly account: string;
  readonly seed: number;

  private readonly core: Core;
  private readonly stats = new Stats();
  private readonly ecsWorld: EcsWorld;
  private readonly scheduler: ServiceScheduler;
  private readonly asgWorld: AutoScalingWorld;
  private readonly capacityProviders: CapacityProviderWorld;
  private readonly aasWorld: AppAutoScalingWorld;
  private readonly snsWorld: SnsWorld;
  private readonly ssmWorld: SsmWorld;
  private readonly ecsApiImpl: EcsApiImpl;
  private readonly apiCallListeners: ApiCallListener[] = [];

  constructor(options: WorldOptions) {
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
    this.seed = options.seed;
    const startMs = options.start instanceof Date ? options.start.getTime() : options.start;
    this.core = new Core({ seed: options.seed, startMs, region: this.region, account: this.account });
    this.ecsWorld = new EcsWorld(this.core, this.stats);
    this.scheduler = new ServiceScheduler(this.ecsWorld, this.core, this.stats);
    this.asgWorld = new AutoScalingWorld(this.core, this.ecsWorld, this.stats);
    this.capacityProviders = new CapacityProviderWorld(this.core, this.ecsWorld, this.asgWorld);
    this.aasWorld = new AppAutoScalingWorld(this.core, this.stats);
    this.snsWorld = new SnsWorld(this.core, this.stats);
    this.ssmWorld = new SsmWorld(this.core);
    this.ecsApiImpl = new EcsApiImpl(this.core, this.ecsWorld, this.scheduler, this.stats, this.capacityProviders);
    this.ecs = wrapApi<EcsApi>(this.core, this.stats, 'ecs', this.ecsApiImpl, ECS_OPERATIONS, this.apiCallListeners);
    this.autoscaling = wrapApi<AutoScalingApi>(this.core, this.stats, 'autoscaling', new AutoScalingApiImpl(this.asgWorld), ASG_OPERATIONS, this.apiCallListeners);
    this.applicationAutoScaling = wrapApi<ApplicationAutoScalingApi>(this.core, this.stats, 'applicationAutoScaling', this.aasWorld, AAS_OPERATIONS, this.apiCallListeners);
    this.sns = wrapApi<SnsApi>(this.core, this.stats, 'sns', this.snsWorld, SNS_OPERATIONS, this.apiCallListeners);
    this.ssm = wrapApi<SsmApi>(this.core, this.stats, 'ssm', this.ssmWorld, SSM_OPERATIONS, this.apiCallListeners);
    this.stackWorld = new CloudFormationWorld(this.core);
    this.cloudwatchWorld = new CloudWatchWorld(this.core);
    this.sqsWorld = new SqsWorld(this.core);
    this.cloudformation = wrapApi<CloudFormationApi>(this.core, this.stats, 'cloudformation', this.stackWorld, CFN_OPERATIONS, this.apiCallListeners);
    this.cloudwatch = wrapApi<CloudWatchApi>(this.core, this.stats, 'cloudwatch', this.cloudwatchWorld, CW_OPERATIONS, this.apiCallListeners);
    this.sqs = wrapApi<SqsApi>(this.core, this.stats, 'sqs', this.sqsWorld, SQS_OPERATIONS, this.apiCallListeners);
  }

  // ---- time --------------------------------------------------------------------------------------------------------

  /** The virtual clock (read it; move it with advanceBy/advanceTo/runUntilIdle). */
  get clock(): VirtualClock {
    return this.core.clock;
  }

  now(): number {
    return this.core.now();
  }

  /** Runs everything due up to `ms` (the timers of each instant as one batch), then sets the time to `ms`. */
  advanceTo(ms: number): void {
    const clock = this.core.clock;
    for (let next = clock.next(); next !== undefined && next <= ms; next = clock.next()) {
      const at = next;
      this.core.batch(() => clock.advanceTo(at));
    }
    clock.advanceTo(Math.max(ms, clock.now()));
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.core.now() + ms);
  }

  /**
   * Runs until nothing is scheduled (every task settled, no lifecycle action waiting, no placement being retried) or
   * `maxMs` of virtual time passed. Returns true when idle.
   */
  runUntilIdle(maxMs = 24 * 60 * 60 * 1000): boolean {
    const clock = this.core.clock;
    const limit = clock.now() + maxMs;
    for (;;) {
      const next = clock.next();
      if (next === undefined) return true;
      if (next > limit) {
        this.advanceTo(limit);
        return false;
      }
      this.core.batch(() => clock.advanceTo(next));
    }
  }

  // ---- events ------------------------------------------------------------------------------------------------------

  /** Every API call through `ecs`, `autoscaling`, … (the server's and the controls' alike), after it was answered. */
  onApiCall(listener: ApiCallListener): void {
    this.apiCallListeners.push(listener);
  }

  /** Every event the world emits, as a full EventBridge envelope, in order. Returns an unsubscribe function. */
  onEvent(listener: EventListener): () => void {
    return this.core.onEvent(listener);
  }

  // ---- building the world ------------------------------------------------------------------------------------------

  createCluster(name: string, options: CreateClusterOptions = {}): string {
    return this.core.batch(() => this.ecsWorld.createCluster(name, options).arn);
  }

  /** Registers a revision of the family; returns `arn:aws:ecs:<region>:<account>:task-definition/<family>:<rev>`. */
  registerTaskDefinition(input: RegisterTaskDefinitionInput): string {
    return this.core.batch(() => this.ecsWorld.registerTaskDefinition(input).arn);
  }

  /** Creates the group with its initial instances InService and registered in the cluster. Returns the group ARN. */
  createAutoScalingGroup(input: CreateAutoScalingGroupInput): string {
    return this.core.batch(() => {
      const { capacityProvider, ...groupInput } = input;
      const group = this.asgWorld.createGroup(groupInput);
      const name = input.capacityProviderName;
      if (name !== undefined) {
        const settings: CapacityProviderSettings = capacityProvider ?? { managedDraining: 'DISABLED', managedTerminationProtection: 'DISABLED' };
        this.capacityProviders.create(name, group.name, settings);
        const cluster = this.ecsWorld.cluster(group.cluster);
        this.capacityProviders.putClusterCapacityProviders(cluster, [...cluster.capacityProviders, name], cluster.defaultCapacityProviderStrategy);
      }
      return group.arn;
    });
  }

  /** PutClusterCapacityProviders, as a user would call it (same validation and errors). */
  putClusterCapacityProviders(cluster: string, capacityProviders: string[], defaultCapacityProviderStrategy: ECS.CapacityProviderStrategyItem[]): void {
    this.core.batch(() => {
      this.capacityProviders.putClusterCapacityProviders(this.ecsWorld.cluster(cluster), capacityProviders, defaultCapacityProviderStrategy);
    });
  }

  /** UpdateCapacityProvider, as a user would call it (e.g. managed draining switched off or on). */
  updateCapacityProvider(name: string, update: ECS.AutoScalingGroupProviderUpdate): void {
    this.core.batch(() => {
      this.capacityProviders.update(name, update);
    });
  }

  /** Creates the service with its initial tasks placed and RUNNING. Returns the service ARN. */
  createService(input: CreateServiceInput): string {
    return this.core.batch(() => this.scheduler.createService(input).arn);
  }

  /** A scalable target for the service (what `scaleService` clamps to and reports against). */
  registerScalableTarget(input: { cluster: string; service: string; minCapacity: number; maxCapacity: number; policyName?: string }): AAS.ScalableTarget {
    return this.core.batch(() => this.aasWorld.registerScalableTarget(input.cluster, input.service, input.minCapacity, input.maxCapacity, input.policyName));
  }

  createTopic(arnOrName: string): string {
    return this.snsWorld.createTopic(arnOrName);
  }

  // ---- driving the world -------------------------------------------------------------------------------------------

  // Controls act like the API calls they stand for, but are not counted in the report's apiCalls (those are what the
  // code under test called).

  /**
   * SetDesiredCapacity, as a user would call it (same validation and errors); with `alarm`, as that CloudWatch alarm's
   * scaling policy would (target tracking, step scaling, ECS managed scaling).
   */
  setDesiredCapacity(autoScalingGroupName: string, desiredCapacity: number, alarm?: { name: string; policy: string }): void {
    this.core.batch(() => {
      this.asgWorld.setDesiredCapacity(autoScalingGroupName, desiredCapacity, alarm);
    });
  }

  /** TerminateInstanceInAutoScalingGroup, as a user would call it. */
  terminateInstance(ec2InstanceId: string, shouldDecrementDesiredCapacity: boolean): void {
    this.core.batch(() => {
      this.asgWorld.terminateInstance(ec2InstanceId, shouldDecrementDesiredCapacity);
    });
  }

  /** EC2 Spot Instance Interruption Warning now; the instance is terminated 120 s later (hooks or not). */
  interruptSpot(ec2InstanceId: string): void {
    this.core.batch(() => {
      this.asgWorld.interruptSpot(ec2InstanceId);
    });
  }

  /** EC2 Instance Rebalance Recommendation for the instance. */
  rebalanceRecommendation(ec2InstanceId: string): void {
    this.core.batch(() => {
      this.asgWorld.rebalanceRecommendation(ec2InstanceId);
    });
  }

  /** UpdateService with a new task definition: a rolling deployment (IN_PROGRESS, then COMPLETED or FAILED). */
  deploy(cluster: string, service: string, taskDefinition: string): void {
    this.core.batch(() => {
      const state = this.ecsWorld.cluster(cluster).services.get(service);
      if (!state) throw serviceNotFound();
      this.scheduler.updateService(state, { taskDefinition });
    });
  }

  /**
   * As Application Auto Scaling would: records a scaling activity (clamped to the scalable target, if any) and sets
   * the service's desired count. Returns the activity.
   */
  scaleService(cluster: string, service: string, desiredCount: number, cause?: string): AAS.ScalingActivity {
    return this.core.batch(() => {
      const state = this.ecsWorld.cluster(cluster).services.get(service);
      if (!state) throw serviceNotFound();
      return this.aasWorld.scale(cluster, service, state.desiredCount, desiredCount, cause, (desired) => {
        this.scheduler.updateService(state, { desiredCount: desired });
      }).activity;
    });
  }

  /** Launches in this AZ fail with InsufficientInstanceCapacity while set. */
  setInsufficientCapacity(autoScalingGroupName: string, availabilityZone: string, insufficient: boolean): void {
    this.core.batch(() => {
      this.asgWorld.setInsufficientCapacity(autoScalingGroupName, availabilityZone, insufficient);
    });
  }

  /** Whether Fargate (or Fargate Spot) has capacity; without it tasks fail with RESOURCE:FARGATE. */
  setFargateCapacity(provider: 'FARGATE' | 'FARGATE_SPOT', available: boolean): void {
    this.core.batch(() => {
      this.ecsWorld.fargateAvailable[provider] = available;
      if (available) for (const service of this.ecsWorld.blocked) this.ecsWorld.retry(service);
    });
  }

  /** A Fargate Spot interruption of the task (the warning, stopCode SpotInterruption, now; stopped two minutes later). */
  interruptFargateSpotTask(cluster: string, taskArn: string): void {
    this.core.batch(() => {
      const task = this.ecsWorld.findTask(this.ecsWorld.cluster(cluster), taskArn);
      if (!task) throw new Error(`interruptFargateSpotTask: no task ${taskArn}`);
      this.ecsWorld.interruptFargateSpot(task);
    });
  }

  /** The cluster's RUNNING FARGATE_SPOT tasks (of the service, in the AZ, if given), ARNs in creation order. */
  fargateSpotTasks(cluster: string, service?: string, availabilityZone?: string): string[] {
    const out: string[] = [];
    for (const task of this.ecsWorld.allTasks(this.ecsWorld.cluster(cluster))) {
      if (task.purged || task.lastStatus !== 'RUNNING' || task.desiredStatus !== 'RUNNING' || task.capacityProviderName !== 'FARGATE_SPOT') continue;
      if (service !== undefined && task.service?.name !== service) continue;
      if (availabilityZone !== undefined && task.availabilityZone !== availabilityZone) continue;
      out.push(task.arn);
    }
    return out;
  }

  /** UpdateTaskProtection, as a user (or the task itself, through the agent endpoint) would call it. */
  updateTaskProtection(cluster: string, tasks: string[], protectionEnabled: boolean, expiresInMinutes?: number): ECS.UpdateTaskProtectionResponse {
    return this.core.batch(() =>
      this.ecsApiImpl.UpdateTaskProtection({ cluster, tasks, protectionEnabled, ...(expiresInMinutes === undefined ? {} : { expiresInMinutes }) }),
    );
  }

  /** PutWarmPool, as a user would call it; `initial`: the pool is part of the starting fleet (instances ready, no events). */
  putWarmPool(
    autoScalingGroupName: string,
    config: { minSize?: number; maxGroupPreparedCapacity?: number; poolState?: 'Stopped' | 'Running' | 'Hibernated'; reuseOnScaleIn?: boolean },
    initial = false,
  ): void {
    this.core.batch(() => {
      this.asgWorld.putWarmPool(autoScalingGroupName, config, initial);
    });
  }

  /** The group's warm pool instances (any Warmed:* state), in launch order. */
  warmPoolInstances(autoScalingGroupName: string): AsgInstanceInfo[] {
    return this.asgWorld.warmPoolOf(this.asgWorld.group(autoScalingGroupName)).instances.map((i) => ({
      ec2InstanceId: i.id,
      availabilityZone: i.az,
      lifecycleState: i.lifecycleState,
      containerInstanceArn: i.containerInstance?.arn,
      protectedFromScaleIn: i.protectedFromScaleIn,
    }));
  }

  /** SetInstanceProtection, as a user would call it. */
  setInstanceProtection(autoScalingGroupName: string, instanceIds: string[], protectedFromScaleIn: boolean): void {
    this.core.batch(() => {
      this.asgWorld.setInstanceProtection(autoScalingGroupName, instanceIds, protectedFromScaleIn);
    });
  }

  /** The ECS agent on the EC2 instance disconnects (false) or reconnects (true). */
  setAgentConnected(ec2InstanceId: string, connected: boolean): void {
    this.core.batch(() => {
      this.asgWorld.setAgentConnected(ec2InstanceId, connected);
    });
  }

  /** The ECS agent registers the EC2 instance again: returns the new container instance ARN (the old one is INACTIVE). */
  reregisterInstance(ec2InstanceId: string): string {
    return this.core.batch(() => this.asgWorld.reregister(ec2InstanceId));
  }

  /** The service's tasks not yet STOPPED (desired RUNNING), ARNs in creation order. */
  serviceTaskArns(cluster: string, service: string): string[] {
    const state = this.ecsWorld.cluster(cluster).services.get(service);
    if (!state) throw serviceNotFound();
    return [...state.tasks].filter((t) => t.desiredStatus === 'RUNNING').map((t) => t.arn);
  }

  // ---- looking at the world ----------------------------------------------------------------------------------------

  /** CapacityProviderReservation data points ECS published so far (providers with managed scaling), in order. */
  capacityProviderReservations(): { at: number; capacityProvider: string; value: number; m: number; n: number }[] {
    return this.capacityProviders.reservations.map((r) => ({ ...r }));
  }

  /** The group's desired capacity now. */
  desiredCapacity(autoScalingGroupName: string): number {
    return this.asgWorld.group(autoScalingGroupName).desired;
  }

  /** The group's instances not yet Terminated, in launch order. */
  autoScalingInstances(autoScalingGroupName: string): AsgInstanceInfo[] {
    return this.asgWorld.instancesOf(this.asgWorld.group(autoScalingGroupName)).map((i) => ({
      ec2InstanceId: i.id,
      availabilityZone: i.az,
      lifecycleState: i.lifecycleState,
      containerInstanceArn: i.containerInstance?.arn,
      protectedFromScaleIn: i.protectedFromScaleIn,
    }));
  }

  /**
   * The cluster's tasks that ListTasks lists by default (desired RUNNING, not STOPPED), in creation order: AZ, group
   * and last status only. For the scenario's fleet charts, without paging through the API.
   */
  activeTasks(cluster: string): { availabilityZone: string; group: string; lastStatus: string }[] {
    const out: { availabilityZone: string; group: string; lastStatus: string }[] = [];
    for (const task of this.ecsWorld.allTasks(this.ecsWorld.cluster(cluster))) {
      if (task.purged || task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED') continue;
      out.push({ availabilityZone: task.availabilityZone, group: task.group, lastStatus: task.lastStatus });
    }
    return out;
  }

  /**
   * Each service's desired and RUNNING count now (what DescribeServices reports as desiredCount and runningCount), and
   * whether its last placement attempt failed. For the scenario's per-service charts, read without paging the API.
   */
  serviceCounts(): { cluster: string; service: string; desired: number; running: number; placementBlocked: boolean }[] {
    const out: { cluster: string; service: string; desired: number; running: number; placementBlocked: boolean }[] = [];
    for (const cluster of this.ecsWorld.clusters.values()) {
      for (const s of cluster.services.values()) out.push({ cluster: cluster.name, service: s.name, desired: s.desiredCount, running: s.running, placementBlocked: s.placementBlocked });
    }
    return out;
  }

  /** Every SNS publication, in order. */
  /**
   * Names of the account's resources as IAM sees them (sim/iam builds each call's IAM request from them). Reads only:
   * no batch, nothing counted.
   */
  get resourceDirectory(): ResourceDirectory {
    return {
      account: this.account,
      region: this.region,
      taskDefinition: (reference) => {
        const state = this.ecsWorld.resolveTaskDefinition(reference);
        if (state === undefined) return undefined;
        // A role may be given by name in a task definition: IAM sees its ARN.
        const role = (name: string | undefined) => (name === undefined || name.startsWith('arn:') ? name : `arn:aws:iam::${this.account}:role/${name}`);
        return { arn: state.arn, taskRoleArn: role(state.definition.taskRoleArn), executionRoleArn: role(state.definition.executionRoleArn) };
      },
      autoScalingGroupArn: (name) => this.asgWorld.groups.get(name)?.arn,
      autoScalingGroupOfInstance: (ec2InstanceId) => this.asgWorld.instances.get(ec2InstanceId)?.group.name,
      stackArn: (name) => this.stackWorld.stackArn(name),
    };
  }

  get snsMessages(): readonly SnsMessage[] {
    return this.snsWorld.messages;
  }

  report(): WorldReport {
    const services: ServiceReport[] = [];
    for (const cluster of this.ecsWorld.clusters.values()) {
      for (const s of cluster.services.values()) {
        services.push({
          cluster: cluster.name,
          service: s.name,
          schedulingStrategy: s.schedulingStrategy,
          desiredCount: s.desiredCount,
          runningCount: s.running,
          minimumHealthyPercent: s.deploymentConfiguration.minimumHealthyPercent,
          maximumPercent: s.deploymentConfiguration.maximumPercent,
          lowestRunning: s.stats.lowestRunning,
          lowestRunningAt: s.stats.lowestRunningAt,
          desiredAtLowest: s.stats.desiredAtLowest,
          minimumHealthyAtLowest: s.stats.minimumHealthyAtLowest,
          belowMinimumHealthy: s.stats.belowMinimumHealthy.map((b) => ({ ...b })),
          highestFootprint: s.stats.highestFootprint,
          aboveMaximumPercent: s.stats.aboveMaximumPercent,
        });
      }
    }
    return {
      at: this.core.now(),
      tasksKilledByTermination: this.stats.killedTasks.map((k) => ({ ...k })),
      lifecycleActions: this.stats.lifecycleActions.map((a) => ({ ...a })),
      taskStops: this.stats.taskStops.map((t) => ({ ...t })),
      services,
      counters: { ...this.stats.counters },
      apiCalls: { ...this.stats.apiCalls },
      eventsEmitted: this.core.eventsEmitted,
      snsMessages: this.snsWorld.messages.length,
    };
  }
}
