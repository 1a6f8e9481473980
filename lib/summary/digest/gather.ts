/**
 * Gathering a digest's snapshot (AWS I/O, clients injected), with the fewest calls the paging allows:
 *
 *   ECS                      ⌈services/100⌉ ListServices + ⌈services/10⌉ DescribeServices (events and deployments)
 *   Application Auto Scaling DescribeScalingActivities for the whole `ecs` namespace (all clusters at once), newest
 *                            first, 50 a page, stopped at the first page that reaches back past the window start; then,
 *                            only for services that changed in the window but whose previous activity was not on those
 *                            pages, DescribeScalingActivities of that one resource until it reaches past the window
 *                            (usually one call), to reconstruct the count before the first change
 *   EC2 Auto Scaling         ⌈ASGs/50⌉ DescribeAutoScalingGroups + per ASG DescribeScalingActivities, 100 a page,
 *                            stopped once a finished activity starts before the window (in-progress ones come first)
 *
 * Other capabilities' records of what ecs-ops did come from {@link OpsSource}s; drains are read from the EC2 Auto
 * Scaling activities already gathered (build.ts `drainRecords`), so they cost nothing.
 */
import {
  paginateDescribeScalingActivities as paginateAasActivities,
  type ApplicationAutoScalingClient,
  type ScalingActivity as AasActivity,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeAutoScalingGroupsCommand,
  paginateDescribeScalingActivities as paginateAsgActivities,
  type Activity as AsgActivity,
  type AutoScalingClient,
} from '@aws-sdk/client-auto-scaling';
import { DescribeServicesCommand, paginateListServices, type ECSClient, type Service } from '@aws-sdk/client-ecs';
import type { AasActivityInput, AsgActivityInput, AsgInput, DigestSnapshot, DigestWindow, OpsSource, ServiceInput } from './model.js';
import { parseAasDescription } from './parse.js';
import { gatherDaemonOnlyProtected, type DaemonOnlyProtected } from './protected-daemon-only.js';

export const DESCRIBE_SERVICES_BATCH = 10;
export const LIST_SERVICES_PAGE = 100;
export const AAS_PAGE = 50;
export const ASG_ACTIVITIES_PAGE = 100;
export const DESCRIBE_ASGS_BATCH = 50;
const ECS_DIMENSION = 'ecs:service:DesiredCount';

export interface DigestGatherLogger {
  warn(message: string, extra: Record<string, unknown>): void;
}

export interface DigestGatherDeps {
  ecs: ECSClient;
  autoscaling: AutoScalingClient;
  aas: ApplicationAutoScalingClient;
  /** Epoch ms. */
  now?: () => number;
  /** What other capabilities record about their own actions. */
  opsSources?: readonly OpsSource[];
  logger?: DigestGatherLogger;
  region?: string | undefined;
}

export interface ClusterToGather {
  name: string;
  asgs: readonly string[];
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const ms = (d: Date | undefined): number | undefined => (d === undefined ? undefined : d.getTime());

function aasInput(a: AasActivity): AasActivityInput | undefined {
  const start = ms(a.StartTime);
  if (a.ResourceId === undefined || start === undefined) return undefined;
  return {
    activityId: a.ActivityId ?? '',
    resourceId: a.ResourceId,
    description: a.Description ?? '',
    cause: a.Cause ?? '',
    statusCode: a.StatusCode ?? 'Successful',
    statusMessage: a.StatusMessage,
    startTime: start,
    endTime: ms(a.EndTime),
    ...(a.NotScaledReasons && a.NotScaledReasons.length > 0
      ? { notScaled: a.NotScaledReasons.map((r) => ({ code: r.Code ?? '', max: r.MaxCapacity, min: r.MinCapacity, current: r.CurrentCapacity })) }
      : {}),
  };
}

function asgInput(a: AsgActivity): AsgActivityInput | undefined {
  const start = ms(a.StartTime);
  if (start === undefined || a.AutoScalingGroupName === undefined) return undefined;
  return {
    activityId: a.ActivityId ?? '',
    asg: a.AutoScalingGroupName,
    description: a.Description ?? '',
    cause: a.Cause ?? '',
    statusCode: a.StatusCode ?? 'Successful',
    statusMessage: a.StatusMessage,
    startTime: start,
    endTime: ms(a.EndTime),
    details: a.Details,
  };
}

function serviceInput(s: Service): ServiceInput {
  return {
    name: s.serviceName ?? '',
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    pendingCount: s.pendingCount ?? 0,
    schedulingStrategy: s.schedulingStrategy,
    events: (s.events ?? []).map((e) => ({ id: e.id ?? '', createdAt: ms(e.createdAt) ?? 0, message: e.message ?? '' })),
    deployments: (s.deployments ?? []).map((d) => ({
      id: d.id ?? '',
      status: d.status ?? '',
      taskDefinition: d.taskDefinition ?? '',
      desiredCount: d.desiredCount ?? 0,
      runningCount: d.runningCount ?? 0,
      failedTasks: d.failedTasks ?? 0,
      createdAt: ms(d.createdAt) ?? 0,
      updatedAt: ms(d.updatedAt) ?? 0,
      rolloutState: d.rolloutState,
      rolloutStateReason: d.rolloutStateReason,
    })),
  };
}

/** Every service of the cluster with its events and deployments. */
export async function gatherServices(ecs: ECSClient, cluster: string): Promise<ServiceInput[]> {
  const arns: string[] = [];
  for await (const page of paginateListServices({ client: ecs, pageSize: LIST_SERVICES_PAGE }, { cluster, maxResults: LIST_SERVICES_PAGE })) {
    arns.push(...(page.serviceArns ?? []));
  }
  const services: ServiceInput[] = [];
  for (const batch of chunk(arns, DESCRIBE_SERVICES_BATCH)) {
    const out = await ecs.send(new DescribeServicesCommand({ cluster, services: batch }));
    for (const s of out.services ?? []) if (s.status !== 'INACTIVE') services.push(serviceInput(s));
  }
  return services.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The `ecs` namespace's activities, newest first, from now back to the first one before `window.start`; and further
 * while services of `prefixes` changed in the window without their previous change on the pages read, as long as that
 * costs fewer pages than looking each of them up on its own ({@link gatherResourceBaseline}).
 */
export async function gatherNamespaceActivities(aas: ApplicationAutoScalingClient, window: DigestWindow, prefixes: readonly string[] = []): Promise<AasActivityInput[]> {
  const out: AasActivityInput[] = [];
  const changed = new Set<string>();
  const baselined = new Set<string>();
  let reachedStart = false;
  let extraPages = 0;
  for await (const page of paginateAasActivities({ client: aas, pageSize: AAS_PAGE }, { ServiceNamespace: 'ecs', MaxResults: AAS_PAGE, IncludeNotScaledActivities: true })) {
    const items = (page.ScalingActivities ?? []).map(aasInput).filter((a): a is AasActivityInput => a !== undefined);
    out.push(...items);
    if (reachedStart) extraPages++;
    for (const a of items) {
      if (!prefixes.some((p) => a.resourceId.startsWith(p)) || !isDesiredSet(a)) continue;
      if (a.startTime < window.start) baselined.add(a.resourceId);
      else if (a.startTime < window.end) changed.add(a.resourceId);
    }
    if (items.some((a) => a.startTime < window.start)) reachedStart = true;
    if (!reachedStart) continue;
    const missing = [...changed].filter((r) => !baselined.has(r)).length;
    if (missing <= extraPages) break;
  }
  return out;
}

/** One service's activities back to its last successful desired-count change before the window (the baseline). */
export async function gatherResourceBaseline(aas: ApplicationAutoScalingClient, resourceId: string, window: DigestWindow): Promise<AasActivityInput[]> {
  const out: AasActivityInput[] = [];
  for await (const page of paginateAasActivities({ client: aas, pageSize: AAS_PAGE }, { ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: ECS_DIMENSION, MaxResults: AAS_PAGE })) {
    const items = (page.ScalingActivities ?? []).map(aasInput).filter((a): a is AasActivityInput => a !== undefined);
    out.push(...items);
    if (items.some((a) => a.startTime < window.start && isDesiredSet(a))) break;
  }
  return out;
}

function isDesiredSet(a: AasActivityInput): boolean {
  return a.statusCode === 'Successful' && parseAasDescription(a.description).kind === 'desired';
}

/** An ASG's activities back to the first finished one that started before the window. */
export async function gatherAsgActivities(autoscaling: AutoScalingClient, asg: string, window: DigestWindow): Promise<AsgActivityInput[]> {
  const out: AsgActivityInput[] = [];
  for await (const page of paginateAsgActivities({ client: autoscaling, pageSize: ASG_ACTIVITIES_PAGE }, { AutoScalingGroupName: asg, MaxRecords: ASG_ACTIVITIES_PAGE })) {
    const items = (page.Activities ?? []).map(asgInput).filter((a): a is AsgActivityInput => a !== undefined);
    out.push(...items);
    if (items.some((a) => a.startTime < window.start && a.endTime !== undefined)) break;
  }
  return out;
}

export async function gatherAsgs(autoscaling: AutoScalingClient, names: readonly string[]): Promise<AsgInput[]> {
  const asgs: AsgInput[] = [];
  for (const batch of chunk(names, DESCRIBE_ASGS_BATCH)) {
    const out = await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: batch, MaxRecords: DESCRIBE_ASGS_BATCH }));
    for (const g of out.AutoScalingGroups ?? []) {
      asgs.push({
        name: g.AutoScalingGroupName ?? '',
        desired: g.DesiredCapacity ?? 0,
        min: g.MinSize ?? 0,
        max: g.MaxSize ?? 0,
        instances: (g.Instances ?? []).filter((i) => !(i.LifecycleState ?? '').startsWith('Terminat')).length,
        protectedInstances: (g.Instances ?? []).filter((i) => i.ProtectedFromScaleIn === true && i.LifecycleState === 'InService').flatMap((i) => (i.InstanceId ? [i.InstanceId] : [])),
      });
    }
  }
  return asgs;
}

/**
 * Snapshots of several clusters for one window. The `ecs` namespace's scaling activities are read once for all of them.
 */
export async function gatherDigestSnapshots(deps: DigestGatherDeps, clusters: readonly ClusterToGather[], window: DigestWindow): Promise<DigestSnapshot[]> {
  const now = deps.now ?? Date.now;
  const namespace = await gatherNamespaceActivities(
    deps.aas,
    window,
    clusters.map((c) => `service/${c.name}/`),
  );
  const snapshots: DigestSnapshot[] = [];
  for (const cluster of clusters) {
    const services = await gatherServices(deps.ecs, cluster.name);
    const prefix = `service/${cluster.name}/`;
    const activities = namespace.filter((a) => a.resourceId.startsWith(prefix));
    // Services that changed in the window without their previous change on the pages read: one look further back each.
    const incomplete: string[] = [];
    const known = new Set(services.map((s) => `${prefix}${s.name}`));
    for (const resourceId of [...new Set(activities.map((a) => a.resourceId))].filter((r) => known.has(r)).sort()) {
      const own = activities.filter((a) => a.resourceId === resourceId);
      const changed = own.some((a) => a.startTime >= window.start && a.startTime < window.end && isDesiredSet(a));
      const baseline = own.some((a) => a.startTime < window.start && isDesiredSet(a));
      if (!changed || baseline) continue;
      try {
        const more = await gatherResourceBaseline(deps.aas, resourceId, window);
        const seen = new Set(own.map((a) => a.activityId));
        activities.push(...more.filter((a) => !seen.has(a.activityId)));
      } catch (error) {
        incomplete.push(resourceId);
        deps.logger?.warn('could not read the scaling history before the window', { resourceId, error: error instanceof Error ? error.message : String(error) });
      }
    }
    const asgs = await gatherAsgs(deps.autoscaling, cluster.asgs);
    const asgActivities: AsgActivityInput[] = [];
    for (const asg of asgs) asgActivities.push(...(await gatherAsgActivities(deps.autoscaling, asg.name, window)));
    const ops = [];
    for (const source of deps.opsSources ?? []) ops.push(...(await source.collect(cluster.name, window)));
    let daemonOnlyProtected: DaemonOnlyProtected[] | undefined;
    let daemonOnlyError: string | undefined;
    try {
      const daemons = new Set(services.filter((s) => s.schedulingStrategy === 'DAEMON').map((s) => s.name));
      daemonOnlyProtected = await gatherDaemonOnlyProtected(deps.ecs, cluster.name, new Map(asgs.map((g) => [g.name, g.protectedInstances ?? []])), daemons);
    } catch (error) {
      daemonOnlyError = error instanceof Error ? error.message : String(error);
      deps.logger?.warn('could not tell the daemon-only protected instances', { cluster: cluster.name, error: daemonOnlyError });
    }
    snapshots.push({
      cluster: cluster.name,
      window,
      gatheredAt: now(),
      services,
      aasActivities: activities,
      ...(incomplete.length > 0 ? { incompleteResources: incomplete } : {}),
      asgs,
      asgActivities,
      ops,
      region: deps.region,
      ...(daemonOnlyProtected !== undefined && daemonOnlyProtected.length > 0 ? { daemonOnlyProtected } : {}),
      ...(daemonOnlyError !== undefined ? { daemonOnlyError } : {}),
    });
  }
  return snapshots;
}
