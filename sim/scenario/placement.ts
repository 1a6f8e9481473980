/**
 * Placement policy facts of a run, for the `placement*` expectations: the policies' violations sampled every
 * simulated minute (evaluated by lib/placement/policy on the world's own answers, not through the functions), and
 * every StopTask ecs-ops made for a placement rule (its reason starts with the marker) with the service's state at that
 * moment: deployment in progress, RUNNING tasks and the minimum healthy count, scheduling strategy.
 */
import type * as ECS from '@aws-sdk/client-ecs';
import type { EcsOpsConfig } from '../../lib/config/schema.js';
import { evaluate, STOP_MARKER, violationKey } from '../../lib/placement/policy/index.js';
import { toPolicyInstance, toPolicyService, toPolicyTask } from '../../lib/placement/policy/gather.js';
import { deploymentInProgress, minimumHealthy } from '../../lib/placement/policy/plan.js';
import { auditedClusters, policiesForCluster } from '../../lib/placement/policy/select.js';
import type { ClusterSnapshot } from '../../lib/placement/policy/model.js';
import type { AwsApis } from '../world/api.js';

export interface PlacementSample {
  ms: number;
  /** `cluster/service|policy|rule` → amount (only violated ones). */
  amounts: Record<string, number>;
  messages: string[];
}

export interface PlacementStopFact {
  ms: number;
  cluster: string;
  service: string | undefined;
  task: string;
  reason: string;
  deploymentInProgress: boolean;
  daemon: boolean;
  /** RUNNING tasks of the service just before the stop, and its minimum healthy count. */
  running: number;
  minimumHealthy: number;
}

export interface PlacementFacts {
  samples: PlacementSample[];
  stops: PlacementStopFact[];
}

function pages<T>(call: (token: string | undefined) => { items: T[] | undefined; next: string | undefined }): T[] {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = call(token);
    out.push(...(page.items ?? []));
    token = page.next;
  } while (token !== undefined);
  return out;
}

function snapshotOf(ecs: AwsApis['ecs'], cluster: string, now: number): ClusterSnapshot {
  const serviceArns = pages((nextToken) => {
    const r = ecs.ListServices({ cluster, maxResults: 100, ...(nextToken ? { nextToken } : {}) });
    return { items: r.serviceArns, next: r.nextToken };
  });
  const services: ECS.Service[] = [];
  for (let i = 0; i < serviceArns.length; i += 10) services.push(...(ecs.DescribeServices({ cluster, services: serviceArns.slice(i, i + 10), include: ['TAGS'] }).services ?? []));
  const ciArns = pages((nextToken) => {
    const r = ecs.ListContainerInstances({ cluster, maxResults: 100, ...(nextToken ? { nextToken } : {}) });
    return { items: r.containerInstanceArns, next: r.nextToken };
  });
  const instances: ECS.ContainerInstance[] = [];
  for (let i = 0; i < ciArns.length; i += 100) instances.push(...(ecs.DescribeContainerInstances({ cluster, containerInstances: ciArns.slice(i, i + 100) }).containerInstances ?? []));
  const taskArns = pages((nextToken) => {
    const r = ecs.ListTasks({ cluster, maxResults: 100, desiredStatus: 'RUNNING', ...(nextToken ? { nextToken } : {}) });
    return { items: r.taskArns, next: r.nextToken };
  });
  const tasks: ECS.Task[] = [];
  for (let i = 0; i < taskArns.length; i += 100) tasks.push(...(ecs.DescribeTasks({ cluster, tasks: taskArns.slice(i, i + 100) }).tasks ?? []));
  return {
    cluster,
    now,
    services: services.flatMap((s) => toPolicyService(s) ?? []),
    instances: instances.flatMap((i) => toPolicyInstance(i) ?? []),
    tasks: tasks.flatMap((t) => toPolicyTask(t) ?? []),
    taskDefinitions: new Map(),
  };
}

export class PlacementRecorder {
  readonly facts: PlacementFacts = { samples: [], stops: [] };
  private readonly clusters: string[];

  constructor(
    private readonly apis: AwsApis,
    private readonly config: EcsOpsConfig,
    private readonly now: () => number,
  ) {
    this.clusters = auditedClusters(config);
  }

  get enabled(): boolean {
    return this.clusters.length > 0;
  }

  /** Evaluates every policy on the world as it is now. */
  sample(): void {
    if (!this.enabled) return;
    const amounts: Record<string, number> = {};
    const messages: string[] = [];
    for (const cluster of this.clusters) {
      const snapshot = snapshotOf(this.apis.ecs, cluster, this.now());
      for (const v of evaluate(snapshot, policiesForCluster(this.config.placement.policies, cluster))) {
        amounts[`${cluster}/${violationKey(v)}`] = v.amount;
        messages.push(v.message);
      }
    }
    this.facts.samples.push({ ms: this.now(), amounts, messages });
  }

  /** The APIs the server answers with, StopTask recording ecs-ops's placement stops before they happen. */
  instrument(apis: AwsApis): AwsApis {
    if (!this.enabled) return apis;
    const stopTask = apis.ecs.StopTask.bind(apis.ecs);
    const ecs: AwsApis['ecs'] = {
      ...apis.ecs,
      StopTask: (input) => {
        if (input.reason?.startsWith(STOP_MARKER) === true) this.recordStop(input);
        return stopTask(input);
      },
    };
    return { ...apis, ecs };
  }

  private recordStop(input: ECS.StopTaskRequest): void {
    const cluster = (input.cluster ?? 'default').split('/').pop() ?? 'default';
    const taskArn = input.task ?? '';
    const task = this.apis.ecs.DescribeTasks({ cluster, tasks: [taskArn] }).tasks?.[0];
    const serviceName = task?.group?.startsWith('service:') === true ? task.group.slice('service:'.length) : undefined;
    const service = serviceName === undefined ? undefined : toPolicyService(this.apis.ecs.DescribeServices({ cluster, services: [serviceName] }).services?.[0] ?? {});
    let running = 0;
    if (serviceName !== undefined) {
      const arns = pages((nextToken) => {
        const r = this.apis.ecs.ListTasks({ cluster, serviceName, desiredStatus: 'RUNNING', maxResults: 100, ...(nextToken ? { nextToken } : {}) });
        return { items: r.taskArns, next: r.nextToken };
      });
      for (let i = 0; i < arns.length; i += 100) running += (this.apis.ecs.DescribeTasks({ cluster, tasks: arns.slice(i, i + 100) }).tasks ?? []).filter((t) => t.lastStatus === 'RUNNING').length;
    }
    this.facts.stops.push({
      ms: this.now(),
      cluster,
      service: serviceName,
      task: taskArn,
      reason: input.reason ?? '',
      deploymentInProgress: service ? deploymentInProgress(service) : false,
      daemon: service?.schedulingStrategy === 'DAEMON',
      running,
      minimumHealthy: service ? minimumHealthy(service) : 0,
    });
  }
}
