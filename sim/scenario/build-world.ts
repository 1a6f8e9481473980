/**
 * The one module that knows the simulated world's control API (sim/world/world.ts): it builds a `World` from a
 * scenario's fleet, applies the timeline actions that act on the world, samples the fleet for the report's charts,
 * and reads the world's records (tasks killed, lifecycle actions, service floors, SNS publications). Everything else
 * in sim/scenario talks to the `SimWorld` interface below, so a change of the world's names is absorbed here.
 */
import type * as ECS from '@aws-sdk/client-ecs';
import type { AwsApis, ResourceDirectory } from '../world/api.js';
import type { CloudFormationWorld } from '../world/cloudformation.js';
import type { CloudWatchWorld } from '../world/cloudwatch.js';
import { INSTANCE_TYPES } from '../world/instance-types.js';
import type { SqsWorld } from '../world/sqs.js';
import { World, type ApiCallListener, type CapacityProviderSettings, type EventBridgeEvent, type LifecycleHookInput } from '../world/world.js';
import type { FleetSpec, TaskDefinitionSpec } from './schema.js';

/** Instance types the world can launch. */
export const INSTANCE_TYPE_NAMES: readonly string[] = [...INSTANCE_TYPES.keys()];

const DEFAULT_IMAGE = 'public.ecr.aws/docker/library/nginx:latest';

export type WorldEvent = EventBridgeEvent;

/** What the world does on a timeline action (the runner handles the others). */
export type WorldAction =
  | { type: 'scaleAsg'; asg: string; desired: number; alarm?: { name: string; policy: string } | undefined }
  | { type: 'terminateInstance'; asg?: string | undefined; instance: number | string; decrement: boolean }
  | { type: 'interruptSpot' | 'rebalanceRecommendation'; asg: string; count?: number | undefined; instance?: number | string | undefined }
  | { type: 'setDesiredCount'; cluster: string; service: string; desired: number; cause?: string | undefined }
  | { type: 'deploy'; cluster: string; service: string; taskDefinition: string }
  | { type: 'insufficientCapacity'; asg: string; az: string; enabled: boolean }
  | {
      type: 'runTask';
      cluster: string;
      taskDefinition: string;
      count: number;
      startedBy?: string | undefined;
      group?: string | undefined;
      /** Pins the tasks to that instance of the ASG (index among its instances not terminated, or an id). */
      instance?: { asg: string; index: number | string } | undefined;
    }
  | { type: 'protectTasks'; cluster: string; service: string; count: number; enabled: boolean; /** ms */ expiresIn?: number | undefined }
  | { type: 'setInstanceProtection'; asg: string; instances?: (number | string)[] | undefined; protected: boolean }
  | { type: 'agentDisconnect' | 'agentReconnect' | 'reregisterInstance'; asg: string; instance: number | string; for?: number | undefined }
  | { type: 'fargateCapacity'; provider: 'FARGATE' | 'FARGATE_SPOT'; available: boolean }
  | { type: 'interruptFargateSpot'; cluster: string; service?: string | undefined; count: number; az?: string | undefined };

export type InstancePhase = 'pending' | 'inService' | 'terminating';

/** The fleet at one moment, per Availability Zone. */
export interface FleetSample {
  at: number;
  zones: Record<string, { instances: Record<InstancePhase, number>; running: Record<string, number>; pending: number }>;
  /** Per `cluster/service`: desired and RUNNING count, and whether its last placement attempt failed. */
  services: Record<string, { desired: number; running: number; placementBlocked: boolean }>;
}

export interface KilledTask {
  at: number;
  cluster: string;
  service: string | undefined;
  taskArn: string;
  lastStatus: string;
  ec2InstanceId: string;
}

export interface LifecycleActionFact {
  ec2InstanceId: string;
  asg: string;
  hook: string;
  transition: 'terminating' | 'launching';
  startedAt: number;
  emptyAt: number | undefined;
  completedAt: number | undefined;
  result: string | undefined;
  /** `api` (CompleteLifecycleAction), `heartbeat-timeout`, `global-timeout`, `instance-terminated`. */
  completedBy: string | undefined;
  heldAfterEmptyMs: number | undefined;
  heartbeats: number;
  lateCompletions: number;
}

export interface ServiceFact {
  cluster: string;
  service: string;
  desired: number;
  running: number;
  minimumHealthyPercent: number;
  maximumPercent: number;
  lowestRunning: number;
  lowestRunningAt: number;
  desiredAtLowest: number;
  minimumHealthyAtLowest: number;
  belowMinimumHealthy: { at: number; running: number; minimumHealthy: number; desired: number; stoppedReason: string | undefined }[];
}

/** A RUNNING task asked to stop (sim/world/stats.ts TaskStopRecord). */
export interface TaskStopFact {
  at: number;
  cluster: string;
  service: string | undefined;
  taskArn: string;
  stopCode: string;
  reason: string;
  protected: boolean;
  stoppedAfterMs: number | undefined;
  killedAtStopTimeout: boolean;
}

export interface WorldFacts {
  tasksKilled: KilledTask[];
  taskStops: TaskStopFact[];
  lifecycleActions: LifecycleActionFact[];
  services: ServiceFact[];
  counters: Record<string, number>;
  eventsEmitted: number;
}

export interface SnsPublication {
  at: number;
  topicArn: string;
  subject: string | undefined;
  message: string;
  attributes: Record<string, string>;
}

/** The world as the runner sees it. */
export interface AsgEndState {
  name: string;
  desiredCapacity: number;
  highestDesired: number;
  lowestDesired: number;
  instances: { id: string; lifecycleState: string; protectedFromScaleIn: boolean }[];
}

export interface SimWorld {
  /** What the AWS server calls. */
  readonly apis: AwsApis;
  /** Names of the account's resources as IAM sees them (sim/iam). */
  readonly resourceDirectory: ResourceDirectory;
  now(): number;
  /** The virtual clock: the bus's timers live on it too. */
  readonly clock: {
    now(): number;
    after(delayMs: number, fn: () => void): unknown;
    next(): number | undefined;
    /** Runs everything due up to `ms` (each instant as one batch of the world), then sets the time. */
    advanceTo(ms: number): void;
  };
  onEvent(listener: (event: WorldEvent) => void): () => void;
  createTopic(arn: string): void;
  putSecureString(name: string, value: string): void;
  /** Applies an action; returns what happened, for the timeline. Throws when the world refuses it. */
  apply(action: WorldAction): string;
  sample(): FleetSample;
  /** Each ASG now, with the range of desired capacities the samples saw. */
  autoScalingGroups(): AsgEndState[];
  /** CapacityProviderReservation as ECS published it each minute (providers with managed scaling). */
  capacityProviderReservations(): { at: number; capacityProvider: string; value: number; m: number; n: number }[];
  snsPublications(): SnsPublication[];
  facts(): WorldFacts;
  /** The container instance ARN of an EC2 instance of an ASG (not terminated), if it is registered with ECS. */
  containerInstanceOf(ec2InstanceId: string): string | undefined;
  /** Every API call the world answered (or refused), after it was answered. */
  onApiCall(listener: ApiCallListener): void;
  /** A deployed ecs-ops stage's stack, metrics, alarms and queues (sim/deployed-stage.ts puts them; `ecs-ops status` reads). */
  readonly deployment: { stacks: CloudFormationWorld; metrics: CloudWatchWorld; queues: SqsWorld };
}

export interface BuildWorldOptions {
  seed: number;
  startMs: number;
  region: string;
  account: string;
}

/** Thrown when the world refuses part of the fleet; `path` is where in the scenario it is declared. */
export class FleetBuildError extends Error {
  override readonly name = 'FleetBuildError';

  constructor(
    message: string,
    readonly path: (string | number)[],
  ) {
    super(message);
  }
}

function registration(td: TaskDefinitionSpec): Parameters<World['registerTaskDefinition']>[0] {
  const containers: ECS.ContainerDefinition[] = td.containers
    ? td.containers.map((c) => ({
        name: c.name,
        image: c.image ?? DEFAULT_IMAGE,
        ...(c.cpu === undefined ? {} : { cpu: c.cpu }),
        ...(c.memory === undefined ? {} : { memory: c.memory }),
        ...(c.memoryReservation === undefined ? {} : { memoryReservation: c.memoryReservation }),
        essential: c.essential ?? true,
        ...(c.portMappings === undefined ? {} : { portMappings: c.portMappings }),
        ...(c.stopTimeout === undefined ? {} : { stopTimeout: c.stopTimeout / 1000 }),
      }))
    : [
        {
          name: td.family,
          image: DEFAULT_IMAGE,
          cpu: td.cpu ?? 0,
          ...(td.memory === undefined ? {} : { memory: td.memory }),
          essential: true,
          ...(td.stopTimeout === undefined ? {} : { stopTimeout: td.stopTimeout / 1000 }),
        },
      ];
  const sim = td.simulation;
  return {
    family: td.family,
    containerDefinitions: containers,
    ...(td.networkMode === undefined ? {} : { networkMode: td.networkMode }),
    ...(td.requiresCompatibilities === undefined ? {} : { requiresCompatibilities: td.requiresCompatibilities }),
    ...(td.containers && td.cpu !== undefined ? { cpu: String(td.cpu) } : {}),
    ...(td.containers && td.memory !== undefined ? { memory: String(td.memory) } : {}),
    ...(td.placementConstraints === undefined ? {} : { placementConstraints: td.placementConstraints }),
    ...(td.taskRoleArn === undefined ? {} : { taskRoleArn: td.taskRoleArn }),
    ...(td.executionRoleArn === undefined ? {} : { executionRoleArn: td.executionRoleArn }),
    simulation: {
      ...(sim?.startDelay === undefined ? {} : { startSeconds: sim.startDelay / 1000 }),
      ...(sim?.stopDelay === undefined ? {} : { stopSeconds: sim.stopDelay / 1000 }),
      ...(sim?.runFor === undefined ? {} : { runSeconds: sim.runFor / 1000 }),
      ...(sim?.exitCode === undefined ? {} : { exitCode: sim.exitCode }),
      ...(sim?.failToStart === undefined ? {} : { failToStart: sim.failToStart }),
      ...(sim?.ignoreSigterm === undefined ? {} : { ignoreSigterm: sim.ignoreSigterm }),
    },
  };
}

function phase(lifecycleState: string): InstancePhase | undefined {
  if (lifecycleState.startsWith('Pending')) return 'pending';
  if (lifecycleState === 'InService') return 'inService';
  if (lifecycleState === 'Terminated') return undefined;
  if (lifecycleState.startsWith('Terminating')) return 'terminating';
  return 'inService';
}

/** The scenario's capacityProvider block as CreateCapacityProvider settings (durations to seconds). */
function capacityProviderSettings(cp: NonNullable<FleetSpec['clusters'][number]['asgs'][number]['capacityProvider']>): CapacityProviderSettings {
  const scaling = cp.managedScaling;
  return {
    ...(scaling === undefined
      ? {}
      : {
          managedScaling: {
            status: scaling.status,
            ...(scaling.targetCapacity === undefined ? {} : { targetCapacity: scaling.targetCapacity }),
            ...(scaling.minimumScalingStepSize === undefined ? {} : { minimumScalingStepSize: scaling.minimumScalingStepSize }),
            ...(scaling.maximumScalingStepSize === undefined ? {} : { maximumScalingStepSize: scaling.maximumScalingStepSize }),
            ...(scaling.instanceWarmupPeriod === undefined ? {} : { instanceWarmupPeriod: Math.round(scaling.instanceWarmupPeriod / 1000) }),
          },
        }),
    ...(cp.managedTerminationProtection === undefined ? {} : { managedTerminationProtection: cp.managedTerminationProtection }),
    ...(cp.managedDraining === undefined ? {} : { managedDraining: cp.managedDraining }),
  };
}

/** Builds the world: clusters, task definitions (in order), ASGs with their initial instances, services. */
export function buildWorld(fleet: FleetSpec, options: BuildWorldOptions): SimWorld {
  const world = new World({ seed: options.seed, start: options.startMs, region: options.region, account: options.account });
  const at = <T>(path: (string | number)[], fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      throw new FleetBuildError(error instanceof Error ? error.message : String(error), path);
    }
  };

  fleet.clusters.forEach((cluster, ci) => at(['fleet', 'clusters', ci], () => world.createCluster(cluster.name)));
  fleet.taskDefinitions.forEach((td, i) => at(['fleet', 'taskDefinitions', i], () => world.registerTaskDefinition(registration(td))));
  const asgClusters = new Map<string, string>();
  fleet.clusters.forEach((cluster, ci) => {
    cluster.asgs.forEach((asg, ai) => {
      asgClusters.set(asg.name, cluster.name);
      at(['fleet', 'clusters', ci, 'asgs', ai], () =>
        world.createAutoScalingGroup({
          name: asg.name,
          cluster: cluster.name,
          instanceType: asg.instanceType,
          availabilityZones: asg.availabilityZones,
          minSize: asg.minSize,
          maxSize: asg.maxSize ?? Math.max(asg.desiredCapacity, 10),
          desiredCapacity: asg.desiredCapacity,
          spot: asg.spot,
          ...(asg.capacityProviderName === undefined ? {} : { capacityProviderName: asg.capacityProviderName }),
          ...(asg.capacityProvider === undefined ? {} : { capacityProviderName: asg.capacityProvider.name, capacityProvider: capacityProviderSettings(asg.capacityProvider) }),
          ...(asg.launchDelay === undefined ? {} : { launchSeconds: asg.launchDelay / 1000 }),
          ...(asg.registrationDelay === undefined ? {} : { registrationSeconds: asg.registrationDelay / 1000 }),
          ...(asg.terminationDelay === undefined ? {} : { terminationSeconds: asg.terminationDelay / 1000 }),
          ...(asg.spotInstanceDraining === undefined ? {} : { spotInstanceDraining: asg.spotInstanceDraining }),
          ...(asg.attributes === undefined ? {} : { attributes: asg.attributes }),
          ...(asg.protectFromScaleIn === undefined ? {} : { protectFromScaleIn: asg.protectFromScaleIn }),
          lifecycleHooks: asg.lifecycleHooks.map(
            (hook): LifecycleHookInput => ({
              name: hook.name,
              transition: hook.transition === 'terminating' || hook.transition === 'autoscaling:EC2_INSTANCE_TERMINATING' ? 'autoscaling:EC2_INSTANCE_TERMINATING' : 'autoscaling:EC2_INSTANCE_LAUNCHING',
              ...(hook.heartbeatTimeout === undefined ? {} : { heartbeatTimeout: hook.heartbeatTimeout / 1000 }),
              ...(hook.defaultResult === undefined ? {} : { defaultResult: hook.defaultResult }),
            }),
          ),
        }),
      );
    });
  });
  fleet.clusters.forEach((cluster, ci) => {
    if (cluster.capacityProviders === undefined && cluster.defaultCapacityProviderStrategy === undefined) return;
    at(['fleet', 'clusters', ci], () => {
      const ofAsgs = cluster.asgs.map((a) => a.capacityProvider?.name ?? a.capacityProviderName).filter((n): n is string => n !== undefined);
      world.putClusterCapacityProviders(cluster.name, [...ofAsgs, ...(cluster.capacityProviders ?? [])], cluster.defaultCapacityProviderStrategy ?? []);
    });
  });
  fleet.clusters.forEach((cluster, ci) => {
    cluster.asgs.forEach((asg, ai) => {
      const pool = asg.warmPool;
      if (pool) at(['fleet', 'clusters', ci, 'asgs', ai, 'warmPool'], () => { world.putWarmPool(asg.name, { ...pool }, true); });
    });
  });
  fleet.clusters.forEach((cluster, ci) => {
    cluster.services.forEach((service, si) => {
      at(['fleet', 'clusters', ci, 'services', si], () => {
        world.createService({
          cluster: cluster.name,
          serviceName: service.name,
          taskDefinition: service.taskDefinition,
          ...(service.desiredCount === undefined ? {} : { desiredCount: service.desiredCount }),
          schedulingStrategy: service.schedulingStrategy,
          ...(service.launchType === undefined ? {} : { launchType: service.launchType }),
          ...(service.capacityProviderStrategy === undefined ? {} : { capacityProviderStrategy: service.capacityProviderStrategy }),
          ...(service.placementStrategy === undefined ? {} : { placementStrategy: service.placementStrategy }),
          ...(service.placementConstraints === undefined ? {} : { placementConstraints: service.placementConstraints }),
          ...(service.deploymentConfiguration === undefined ? {} : { deploymentConfiguration: service.deploymentConfiguration }),
          ...(service.availabilityZoneRebalancing === undefined ? {} : { availabilityZoneRebalancing: service.availabilityZoneRebalancing }),
          ...(service.networkConfiguration === undefined
            ? {}
            : {
                networkConfiguration: {
                  awsvpcConfiguration: {
                    subnets: service.networkConfiguration.subnets,
                    ...(service.networkConfiguration.securityGroups === undefined ? {} : { securityGroups: service.networkConfiguration.securityGroups }),
                    assignPublicIp: service.networkConfiguration.assignPublicIp === true ? 'ENABLED' : 'DISABLED',
                  },
                },
              }),
        });
        if (service.scalableTarget) {
          world.registerScalableTarget({ cluster: cluster.name, service: service.name, minCapacity: service.scalableTarget.minCapacity, maxCapacity: service.scalableTarget.maxCapacity });
        }
      });
    });
  });
  const clusterNames = fleet.clusters.map((c) => c.name);

  const instancesOf = (asg: string) => world.autoScalingInstances(asg);
  const pick = (asg: string, ref: number | string): string => {
    const instances = instancesOf(asg);
    if (typeof ref === 'string') {
      if (!instances.some((i) => i.ec2InstanceId === ref)) throw new Error(`${ref} is not a running instance of ${asg}`);
      return ref;
    }
    const instance = instances[ref];
    if (!instance) throw new Error(`${asg} has ${instances.length} instance${instances.length === 1 ? '' : 's'}: no instance ${ref}`);
    return instance.ec2InstanceId;
  };
  const asgOfInstance = (id: string): string | undefined => [...asgClusters.keys()].find((asg) => instancesOf(asg).some((i) => i.ec2InstanceId === id));
  const desiredCapacity = (asg: string): number | undefined => world.autoscaling.DescribeAutoScalingGroups({ AutoScalingGroupNames: [asg] }).AutoScalingGroups?.[0]?.DesiredCapacity;
  const desiredCount = (cluster: string, service: string): number | undefined => world.ecs.DescribeServices({ cluster, services: [service] }).services?.[0]?.desiredCount;
  const zoneOf = (asg: string, id: string): string => instancesOf(asg).find((i) => i.ec2InstanceId === id)?.availabilityZone ?? '?';

  const apply = (action: WorldAction): string => {
    switch (action.type) {
      case 'scaleAsg': {
        const before = desiredCapacity(action.asg);
        world.setDesiredCapacity(action.asg, action.desired, action.alarm);
        return `scale ${action.asg} ${before ?? '?'} → ${action.desired}${action.alarm ? ` (alarm ${action.alarm.name}, policy ${action.alarm.policy})` : ''}`;
      }
      case 'terminateInstance': {
        const asg = action.asg ?? (typeof action.instance === 'string' ? asgOfInstance(action.instance) : undefined);
        if (asg === undefined) throw new Error(`${String(action.instance)} is not a running instance of any ASG`);
        const id = pick(asg, action.instance);
        const az = zoneOf(asg, id);
        world.terminateInstance(id, action.decrement);
        return `terminate ${id} (${asg}, ${az})${action.decrement ? ', desired capacity decremented' : ''}`;
      }
      case 'interruptSpot':
      case 'rebalanceRecommendation': {
        const ids =
          action.instance !== undefined
            ? [pick(action.asg, action.instance)]
            : instancesOf(action.asg)
                .filter((i) => i.lifecycleState === 'InService')
                .slice(0, action.count ?? 1)
                .map((i) => i.ec2InstanceId);
        if (ids.length === 0) throw new Error(`${action.asg} has no InService instance`);
        const zones = ids.map((id) => `${id} (${zoneOf(action.asg, id)})`);
        for (const id of ids) {
          if (action.type === 'interruptSpot') world.interruptSpot(id);
          else world.rebalanceRecommendation(id);
        }
        return action.type === 'interruptSpot'
          ? `Spot interruption warning for ${zones.join(', ')} of ${action.asg}: reclaimed in 2 minutes`
          : `rebalance recommendation for ${zones.join(', ')} of ${action.asg}`;
      }
      case 'setDesiredCount': {
        const before = desiredCount(action.cluster, action.service);
        world.scaleService(action.cluster, action.service, action.desired, action.cause);
        const after = desiredCount(action.cluster, action.service);
        const clamped = after !== undefined && after !== action.desired ? ` (clamped to ${after} by the scalable target)` : '';
        return `set ${action.cluster}/${action.service} desired count ${before ?? '?'} → ${action.desired}${clamped}${action.cause === undefined ? '' : `: ${action.cause}`}`;
      }
      case 'deploy':
        world.deploy(action.cluster, action.service, action.taskDefinition);
        return `deploy ${action.taskDefinition} to ${action.cluster}/${action.service}`;
      case 'insufficientCapacity':
        world.setInsufficientCapacity(action.asg, action.az, action.enabled);
        return action.enabled ? `no ${action.asg} capacity in ${action.az} (InsufficientInstanceCapacity)` : `${action.asg} capacity back in ${action.az}`;
      case 'protectTasks': {
        // As the tasks themselves would, through the agent's task scale-in protection endpoint (UpdateTaskProtection).
        const arns = world.serviceTaskArns(action.cluster, action.service).slice(0, action.count);
        if (arns.length < action.count) throw new Error(`${action.cluster}/${action.service} has ${arns.length} task${arns.length === 1 ? '' : 's'}, not ${action.count}`);
        const minutes = action.expiresIn === undefined ? undefined : action.expiresIn / 60_000;
        const out = world.updateTaskProtection(action.cluster, arns, action.enabled, minutes);
        const failures = (out.failures ?? []).map((f) => `${f.arn?.split('/').pop() ?? '?'}: ${f.reason ?? 'failed'}`);
        if (failures.length > 0) throw new Error(`UpdateTaskProtection failed for ${failures.join('; ')}`);
        const ids = arns.map((arn) => arn.split('/').pop() ?? arn);
        return action.enabled
          ? `protect ${ids.length} task${ids.length === 1 ? '' : 's'} of ${action.cluster}/${action.service} from scale-in for ${minutes ?? 120}m: ${ids.join(', ')}`
          : `unprotect ${ids.length} task${ids.length === 1 ? '' : 's'} of ${action.cluster}/${action.service}: ${ids.join(', ')}`;
      }
      case 'setInstanceProtection': {
        const ids = action.instances === undefined ? instancesOf(action.asg).map((i) => i.ec2InstanceId) : action.instances.map((ref) => pick(action.asg, ref));
        world.setInstanceProtection(action.asg, ids, action.protected);
        return `${action.protected ? 'protect' : 'unprotect'} ${ids.join(', ')} of ${action.asg} ${action.protected ? 'from' : 'for'} scale-in`;
      }
      case 'agentDisconnect':
      case 'agentReconnect': {
        const id = pick(action.asg, action.instance);
        world.setAgentConnected(id, action.type === 'agentReconnect');
        const back = action.for;
        if (action.type === 'agentDisconnect' && back !== undefined) {
          world.clock.after(back, () => {
            // Reconnects unless the instance went away meanwhile.
            if (world.autoScalingInstances(action.asg).some((i) => i.ec2InstanceId === id && i.containerInstanceArn !== undefined)) world.setAgentConnected(id, true);
          });
        }
        return action.type === 'agentReconnect'
          ? `ECS agent on ${id} (${action.asg}) reconnected`
          : `ECS agent on ${id} (${action.asg}) disconnected: its tasks keep running, nothing is placed there${back === undefined ? '' : `; it reconnects in ${Math.round(back / 1000)}s`}`;
      }
      case 'reregisterInstance': {
        const id = pick(action.asg, action.instance);
        const before = instancesOf(action.asg).find((i) => i.ec2InstanceId === id)?.containerInstanceArn;
        const after = world.reregisterInstance(id);
        return `ECS agent on ${id} (${action.asg}) registered again: ${after.split('/').pop() ?? after} replaces ${before?.split('/').pop() ?? '?'} (INACTIVE)`;
      }
      case 'fargateCapacity':
        world.setFargateCapacity(action.provider, action.available);
        return action.available ? `${action.provider} capacity back` : `no ${action.provider} capacity: tasks fail to place (RESOURCE:FARGATE)`;
      case 'interruptFargateSpot': {
        const arns = world.fargateSpotTasks(action.cluster, action.service, action.az).slice(0, action.count);
        const where = `${action.service === undefined ? '' : ` of ${action.service}`}${action.az === undefined ? '' : ` in ${action.az}`}`;
        if (arns.length < action.count) throw new Error(`only ${arns.length} RUNNING FARGATE_SPOT task${arns.length === 1 ? '' : 's'}${where} in ${action.cluster}, ${action.count} asked`);
        for (const arn of arns) world.interruptFargateSpotTask(action.cluster, arn);
        return `Fargate Spot interruption warning for ${arns.length} task${arns.length === 1 ? '' : 's'}${where}: ${arns.map((a) => a.split('/').pop() ?? a).join(', ')}`;
      }
      case 'runTask': {
        // As a user's RunTask (through the world's API, so the same validation and placement, but not counted as a
        // call of the functions): `instance` pins the tasks with a memberOf constraint on the EC2 instance id.
        const pinned = action.instance === undefined ? undefined : pick(action.instance.asg, action.instance.index);
        const out = world.ecs.RunTask({
          cluster: action.cluster,
          taskDefinition: action.taskDefinition,
          count: action.count,
          ...(action.startedBy === undefined ? {} : { startedBy: action.startedBy }),
          ...(action.group === undefined ? {} : { group: action.group }),
          ...(pinned === undefined ? {} : { placementConstraints: [{ type: 'memberOf', expression: `ec2InstanceId == ${pinned}` }] }),
        });
        const started = out.tasks ?? [];
        const failures = (out.failures ?? []).map((f) => `${f.reason ?? 'failed'}${f.arn === undefined ? '' : ` (${f.arn})`}`);
        if (started.length < action.count) {
          throw new Error(`RunTask ${action.taskDefinition} started ${started.length} of ${action.count} task${action.count === 1 ? '' : 's'}${failures.length > 0 ? `: ${failures.join('; ')}` : ''}`);
        }
        const ids = started.map((t) => t.taskArn?.split('/').pop() ?? '?');
        const where = pinned === undefined ? '' : ` on ${pinned} (${action.instance?.asg ?? ''}, ${zoneOf(action.instance?.asg ?? '', pinned)})`;
        return `run ${started.length} standalone task${started.length === 1 ? '' : 's'} of ${action.taskDefinition} in ${action.cluster}${where}: ${ids.join(', ')}`;
      }
    }
  };

  const desiredRange = new Map<string, { highest: number; lowest: number }>();
  const noteDesired = () => {
    for (const asg of asgClusters.keys()) {
      const desired = world.desiredCapacity(asg);
      const range = desiredRange.get(asg) ?? { highest: desired, lowest: desired };
      desiredRange.set(asg, { highest: Math.max(range.highest, desired), lowest: Math.min(range.lowest, desired) });
    }
  };
  noteDesired();
  const sample = (): FleetSample => {
    noteDesired();
    const zones: FleetSample['zones'] = {};
    const zone = (az: string) => (zones[az] ??= { instances: { pending: 0, inService: 0, terminating: 0 }, running: {}, pending: 0 });
    for (const asg of asgClusters.keys()) {
      for (const instance of instancesOf(asg)) {
        const p = phase(instance.lifecycleState);
        if (p) zone(instance.availabilityZone).instances[p]++;
      }
    }
    for (const cluster of clusterNames) {
      // What ListTasks + DescribeTasks would give, read from the world directly (paging 20,000 tasks every simulated
      // minute cost most of the scale benchmark's time).
      for (const task of world.activeTasks(cluster)) {
        const z = zone(task.availabilityZone);
        const name = task.group.startsWith('service:') ? task.group.slice('service:'.length) : 'standalone';
        if (task.lastStatus === 'RUNNING') z.running[name] = (z.running[name] ?? 0) + 1;
        else z.pending++;
      }
    }
    const services: FleetSample['services'] = {};
    for (const s of world.serviceCounts()) services[`${s.cluster}/${s.service}`] = { desired: s.desired, running: s.running, placementBlocked: s.placementBlocked };
    return { at: world.now(), zones, services };
  };

  const facts = (): WorldFacts => {
    const report = world.report();
    return {
      taskStops: report.taskStops.map((t) => ({
        at: t.at,
        cluster: t.cluster,
        service: t.service,
        taskArn: t.taskArn,
        stopCode: t.stopCode,
        reason: t.reason,
        protected: t.protected,
        stoppedAfterMs: t.stoppedAfterMs,
        killedAtStopTimeout: t.killedAtStopTimeout,
      })),
      tasksKilled: report.tasksKilledByTermination.map((k) => ({
        at: k.at,
        cluster: k.cluster,
        service: k.service,
        taskArn: k.taskArn,
        lastStatus: k.lastStatus,
        ec2InstanceId: k.ec2InstanceId,
      })),
      lifecycleActions: report.lifecycleActions.map((a) => ({
        ec2InstanceId: a.ec2InstanceId,
        asg: a.autoScalingGroupName,
        hook: a.lifecycleHookName,
        transition: a.transition === 'autoscaling:EC2_INSTANCE_TERMINATING' ? 'terminating' : 'launching',
        startedAt: a.startedAt,
        emptyAt: a.emptyAt,
        completedAt: a.completedAt,
        result: a.result,
        completedBy: a.completedBy,
        heldAfterEmptyMs: a.heldAfterEmptyMs,
        heartbeats: a.heartbeats,
        lateCompletions: a.lateCompletions,
      })),
      services: report.services.map((s) => ({
        cluster: s.cluster,
        service: s.service,
        desired: s.desiredCount,
        running: s.runningCount,
        minimumHealthyPercent: s.minimumHealthyPercent,
        maximumPercent: s.maximumPercent,
        lowestRunning: s.lowestRunning,
        lowestRunningAt: s.lowestRunningAt,
        desiredAtLowest: s.desiredAtLowest,
        minimumHealthyAtLowest: s.minimumHealthyAtLowest,
        belowMinimumHealthy: s.belowMinimumHealthy.map((b) => ({ at: b.at, running: b.running, minimumHealthy: b.minimumHealthy, desired: b.desired, stoppedReason: b.stoppedReason })),
      })),
      counters: { ...report.counters },
      eventsEmitted: report.eventsEmitted,
    };
  };

  return {
    apis: world,
    resourceDirectory: world.resourceDirectory,
    now: () => world.now(),
    clock: {
      now: () => world.now(),
      after: (delayMs, fn) => world.clock.after(delayMs, fn),
      next: () => world.clock.next(),
      advanceTo: (ms) => {
        world.advanceTo(ms);
      },
    },
    onEvent: (listener) => world.onEvent(listener),
    deployment: { stacks: world.stackWorld, metrics: world.cloudwatchWorld, queues: world.sqsWorld },
    createTopic: (arn) => {
      world.createTopic(arn);
    },
    putSecureString: (name, value) => {
      world.ssm.PutParameter({ Name: name, Value: value, Type: 'SecureString', Overwrite: true });
    },
    apply,
    sample,
    capacityProviderReservations: () => world.capacityProviderReservations(),
    autoScalingGroups: () => {
      noteDesired();
      return [...asgClusters.keys()].map((name) => ({
        name,
        desiredCapacity: world.desiredCapacity(name),
        highestDesired: desiredRange.get(name)?.highest ?? world.desiredCapacity(name),
        lowestDesired: desiredRange.get(name)?.lowest ?? world.desiredCapacity(name),
        instances: instancesOf(name).map((i) => ({ id: i.ec2InstanceId, lifecycleState: i.lifecycleState, protectedFromScaleIn: i.protectedFromScaleIn })),
      }));
    },
    snsPublications: () =>
      world.snsMessages.map((m) => ({
        at: m.at,
        topicArn: m.topicArn,
        subject: m.subject,
        message: m.message,
        attributes: Object.fromEntries(Object.entries(m.messageAttributes).map(([k, v]) => [k, v.StringValue ?? ''])),
      })),
    facts,
    onApiCall: (listener) => {
      world.onApiCall(listener);
    },
    containerInstanceOf: (id) => {
      for (const asg of asgClusters.keys()) {
        // Warm pool instances too: one returning to the pool waits in Warmed:Pending:Wait, still registered.
        const found = [...instancesOf(asg), ...world.warmPoolInstances(asg)].find((i) => i.ec2InstanceId === id);
        if (found) return found.containerInstanceArn;
      }
      return undefined;
    },
  };
}
