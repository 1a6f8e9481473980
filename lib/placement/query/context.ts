/**
 * What `task:group` sees: the task groups on each container instance. The placement engine passes a context that also
 * reflects the tasks it has placed so far in its planning pass; `contextFromTasks` builds one from DescribeTasks.
 */
import type { Task } from '../model.js';

export interface QueryContext {
  /** The groups (`service:web`, `family:nginx`, custom) of the tasks on the instance; empty when none. */
  groupsOnInstance(containerInstanceArn: string): ReadonlySet<string>;
}

const NO_GROUPS: ReadonlySet<string> = new Set<string>();

/** No tasks anywhere: the context used when none is given (`task:group == x` is then false everywhere). */
export const EMPTY_CONTEXT: QueryContext = { groupsOnInstance: () => NO_GROUPS };

/**
 * Whether a task occupies its instance for `task:group`: neither its lastStatus nor its desiredStatus is STOPPED
 * (a task being stopped is leaving the instance; PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING count).
 */
export function taskCounts(task: Task): boolean {
  return task.lastStatus?.toUpperCase() !== 'STOPPED' && task.desiredStatus?.toUpperCase() !== 'STOPPED';
}

/** A mutable index of task groups by container instance ARN; a QueryContext. */
export class TaskGroupIndex implements QueryContext {
  private readonly groups = new Map<string, Set<string>>();

  /** Records a task of `group` on the instance (e.g. one the planner has just placed). */
  add(containerInstanceArn: string, group: string): this {
    let set = this.groups.get(containerInstanceArn);
    if (set === undefined) {
      set = new Set();
      this.groups.set(containerInstanceArn, set);
    }
    set.add(group);
    return this;
  }

  /** Adds the tasks that count (see taskCounts) and have both a containerInstanceArn and a group. */
  addTasks(tasks: Iterable<Task>): this {
    for (const task of tasks) {
      if (task.containerInstanceArn !== undefined && task.group !== undefined && taskCounts(task)) this.add(task.containerInstanceArn, task.group);
    }
    return this;
  }

  groupsOnInstance(containerInstanceArn: string): ReadonlySet<string> {
    return this.groups.get(containerInstanceArn) ?? NO_GROUPS;
  }

  /** An independent copy (to try a placement without committing it). */
  clone(): TaskGroupIndex {
    const copy = new TaskGroupIndex();
    for (const [arn, set] of this.groups) copy.groups.set(arn, new Set(set));
    return copy;
  }
}

/**
 * Indexes DescribeTasks tasks by containerInstanceArn. Tasks that are STOPPED (last or desired status), have no
 * container instance (Fargate) or no group are left out.
 */
export function contextFromTasks(tasks: Iterable<Task>): TaskGroupIndex {
  return new TaskGroupIndex().addTasks(tasks);
}
