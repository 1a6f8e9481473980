/**
 * The placement engine's request, result and injection points.
 *
 * Inputs are the ECS API shapes of ../model.ts; the engine only adds what DescribeTasks returns but the model does not
 * carry yet (`attachments`, used to count the ENIs awsvpc tasks hold), by extension.
 */
import type { ContainerInstance, PlacementConstraint, PlacementStrategy, Task, TaskDefinition } from '../model.js';
import type { QueryContext } from '../query/index.js';

/** A DescribeTasks task, with the `attachments` the engine reads to count ENIs in use (awsvpc tasks have one). */
export interface PlacementTask extends Task {
  attachments?: { id?: string | undefined; type?: string | undefined; status?: string | undefined }[] | undefined;
}

/** How many task ENIs an instance type supports, without and with ENI trunking (`ecs.awsvpc-trunk-id` attribute). */
export interface EniLimit {
  standard: number;
  trunked: number;
}

export interface PlaceRequest {
  /** DescribeContainerInstances `containerInstances`. */
  instances: readonly ContainerInstance[];
  /** DescribeTasks `tasks` of the cluster (any status; STOPPED tasks are ignored). */
  tasks?: readonly PlacementTask[] | undefined;
  /** DescribeTaskDefinition `taskDefinition`. */
  taskDefinition: TaskDefinition;
  /** How many tasks to place (default 1). */
  count?: number | undefined;
  /** The task group: `service:<name>` for a service; default `family:<family>` (RunTask's default). */
  group?: string | undefined;
  /** Runtime constraints (RunTask/CreateService `placementConstraints`), added to the task definition's. */
  placementConstraints?: readonly PlacementConstraint[] | undefined;
  /** RunTask/CreateService `placementStrategy`; default: see README-section.md. */
  placementStrategy?: readonly PlacementStrategy[] | undefined;
  /** Seed of the random tie-breaks and the `random` strategy (default 0). Same request and seed → same plan. */
  seed?: number | undefined;
  /**
   * ENIs already in use per instance, keyed by containerInstanceArn or ec2InstanceId. Overrides the count the
   * engine derives from `tasks` (ElasticNetworkInterface attachments of tasks on the instance) for the instances named.
   */
  eniInUse?: Readonly<Record<string, number>> | undefined;
  /** Task-ENI limits per instance type (`ecs.instance-type`), over the engine's built-in table. */
  eniLimits?: Readonly<Record<string, EniLimit>> | undefined;
}

export interface Placement {
  /** Index of the task in this request, 0 … count-1. */
  task: number;
  containerInstanceArn: string | undefined;
  ec2InstanceId: string | undefined;
}

export interface PlacementFailure {
  task: number;
  /** ECS's reason string, e.g. `RESOURCE:MEMORY` (see FailureReason). */
  reason: string;
  /** The closest matching instance, when the reason is about one. */
  containerInstanceArn?: string | undefined;
}

export interface PlaceResult {
  placements: Placement[];
  failures: PlacementFailure[];
}

/**
 * What a `memberOf` expression sees besides the instance (the query language's QueryContext): the task groups on each
 * instance — its existing tasks (see the query language's `taskCounts`) plus the tasks placed on it earlier in this
 * planning pass. For `task:group` expressions.
 */
export type InstanceGroupsContext = QueryContext;

/**
 * A compiled `memberOf` expression. The engine assumes the answer for an instance depends only on that instance and
 * the tasks on it (true of the cluster query language), so it evaluates each instance once, then re-evaluates just
 * the instance that received a task after each placement.
 */
export interface InstancePredicate {
  matches(instance: ContainerInstance, context: InstanceGroupsContext): boolean;
}

/**
 * Compiles a cluster query language expression; throws on a syntax error (an error with a numeric `position` is
 * reported with it). The query language's `compileQuery` is one.
 */
export type CompileExpression = (expression: string) => InstancePredicate;

export interface PlaceOptions {
  /** The `memberOf` expression compiler (default: the cluster query language's `compileQuery`); for tests. */
  compile?: CompileExpression | undefined;
}
