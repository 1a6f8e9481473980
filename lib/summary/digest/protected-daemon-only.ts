/**
 * Instances kept protected from scale-in while running only DAEMON tasks (issue #15). With managed termination
 * protection, ECS sets scale-in protection on instances running non-daemon tasks and clears it when they empty (ECS
 * Developer Guide, "Managed termination protection"); users report that an instance left with only daemon tasks keeps
 * its protection for good, so the ASG can never scale it in (containers-roadmap #2814, open).
 *
 * Found by the digest, which already reads DescribeAutoScalingGroups (`ProtectedFromScaleIn` per instance) and
 * DescribeServices (`schedulingStrategy`) for the cluster: the new calls are made only when a protected instance
 * exists, and only for those instances:
 *
 *   ⌈clusters/100⌉ DescribeClusters + DescribeCapacityProviders (managedTerminationProtection, via the drain's gatherer)
 *   + ⌈N/≈90⌉ ListContainerInstances (`ec2InstanceId in [...]`) + ⌈N/100⌉ DescribeContainerInstances
 *   + per instance 1 ListTasks (`containerInstance`) + 1 DescribeTasks (`group`)
 */
import { DescribeContainerInstancesCommand, DescribeTasksCommand, ListContainerInstancesCommand, ListTasksCommand, type CapacityProvider, type ECSClient } from '@aws-sdk/client-ecs';
import { clusterCapacityProviders } from '../../drain/managed-draining-facts.js';
import { instanceIdFilters } from '../../drain/gather.js';

/** An instance ECS keeps protected although only daemon tasks run on it. */
export interface DaemonOnlyProtected {
  asg: string;
  instanceId: string;
  capacityProvider: string;
  /** The DAEMON services whose tasks run there. */
  daemonServices: string[];
}

/** An instance's tasks by their `group` (`service:<name>` for service tasks). */
export interface InstanceTasks {
  asg: string;
  instanceId: string;
  capacityProvider: string;
  groups: string[];
}

const ASG_NAME_IN_ARN = /:autoScalingGroupName\/(.+)$/;

/** The ASG names whose ACTIVE capacity provider has managed termination protection ENABLED, with the provider name. */
export function terminationProtectedAsgs(providers: readonly CapacityProvider[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of providers) {
    const asg = p.autoScalingGroupProvider;
    if (p.status === 'INACTIVE' || asg?.managedTerminationProtection !== 'ENABLED') continue;
    const name = ASG_NAME_IN_ARN.exec(asg.autoScalingGroupArn ?? '')?.[1] ?? asg.autoScalingGroupArn;
    if (name !== undefined && p.name !== undefined) out.set(name, p.name);
  }
  return out;
}

/** Pure: the instances whose tasks are all DAEMON service tasks (an empty instance is not daemon-only: ECS frees it). */
export function daemonOnly(instances: readonly InstanceTasks[], daemonServices: ReadonlySet<string>): DaemonOnlyProtected[] {
  const out: DaemonOnlyProtected[] = [];
  for (const i of instances) {
    if (i.groups.length === 0) continue;
    const services = i.groups.map((g) => (g.startsWith('service:') ? g.slice('service:'.length) : undefined));
    if (!services.every((s): s is string => s !== undefined && daemonServices.has(s))) continue;
    out.push({ asg: i.asg, instanceId: i.instanceId, capacityProvider: i.capacityProvider, daemonServices: [...new Set(services)].sort() });
  }
  return out.sort((a, b) => a.asg.localeCompare(b.asg) || a.instanceId.localeCompare(b.instanceId));
}

/** Reads what {@link daemonOnly} decides on, for the protected in-service instances of the cluster's ASGs. */
export async function gatherDaemonOnlyProtected(
  ecs: ECSClient,
  cluster: string,
  protectedByAsg: ReadonlyMap<string, readonly string[]>,
  daemonServices: ReadonlySet<string>,
): Promise<DaemonOnlyProtected[]> {
  if ([...protectedByAsg.values()].every((ids) => ids.length === 0)) return [];
  const mtp = terminationProtectedAsgs(await clusterCapacityProviders(ecs, [cluster]));
  const asgOf = new Map<string, string>();
  for (const [asg, ids] of protectedByAsg) if (mtp.has(asg)) for (const id of ids) asgOf.set(id, asg);
  if (asgOf.size === 0) return [];
  const arns: string[] = [];
  for (const filter of instanceIdFilters([...asgOf.keys()].sort())) {
    let nextToken: string | undefined;
    do {
      const page = await ecs.send(new ListContainerInstancesCommand({ cluster, filter, nextToken }));
      arns.push(...(page.containerInstanceArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
  }
  const instances: InstanceTasks[] = [];
  for (let i = 0; i < arns.length; i += 100) {
    const out = await ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: arns.slice(i, i + 100) }));
    for (const ci of out.containerInstances ?? []) {
      const asg = ci.ec2InstanceId !== undefined ? asgOf.get(ci.ec2InstanceId) : undefined;
      if (asg === undefined || ci.ec2InstanceId === undefined || ci.containerInstanceArn === undefined) continue;
      const taskArns: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await ecs.send(new ListTasksCommand({ cluster, containerInstance: ci.containerInstanceArn, nextToken }));
        taskArns.push(...(page.taskArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
      const groups: string[] = [];
      for (let j = 0; j < taskArns.length; j += 100) {
        const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns.slice(j, j + 100) }));
        groups.push(...(described.tasks ?? []).map((t) => t.group ?? ''));
      }
      instances.push({ asg, instanceId: ci.ec2InstanceId, capacityProvider: mtp.get(asg) ?? '', groups });
    }
  }
  return daemonOnly(instances, daemonServices);
}
