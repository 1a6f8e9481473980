/**
 * EC2 instance types the world can launch: what ECS registers for each (CPU units = vCPUs × 1024; memory = the
 * instance's MiB minus what the ECS agent and the OS reserve, as ECS-optimized AMIs report it), the CPU architecture,
 * and the task-ENI limits (from the placement engine's table when it has the type).
 */
import { DEFAULT_ENI_LIMIT, ENI_LIMITS, type EniLimit } from '../../lib/placement/engine/index.js';

export interface InstanceTypeInfo {
  name: string;
  vcpu: number;
  /** CPU units ECS registers. */
  cpu: number;
  /** MiB ECS registers. */
  memory: number;
  architecture: 'x86_64' | 'arm64';
  eni: EniLimit;
}

const table: readonly [string, number, number, 'x86_64' | 'arm64'][] = [
  ['t3.micro', 2, 944, 'x86_64'],
  ['t3.small', 2, 1939, 'x86_64'],
  ['t3.medium', 2, 3918, 'x86_64'],
  ['t3.large', 2, 7853, 'x86_64'],
  ['t4g.medium', 2, 3918, 'arm64'],
  ['c5.large', 2, 3788, 'x86_64'],
  ['c5.xlarge', 4, 7680, 'x86_64'],
  ['c5.2xlarge', 8, 15576, 'x86_64'],
  ['c5.4xlarge', 16, 31368, 'x86_64'],
  ['c5.9xlarge', 36, 70583, 'x86_64'],
  ['c6g.large', 2, 3788, 'arm64'],
  ['c6g.xlarge', 4, 7680, 'arm64'],
  ['m5.large', 2, 7680, 'x86_64'],
  ['m5.xlarge', 4, 15576, 'x86_64'],
  ['m5.2xlarge', 8, 31368, 'x86_64'],
  ['m5.4xlarge', 16, 62950, 'x86_64'],
  ['m6i.large', 2, 7680, 'x86_64'],
  ['m6i.xlarge', 4, 15576, 'x86_64'],
  ['m6g.large', 2, 7680, 'arm64'],
  ['m6g.xlarge', 4, 15576, 'arm64'],
  ['r5.large', 2, 15576, 'x86_64'],
  ['r5.xlarge', 4, 31368, 'x86_64'],
];

/** ENI limits for types the engine's table lacks (the EC2 ENI counts minus the primary, and ECS's trunking table). */
const EXTRA_ENI: Readonly<Record<string, EniLimit>> = {
  't3.small': { standard: 2, trunked: 2 },
  't3.medium': { standard: 2, trunked: 2 },
  't3.large': { standard: 2, trunked: 2 },
  't4g.medium': { standard: 2, trunked: 2 },
  'c5.9xlarge': { standard: 7, trunked: 80 },
  'c6g.large': { standard: 2, trunked: 10 },
  'c6g.xlarge': { standard: 3, trunked: 20 },
  'm6i.large': { standard: 2, trunked: 10 },
  'm6i.xlarge': { standard: 3, trunked: 20 },
  'm6g.large': { standard: 2, trunked: 10 },
  'm6g.xlarge': { standard: 3, trunked: 20 },
  'r5.large': { standard: 2, trunked: 10 },
  'r5.xlarge': { standard: 3, trunked: 20 },
};

export const INSTANCE_TYPES: ReadonlyMap<string, InstanceTypeInfo> = new Map(
  table.map(([name, vcpu, memory, architecture]) => [
    name,
    {
      name,
      vcpu,
      cpu: vcpu * 1024,
      memory,
      architecture,
      eni: (Object.hasOwn(ENI_LIMITS, name) ? ENI_LIMITS[name] : undefined) ?? EXTRA_ENI[name] ?? DEFAULT_ENI_LIMIT,
    },
  ]),
);

export function instanceType(name: string): InstanceTypeInfo | undefined {
  return INSTANCE_TYPES.get(name);
}
