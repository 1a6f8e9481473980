/**
 * ECS capacity providers on Auto Scaling groups and what ECS manages through them: CreateCapacityProvider /
 * UpdateCapacityProvider / PutClusterCapacityProviders, the cluster attachments ECS records for a provider
 * (`as_policy` for managed scaling, `managed_draining` for managed instance draining), and managed instance draining
 * itself (ECS's own terminate lifecycle hook on the group, which ECS answers).
 *
 * Sources:
 * - API reference: CreateCapacityProvider, UpdateCapacityProvider, PutClusterCapacityProviders, AutoScalingGroupProvider,
 *   ManagedScaling (defaults: targetCapacity 100, minimumScalingStepSize 1, maximumScalingStepSize 10000,
 *   instanceWarmupPeriod 300), DescribeClusters (`include: ATTACHMENTS`).
 * - Attachment shapes (type, status CREATED, details capacityProviderName + scalingPolicyName
 *   `ECSManagedAutoScalingPolicy-<uuid>` / autoScalingLifecycleHookName `ecs-managed-draining-termination-hook`,
 *   attachmentsStatus UPDATE_COMPLETE): aws-cli `ecs describe-clusters --include ATTACHMENTS` examples and ECS Developer
 *   Guide "enable-managed-instance-draining".
 * - Managed instance draining (ECS Developer Guide "managed-instance-draining"): ENABLED by default for new providers;
 *   ECS sets the terminating instance DRAINING, "the container instance remains in the DRAINING state until either all
 *   tasks are stopped or 48 hours has passed. Daemon tasks are the last to stop"; then the termination continues.
 *   Reported by users, not documented: the hook's heartbeat timeout is 3600 s (containers-roadmap #2467, #2685).
 */
import type * as ECS from '@aws-sdk/client-ecs';
import type { AsgInstance, AsgState, AutoScalingWorld, LifecycleAction } from './autoscaling.js';
import type { Core } from './core.js';
import type { ClusterState, ContainerInstanceState } from './ecs-model.js';
import type { EcsWorld } from './ecs.js';
import { AwsApiError, clientException, invalidParameter } from './errors.js';

/** The terminate hook ECS adds to the group of a provider with managed draining (ECS Developer Guide). */
export const MANAGED_DRAINING_HOOK = 'ecs-managed-draining-termination-hook';
/** Reported heartbeat timeout of ECS's hook (containers-roadmap #2467); ECS keeps it alive up to the 48-hour global timeout. */
export const MANAGED_DRAINING_HEARTBEAT_S = 3600;
/** "remains in the DRAINING state until either all tasks are stopped or 48 hours has passed" (managed-instance-draining). */
export const MANAGED_DRAINING_MAX_MS = 48 * 3600 * 1000;

export type Toggle = 'ENABLED' | 'DISABLED';

export interface ManagedScalingSettings {
  status: Toggle;
  targetCapacity: number;
  minimumScalingStepSize: number;
  maximumScalingStepSize: number;
  instanceWarmupPeriod: number;
}

export interface AsgCapacityProvider {
  name: string;
  arn: string;
  seq: number;
  autoScalingGroupArn: string;
  asgName: string;
  tags: ECS.Tag[];
  managedScaling: ManagedScalingSettings;
  managedTerminationProtection: Toggle;
  managedDraining: Toggle;
  /** The cluster it is associated with (an ASG provider serves one cluster), if any. */
  cluster: string | undefined;
  /** The target tracking policy ECS creates on the group for managed scaling. */
  scalingPolicyName: string;
  asPolicyAttachmentId: string;
  managedDrainingAttachmentId: string;
}

/** One CapacityProviderReservation data point (AWS/ECS/ManagedScaling, dimensions CapacityProviderName and ClusterName). */
export interface ReservationSample {
  at: number;
  capacityProvider: string;
  value: number;
  /** Instances needed (M) and instances running (N). */
  m: number;
  n: number;
}

/** What a provider is created with; absent settings take AWS's defaults (managed draining ENABLED, the rest DISABLED). */
export interface CapacityProviderSettings {
  managedScaling?: Partial<ManagedScalingSettings>;
  managedTerminationProtection?: Toggle;
  managedDraining?: Toggle;
}

const RESERVED_PREFIX = /^(aws|ecs|fargate)/i;
const NAME = /^[A-Za-z0-9_-]{1,255}$/;
export const FARGATE_PROVIDER_NAMES = new Set(['FARGATE', 'FARGATE_SPOT']);

function toggle(value: string | undefined, field: string, fallback: Toggle): Toggle {
  if (value === undefined) return fallback;
  if (value !== 'ENABLED' && value !== 'DISABLED') throw invalidParameter(`${field} must be ENABLED or DISABLED, not ${value}.`);
  return value;
}

function inRange(value: number | undefined, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) throw invalidParameter(`${field} must be between ${min} and ${max}.`);
  return value;
}

/** ManagedScaling with the API reference's defaults; `status` absent: DISABLED (the simulator's reading of an omitted block). */
function managedScaling(input: Partial<ManagedScalingSettings> | ECS.ManagedScaling | undefined, current?: ManagedScalingSettings): ManagedScalingSettings {
  const base = current ?? { status: 'DISABLED', targetCapacity: 100, minimumScalingStepSize: 1, maximumScalingStepSize: 10000, instanceWarmupPeriod: 300 };
  if (input === undefined) return { ...base };
  const out: ManagedScalingSettings = {
    status: toggle(input.status, 'managedScaling.status', current === undefined ? 'ENABLED' : base.status),
    targetCapacity: inRange(input.targetCapacity, 'managedScaling.targetCapacity', 1, 100, base.targetCapacity),
    minimumScalingStepSize: inRange(input.minimumScalingStepSize, 'managedScaling.minimumScalingStepSize', 1, 10000, base.minimumScalingStepSize),
    maximumScalingStepSize: inRange(input.maximumScalingStepSize, 'managedScaling.maximumScalingStepSize', 1, 10000, base.maximumScalingStepSize),
    instanceWarmupPeriod: inRange(input.instanceWarmupPeriod, 'managedScaling.instanceWarmupPeriod', 0, 10000, base.instanceWarmupPeriod),
  };
  if (out.minimumScalingStepSize > out.maximumScalingStepSize) {
    throw invalidParameter('managedScaling.minimumScalingStepSize must be less than or equal to managedScaling.maximumScalingStepSize.');
  }
  return out;
}

export class CapacityProviderWorld {
  /** The lifecycle actions ECS has received (a second after they start) and answers. */
  private readonly received = new WeakSet<LifecycleAction>();
  /** CapacityProviderReservation, as ECS publishes it each minute (AWS/ECS/ManagedScaling), by provider. */
  readonly reservations: ReservationSample[] = [];
  /** Minutes in a row each provider's reservation was below its target (target tracking scales in after 15). */
  private readonly lowMinutes = new Map<string, number>();
  private scalingLoop: (() => void) | undefined;

  constructor(
    private readonly core: Core,
    private readonly ecs: EcsWorld,
    private readonly asg: AutoScalingWorld,
  ) {
    asg.onTerminateActionStarted = (action) => {
      this.managedDrainStarted(action);
    };
    asg.onTerminatingInstanceEmpty = (instance) => {
      this.managedDrainCheck(instance);
    };
    const tasksShrank = ecs.onInstanceTasksChanged;
    ecs.onInstanceTasksChanged = (ci) => {
      tasksShrank?.(ci);
      this.terminationProtection(ci);
    };
    ecs.onInstanceTaskPlaced = (ci) => {
      this.terminationProtection(ci);
    };
    ecs.onInstanceRegistered = (ci) => {
      this.protectionReview(ci);
    };
  }

  get providers(): Map<string, AsgCapacityProvider> {
    return this.ecs.capacityProviders;
  }

  // ---- CreateCapacityProvider / UpdateCapacityProvider -------------------------------------------------------------

  /** CreateCapacityProvider for an Auto Scaling group (by name or ARN). */
  create(name: string | undefined, asgRef: string | undefined, settings: CapacityProviderSettings | ECS.AutoScalingGroupProvider, tags: ECS.Tag[] = []): AsgCapacityProvider {
    if (name === undefined || !NAME.test(name)) throw invalidParameter('The capacity provider name must be 1-255 letters (uppercase and lowercase), numbers, underscores, and hyphens.');
    // CreateCapacityProvider, name: "It can't be prefixed with "aws", "ecs", or "fargate"."
    if (RESERVED_PREFIX.test(name)) throw invalidParameter('The capacity provider name cannot be prefixed with "aws", "ecs", or "fargate".');
    if (this.providers.has(name)) throw clientException(`The specified capacity provider ${name} already exists.`);
    const group = this.groupOf(asgRef);
    for (const other of this.providers.values()) {
      if (other.asgName === group.name) throw clientException(`The specified Auto Scaling group ARN is already being used by capacity provider ${other.name}.`);
    }
    const provider: AsgCapacityProvider = {
      name,
      arn: this.core.arn('ecs', `capacity-provider/${name}`),
      seq: this.core.nextSeq(),
      autoScalingGroupArn: group.arn,
      asgName: group.name,
      tags: tags.map((t) => ({ ...t })),
      managedScaling: managedScaling(settings.managedScaling),
      // API reference, AutoScalingGroupProvider: managed termination protection off unless asked for; managed draining
      // on by default for new capacity providers (ECS Developer Guide, managed-instance-draining).
      managedTerminationProtection: toggle(settings.managedTerminationProtection, 'managedTerminationProtection', 'DISABLED'),
      managedDraining: toggle(settings.managedDraining, 'managedDraining', 'ENABLED'),
      cluster: undefined,
      scalingPolicyName: `ECSManagedAutoScalingPolicy-${this.core.random.uuid()}`,
      asPolicyAttachmentId: this.core.random.uuid(),
      managedDrainingAttachmentId: this.core.random.uuid(),
    };
    this.checkTerminationProtection(provider, group);
    this.providers.set(name, provider);
    this.reviewTerminationProtection(provider);
    this.startManagedScaling();
    return provider;
  }

  /** UpdateCapacityProvider: managed scaling, managed termination protection and managed draining of an ASG provider. */
  update(ref: string | undefined, input: ECS.AutoScalingGroupProviderUpdate | undefined): AsgCapacityProvider {
    const provider = this.find(ref);
    if (!provider) {
      if (ref !== undefined && FARGATE_PROVIDER_NAMES.has(ref)) throw clientException(`The specified capacity provider ${ref} is reserved and cannot be updated.`);
      throw invalidParameter(`The specified capacity provider ${ref ?? 'null'} does not exist.`);
    }
    if (input === undefined) throw invalidParameter('autoScalingGroupProvider is required.');
    const group = this.groupOf(provider.asgName);
    const next: AsgCapacityProvider = {
      ...provider,
      managedScaling: managedScaling(input.managedScaling, provider.managedScaling),
      managedTerminationProtection: toggle(input.managedTerminationProtection, 'managedTerminationProtection', provider.managedTerminationProtection),
      managedDraining: toggle(input.managedDraining, 'managedDraining', provider.managedDraining),
    };
    this.checkTerminationProtection(next, group);
    Object.assign(provider, next);
    this.syncManagedDrainingHook(provider);
    this.reviewTerminationProtection(provider);
    this.startManagedScaling();
    return provider;
  }

  /**
   * CreateCapacityProvider's documented precondition: "When using managed termination protection, managed scaling must
   * also be used otherwise managed termination protection doesn't work", and the group must protect new instances from
   * scale-in (AutoScalingGroupProvider API reference; the error text as the console and CLI report it).
   */
  private checkTerminationProtection(provider: AsgCapacityProvider, group: AsgState): void {
    if (provider.managedTerminationProtection !== 'ENABLED') return;
    if (!group.protectFromScaleIn) {
      throw invalidParameter(
        'The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, the Auto Scaling group must have instance protection from scale in enabled.',
      );
    }
    if (provider.managedScaling.status !== 'ENABLED') {
      throw invalidParameter('The managed termination protection setting for the capacity provider is invalid. To enable managed termination protection for a capacity provider, managed scaling must be enabled.');
    }
  }

  private groupOf(ref: string | undefined): AsgState {
    if (ref === undefined || ref === '') throw invalidParameter('autoScalingGroupProvider.autoScalingGroupArn is required.');
    const byArn = ref.startsWith('arn:') ? [...this.asg.groups.values()].find((g) => g.arn === ref) : this.asg.groups.get(ref);
    if (!byArn) throw invalidParameter(`The specified Auto Scaling group ${ref} does not exist.`);
    return byArn;
  }

  find(ref: string | undefined): AsgCapacityProvider | undefined {
    if (ref === undefined) return undefined;
    return this.providers.get(ref) ?? [...this.providers.values()].find((p) => p.arn === ref);
  }

  // ---- PutClusterCapacityProviders ---------------------------------------------------------------------------------

  /**
   * PutClusterCapacityProviders: the cluster's whole list and its default strategy (both required; an omitted provider
   * is disassociated, which fails while tasks use it). API reference and the capacity provider strategy rules of the
   * ECS Developer Guide: up to 20 providers in a strategy, weight 0-1000, base 0-100000 on one provider only, no mix of
   * Auto Scaling group and Fargate providers, every provider of the strategy associated with the cluster.
   */
  putClusterCapacityProviders(cluster: ClusterState, names: string[] | undefined, strategy: ECS.CapacityProviderStrategyItem[] | undefined): void {
    if (names === undefined) throw invalidParameter('capacityProviders is required.');
    if (strategy === undefined) throw invalidParameter('defaultCapacityProviderStrategy is required.');
    const wanted: string[] = [];
    for (const ref of names) {
      const provider = this.find(ref);
      const name = provider?.name ?? (FARGATE_PROVIDER_NAMES.has(ref) ? ref : undefined);
      if (name === undefined) throw invalidParameter(`The specified capacity provider ${ref} does not exist.`);
      if (provider?.cluster !== undefined && provider.cluster !== cluster.name) {
        throw invalidParameter(`The specified capacity provider ${name} is already associated with cluster ${provider.cluster}. An Auto Scaling group capacity provider can only be associated with one cluster.`);
      }
      if (!wanted.includes(name)) wanted.push(name);
    }
    validateStrategy(strategy, (name) => wanted.includes(name), this.providers);
    for (const name of cluster.capacityProviders) {
      if (wanted.includes(name)) continue;
      const inUse = [...cluster.tasks.values()].some((t) => t.lastStatus !== 'STOPPED' && t.capacityProviderName === name);
      if (inUse) throw new AwsApiError('ResourceInUseException', `The specified capacity provider ${name} is in use and cannot be removed.`, 400);
    }
    for (const name of cluster.capacityProviders) {
      const provider = this.providers.get(name);
      if (provider && !wanted.includes(name)) {
        provider.cluster = undefined;
        this.syncManagedDrainingHook(provider);
      }
    }
    cluster.capacityProviders = wanted;
    cluster.defaultCapacityProviderStrategy = strategy.map((s) => ({ capacityProvider: s.capacityProvider, weight: s.weight ?? 0, base: s.base ?? 0 }));
    for (const name of wanted) {
      const provider = this.providers.get(name);
      if (provider) {
        provider.cluster = cluster.name;
        this.syncManagedDrainingHook(provider);
      }
    }
  }

  // ---- attachments -------------------------------------------------------------------------------------------------

  /** The cluster's attachments as DescribeClusters `include: ATTACHMENTS` returns them (aws-cli examples). */
  attachments(cluster: ClusterState): ECS.Attachment[] {
    const out: ECS.Attachment[] = [];
    for (const name of cluster.capacityProviders) {
      const provider = this.providers.get(name);
      if (!provider) continue;
      if (provider.managedScaling.status === 'ENABLED') {
        out.push({
          id: provider.asPolicyAttachmentId,
          type: 'as_policy',
          status: 'CREATED',
          details: [
            { name: 'capacityProviderName', value: provider.name },
            { name: 'scalingPolicyName', value: provider.scalingPolicyName },
          ],
        });
      }
      if (provider.managedDraining === 'ENABLED') {
        out.push({
          id: provider.managedDrainingAttachmentId,
          type: 'managed_draining',
          status: 'CREATED',
          details: [
            { name: 'capacityProviderName', value: provider.name },
            { name: 'autoScalingLifecycleHookName', value: MANAGED_DRAINING_HOOK },
          ],
        });
      }
    }
    return out;
  }

  // ---- managed instance draining -----------------------------------------------------------------------------------

  /**
   * ECS's hook is on the group while the provider, associated with a cluster, has managed draining ENABLED (created
   * with the `managed_draining` attachment, removed with it). The simulator creates it at once (AWS shows the
   * attachment PRECREATED, then CREATED, within seconds).
   */
  private syncManagedDrainingHook(provider: AsgCapacityProvider): void {
    const group = this.asg.groups.get(provider.asgName);
    if (!group) return;
    const wanted = provider.managedDraining === 'ENABLED' && provider.cluster !== undefined;
    const has = group.hooks.some((h) => h.name === MANAGED_DRAINING_HOOK);
    if (wanted && !has) {
      // DefaultResult CONTINUE: after 48 hours the termination goes ahead ("until either all tasks are stopped or 48
      // hours has passed"); heartbeat 3600 s as reported (containers-roadmap #2467).
      this.asg.addHook(group, { name: MANAGED_DRAINING_HOOK, transition: 'autoscaling:EC2_INSTANCE_TERMINATING', heartbeatTimeout: MANAGED_DRAINING_HEARTBEAT_S, defaultResult: 'CONTINUE' });
    } else if (!wanted && has) {
      this.asg.removeHook(group, MANAGED_DRAINING_HOOK);
    }
  }

  /** The provider whose managed draining owns this action (ECS's hook on that provider's group), if any. */
  private managedDrainOf(action: LifecycleAction): AsgCapacityProvider | undefined {
    if (action.hook.name !== MANAGED_DRAINING_HOOK || action.hook.transition !== 'autoscaling:EC2_INSTANCE_TERMINATING') return undefined;
    return [...this.providers.values()].find((p) => p.asgName === action.instance.group.name && p.managedDraining === 'ENABLED');
  }

  /**
   * ECS receives its terminate lifecycle action: it sets the container instance DRAINING (the service scheduler
   * replaces its service tasks; standalone tasks are left to finish, as for any DRAINING instance), keeps the action
   * alive with heartbeats up to 48 hours, and completes it with CONTINUE once no task is left.
   */
  private managedDrainStarted(action: LifecycleAction): void {
    if (!this.managedDrainOf(action)) return;
    this.received.add(action);
    const ci = action.instance.containerInstance;
    if (ci && ci.status === 'ACTIVE' && ci.agentConnected) this.ecs.setInstanceStatus(ci, 'DRAINING');
    this.keepAlive(action);
    this.managedDrainCheck(action.instance);
  }

  /** A heartbeat before each heartbeat timeout until the 48-hour limit (then the hook's CONTINUE timeout ends it). */
  private keepAlive(action: LifecycleAction): void {
    const every = (MANAGED_DRAINING_HEARTBEAT_S * 1000) / 2;
    const beat = (): void => {
      if (!action.instance.actions.includes(action)) return;
      if (this.core.now() + every >= action.globalDeadline) return;
      this.asg.recordHeartbeatFor(action);
      action.instance.timers.push(this.core.after(every, beat));
    };
    action.instance.timers.push(this.core.after(every, beat));
  }

  /** Completes ECS's action on the instance once it runs no task (DAEMON tasks leave last, by the scheduler). */
  private managedDrainCheck(instance: AsgInstance): void {
    const ci = instance.containerInstance;
    if (ci !== undefined && ci.status !== 'INACTIVE' && ci.tasks.size > 0) return;
    for (const action of [...instance.actions]) {
      if (this.received.has(action) && this.managedDrainOf(action)) this.asg.completeFor(action, 'CONTINUE', 'ecs-managed-draining');
    }
  }

  // ---- managed scaling (cluster auto scaling) -----------------------------------------------------------------------

  /**
   * ECS publishes CapacityProviderReservation every minute for providers with managed scaling (ECS Developer Guide,
   * "Amazon ECS cluster auto scaling": "ECS publishes the metric … every minute"). The loop runs while such a provider
   * exists, so a world with one is never idle (runUntilIdle returns false at its limit): drive it with advanceBy.
   */
  private startManagedScaling(): void {
    if (this.scalingLoop) return;
    if (![...this.providers.values()].some((p) => p.managedScaling.status === 'ENABLED')) return;
    const tick = (): void => {
      this.scalingLoop = this.core.after(60_000, tick);
      for (const provider of this.providers.values()) if (provider.managedScaling.status === 'ENABLED' && provider.cluster !== undefined) this.scaleProvider(provider);
    };
    this.scalingLoop = this.core.after(60_000, tick);
  }

  /**
   * CapacityProviderReservation = M / N × 100 (ECS Developer Guide, "Cluster auto scaling", capacity provider
   * reservation): N the group's instances already running (launching ones included: the desired capacity already
   * counts them), M the instances needed for every task — the instances running non-daemon tasks, plus what the
   * tasks its services still lack would take (their CPU and memory over one instance's, rounded up). With N = 0 the
   * value is 200 when M > 0 (scale out) and 100 when M = 0 (nothing to do).
   */
  reservation(provider: AsgCapacityProvider): { m: number; n: number; value: number } {
    const group = this.asg.groups.get(provider.asgName);
    const cluster = provider.cluster === undefined ? undefined : this.ecs.clusters.get(provider.cluster);
    if (!group || !cluster) return { m: 0, n: 0, value: 100 };
    const live = [...group.instances.values()].filter((i) => !i.warm && !i.lifecycleState.startsWith('Terminat'));
    const n = live.length;
    let busy = 0;
    for (const instance of live) {
      const ci = instance.containerInstance;
      if (ci && [...ci.tasks].some((t) => t.lastStatus !== 'STOPPED' && t.service?.schedulingStrategy !== 'DAEMON')) busy++;
    }
    let cpu = 0;
    let memory = 0;
    for (const service of cluster.services.values()) {
      if (service.schedulingStrategy !== 'REPLICA') continue;
      const strategy = service.capacityProviderStrategy ?? [];
      if (!strategy.some((item) => item.capacityProvider === provider.name)) continue;
      const wanted = [...service.tasks].filter((t) => t.desiredStatus === 'RUNNING').length;
      const missing = Math.max(0, service.desiredCount - wanted);
      const td = service.deployments[0]?.taskDefinition;
      if (!td || missing === 0) continue;
      cpu += missing * td.requirements.cpu;
      memory += missing * td.requirements.memory;
    }
    const extra = cpu === 0 && memory === 0 ? 0 : Math.max(1, Math.ceil(Math.max(cpu / group.type.cpu, memory / group.type.memory)));
    const m = busy + extra;
    const value = n === 0 ? (m > 0 ? 200 : 100) : Math.round((m / n) * 10000) / 100;
    return { m, n, value };
  }

  /**
   * The target tracking policy ECS attaches (ECSManagedAutoScalingPolicy-…): above the target it scales out at once
   * to ceil(M × 100 / target) instances, the step clamped to minimumScalingStepSize–maximumScalingStepSize; below it,
   * after 15 minutes in a row (target tracking's scale-in alarm: 15 one-minute data points), it scales in to
   * ceil(M × 100 / target) ("The scale in process is not affected by this parameter", ManagedScaling API reference).
   * Within the group's min and max. The change is recorded with the alarm's Cause text, as target tracking does.
   */
  private scaleProvider(provider: AsgCapacityProvider): void {
    const group = this.asg.groups.get(provider.asgName);
    if (!group) return;
    const { m, n, value } = this.reservation(provider);
    this.reservations.push({ at: this.core.now(), capacityProvider: provider.name, value, m, n });
    const target = provider.managedScaling.targetCapacity;
    const wanted = Math.ceil((m * 100) / target);
    const clampStep = (step: number) => Math.min(provider.managedScaling.maximumScalingStepSize, Math.max(provider.managedScaling.minimumScalingStepSize, step));
    if (value > target) {
      this.lowMinutes.set(provider.name, 0);
      const desired = Math.min(group.max, n + clampStep(wanted - n));
      if (desired > group.desired) this.asg.setDesiredCapacity(group.name, desired, { name: `TargetTracking-${group.name}-AlarmHigh-${provider.asPolicyAttachmentId}`, policy: provider.scalingPolicyName });
      return;
    }
    if (value >= target) {
      this.lowMinutes.set(provider.name, 0);
      return;
    }
    const low = (this.lowMinutes.get(provider.name) ?? 0) + 1;
    this.lowMinutes.set(provider.name, low);
    if (low < 15) return;
    const desired = Math.max(group.min, wanted);
    if (desired < group.desired) {
      this.lowMinutes.set(provider.name, 0);
      this.asg.setDesiredCapacity(group.name, desired, { name: `TargetTracking-${group.name}-AlarmLow-${provider.asPolicyAttachmentId}`, policy: provider.scalingPolicyName });
    }
  }

  // ---- managed termination protection -----------------------------------------------------------------------------

  /**
   * Managed termination protection (ECS Developer Guide, "Managed termination protection"): ECS turns on the
   * instance's scale-in protection while it runs non-daemon tasks and turns it off when they are gone, so the group's
   * scale-in only picks instances without them. What users observe (containers-roadmap #2814, open): ECS only removes
   * the protection from an instance with no task at all, so an instance left with DAEMON tasks only keeps it forever;
   * the simulator does the same. Applied at once on every placement and stop.
   */
  private terminationProtection(ci: ContainerInstanceState): void {
    const provider = ci.capacityProviderName === undefined ? undefined : this.providers.get(ci.capacityProviderName);
    if (!provider || provider.managedTerminationProtection !== 'ENABLED') return;
    const instance = this.asg.instances.get(ci.ec2InstanceId);
    if (!instance || instance.warm || instance.lifecycleState.startsWith('Terminat') || ci.status === 'INACTIVE') return;
    const running = [...ci.tasks].filter((t) => t.lastStatus !== 'STOPPED');
    const nonDaemon = running.some((t) => t.service?.schedulingStrategy !== 'DAEMON');
    if (nonDaemon && !instance.protectedFromScaleIn) this.asg.setInstanceProtection(instance.group.name, [instance.id], true);
    else if (running.length === 0 && instance.protectedFromScaleIn) this.asg.setInstanceProtection(instance.group.name, [instance.id], false);
  }

  /**
   * An instance that never gets a task keeps the protection it was launched with (NewInstancesProtectedFromScaleIn)
   * until ECS looks at it: the simulator has ECS look a minute after it registers (and a minute after the provider
   * takes over the group), by then its DAEMON tasks run, so a daemon-only instance keeps its protection (#2814).
   */
  private protectionReview(ci: ContainerInstanceState): void {
    const provider = ci.capacityProviderName === undefined ? undefined : this.providers.get(ci.capacityProviderName);
    if (!provider || provider.managedTerminationProtection !== 'ENABLED') return;
    const instance = this.asg.instances.get(ci.ec2InstanceId);
    instance?.timers.push(this.core.after(60_000, () => { this.terminationProtection(ci); }));
  }

  /** A provider with managed termination protection took over the group: ECS reviews each registered instance. */
  reviewTerminationProtection(provider: AsgCapacityProvider): void {
    const group = this.asg.groups.get(provider.asgName);
    if (!group) return;
    for (const instance of group.instances.values()) if (instance.containerInstance) this.protectionReview(instance.containerInstance);
  }

  // ---- shapes ------------------------------------------------------------------------------------------------------

  shape(provider: AsgCapacityProvider, tags: boolean): ECS.CapacityProvider {
    return {
      capacityProviderArn: provider.arn,
      name: provider.name,
      status: 'ACTIVE',
      autoScalingGroupProvider: {
        autoScalingGroupArn: provider.autoScalingGroupArn,
        managedScaling: { ...provider.managedScaling },
        managedTerminationProtection: provider.managedTerminationProtection,
        managedDraining: provider.managedDraining,
      },
      updateStatus: 'UPDATE_COMPLETE',
      ...(tags ? { tags: provider.tags.map((t) => ({ ...t })) } : {}),
    };
  }
}

/** The capacity provider strategy rules (ECS Developer Guide, capacity provider strategies; PutClusterCapacityProviders). */
export function validateStrategy(strategy: readonly ECS.CapacityProviderStrategyItem[], associated: (name: string) => boolean, providers: ReadonlyMap<string, AsgCapacityProvider>): void {
  if (strategy.length > 20) throw invalidParameter('capacityProviderStrategy can have at most 20 items.');
  let withBase = 0;
  let fargate = false;
  let asg = false;
  const seen = new Set<string>();
  for (const item of strategy) {
    const name = item.capacityProvider ?? '';
    if (seen.has(name)) throw invalidParameter(`The capacity provider strategy contains the capacity provider ${name} more than once.`);
    seen.add(name);
    if (item.weight !== undefined && (!Number.isInteger(item.weight) || item.weight < 0 || item.weight > 1000)) throw invalidParameter('The weight of a capacity provider must be between 0 and 1000.');
    if (item.base !== undefined && (!Number.isInteger(item.base) || item.base < 0 || item.base > 100000)) throw invalidParameter('The base of a capacity provider must be between 0 and 100000.');
    if ((item.base ?? 0) > 0) withBase++;
    if (FARGATE_PROVIDER_NAMES.has(name)) fargate = true;
    else if (providers.has(name)) asg = true;
    if (!associated(name)) {
      throw invalidParameter(
        'The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.',
      );
    }
  }
  if (withBase > 1) throw invalidParameter('Only one capacity provider in a capacity provider strategy can have a base defined.');
  if (fargate && asg) throw invalidParameter('A capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling groups and Fargate providers. Specify one or the other and try again.');
}
