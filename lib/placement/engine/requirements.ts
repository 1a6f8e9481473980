/**
 * Step 1 inputs: what one task of a task definition takes from a container instance, and what an instance has left.
 */
import type { ContainerInstance, EcsResource, TaskDefinition } from '../model.js';
import { attributeValue } from '../model.js';
import type { EniLimit } from './types.js';

export interface TaskRequirements {
  /** CPU units. */
  cpu: number;
  /** MiB. */
  memory: number;
  /** Number of GPUs. */
  gpu: number;
  /** Fixed host ports the task binds (sorted, distinct). Dynamic bridge ports and awsvpc ports take none. */
  tcpPorts: readonly number[];
  udpPorts: readonly number[];
  /** ENIs the task takes on the instance: 1 for awsvpc, else 0. */
  eni: number;
}

/** "1024", "1 vCPU", "0.5 vcpu" → CPU units; NaN when unreadable. */
export function parseCpu(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(text);
  if (!match?.[1]) return Number.NaN;
  const value = Number(match[1]);
  return match[2] ? Math.round(value * 1024) : value;
}

/** "2048", "2 GB", "2GB" → MiB; NaN when unreadable. */
export function parseMemory(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(gb)?\s*$/i.exec(text);
  if (!match?.[1]) return Number.NaN;
  const value = Number(match[1]);
  return match[2] ? Math.round(value * 1024) : value;
}

function parseRange(text: string): [number, number] | undefined {
  const match = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  const from = Number(match[1]);
  const to = Number(match[2]);
  return from <= to ? [from, to] : undefined;
}

/**
 * The requirements of one task:
 * - CPU and memory: the task-level `cpu`/`memory` when set; else the sum over containers of `cpu`, and of
 *   `memoryReservation` when set, else `memory` (ECS: "If you specify memoryReservation, then that value is subtracted
 *   from the available memory resources for the container instance where the container is placed. Otherwise, the
 *   value of memory is used.");
 * - GPU: the sum of the containers' `resourceRequirements` of type GPU;
 * - host ports: in `host` mode each mapping's `hostPort ?? containerPort` (and a `containerPortRange`); in `bridge`
 *   mode (the default) each non-zero `hostPort`, a 0/absent hostPort being dynamic; none in `awsvpc` (the task has its
 *   own ENI) or `none`. Protocol tcp unless `udp`;
 * - ENI: one for `awsvpc`.
 */
export function taskRequirements(taskDefinition: TaskDefinition): TaskRequirements {
  const containers = taskDefinition.containerDefinitions ?? [];
  let cpu = taskDefinition.cpu !== undefined && taskDefinition.cpu !== '' ? parseCpu(taskDefinition.cpu) : Number.NaN;
  if (Number.isNaN(cpu)) cpu = containers.reduce((sum, c) => sum + (c.cpu ?? 0), 0);
  let memory = taskDefinition.memory !== undefined && taskDefinition.memory !== '' ? parseMemory(taskDefinition.memory) : Number.NaN;
  if (Number.isNaN(memory)) memory = containers.reduce((sum, c) => sum + (c.memoryReservation ?? c.memory ?? 0), 0);

  let gpu = 0;
  const tcp = new Set<number>();
  const udp = new Set<number>();
  const mode = taskDefinition.networkMode ?? 'bridge';
  for (const container of containers) {
    for (const requirement of container.resourceRequirements ?? []) {
      if (requirement.type === 'GPU') gpu += Number.parseInt(requirement.value ?? '0', 10) || 0;
    }
    if (mode !== 'host' && mode !== 'bridge') continue;
    for (const mapping of container.portMappings ?? []) {
      const ports = mode === 'host' ? new Set([mapping.hostPort ?? mapping.containerPort ?? 0]) : new Set([mapping.hostPort ?? 0]);
      if (mode === 'host' && mapping.containerPortRange !== undefined) {
        const range = parseRange(mapping.containerPortRange);
        if (range) for (let port = range[0]; port <= range[1]; port++) ports.add(port);
      }
      const into = mapping.protocol?.toLowerCase() === 'udp' ? udp : tcp;
      for (const port of ports) if (port > 0) into.add(port);
    }
  }
  const sorted = (set: Set<number>) => [...set].sort((a, b) => a - b);
  return { cpu, memory, gpu, tcpPorts: sorted(tcp), udpPorts: sorted(udp), eni: mode === 'awsvpc' ? 1 : 0 };
}

function findResource(instance: ContainerInstance, name: string): EcsResource | undefined {
  return instance.remainingResources?.find((r) => r.name === name);
}

function numberOf(resource: EcsResource | undefined): number {
  if (!resource) return 0;
  return resource.integerValue ?? resource.longValue ?? resource.doubleValue ?? resource.stringSetValue?.length ?? 0;
}

/** What an instance has left (DescribeContainerInstances `remainingResources`); an absent resource counts as none. */
export interface RemainingResources {
  cpu: number;
  memory: number;
  /** GPUs left: the number of GPU ids in the stringSetValue (or integerValue). */
  gpu: number;
  tcpPorts: ReadonlySet<number>;
  udpPorts: ReadonlySet<number>;
}

export function remainingResources(instance: ContainerInstance): RemainingResources {
  const ports = (name: string) => new Set((findResource(instance, name)?.stringSetValue ?? []).map(Number).filter(Number.isFinite));
  const gpu = findResource(instance, 'GPU');
  return {
    cpu: numberOf(findResource(instance, 'CPU')),
    memory: numberOf(findResource(instance, 'MEMORY')),
    gpu: gpu?.stringSetValue ? gpu.stringSetValue.length : numberOf(gpu),
    tcpPorts: ports('PORTS'),
    udpPorts: ports('PORTS_UDP'),
  };
}

/**
 * Task ENIs per instance type (the instance's ENIs minus its primary one), without and with ENI trunking. A small
 * table; pass `eniLimits` in the request for other types. From the EC2 ENI limits and ECS's trunking table.
 */
export const ENI_LIMITS: Readonly<Record<string, EniLimit>> = {
  't3.micro': { standard: 1, trunked: 1 },
  'c5.large': { standard: 2, trunked: 10 },
  'c5.xlarge': { standard: 3, trunked: 20 },
  'c5.2xlarge': { standard: 3, trunked: 40 },
  'c5.4xlarge': { standard: 7, trunked: 60 },
  'c5.9xlarge': { standard: 7, trunked: 80 },
  'm5.large': { standard: 2, trunked: 10 },
  'm5.xlarge': { standard: 3, trunked: 20 },
  'm5.2xlarge': { standard: 3, trunked: 40 },
  'm5.4xlarge': { standard: 7, trunked: 60 },
};

/** For an instance type in neither table: one task ENI (every ENI-capable type has at least two ENIs). */
export const DEFAULT_ENI_LIMIT: EniLimit = { standard: 1, trunked: 1 };

export const TRUNK_ATTRIBUTE = 'ecs.awsvpc-trunk-id';
export const INSTANCE_TYPE_ATTRIBUTE = 'ecs.instance-type';

/** How many awsvpc tasks the instance can hold in all (before subtracting those it has). */
export function eniLimit(instance: ContainerInstance, overrides: Readonly<Record<string, EniLimit>> = {}): number {
  const type = attributeValue(instance, INSTANCE_TYPE_ATTRIBUTE) ?? '';
  const own = (table: Readonly<Record<string, EniLimit>>) => (Object.hasOwn(table, type) ? table[type] : undefined);
  const limit = own(overrides) ?? own(ENI_LIMITS) ?? DEFAULT_ENI_LIMIT;
  return attributeValue(instance, TRUNK_ATTRIBUTE) !== undefined ? limit.trunked : limit.standard;
}
