/**
 * CloudFormation, as much as `ecs-ops status` reads: stacks with a status and outputs, answered by DescribeStacks
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html). Stacks are not built from
 * templates here: `putStack` records one as a deployment would leave it (a world control, not an AWS operation).
 */
import { createHash } from 'node:crypto';
import type * as CFN from '@aws-sdk/client-cloudformation';
import type { Core } from './core.js';
import { validationError } from './errors.js';

export interface StackRecord {
  name: string;
  status: string;
  statusReason?: string;
  outputs: Readonly<Record<string, string>>;
  createdAt: number;
  lastUpdatedAt?: number;
}

export class CloudFormationWorld {
  private readonly stacks = new Map<string, StackRecord & { id: string }>();

  constructor(readonly core: Core) {}

  /** Records (or replaces) a stack as a deployment leaves it. */
  putStack(stack: StackRecord): void {
    // The id's uuid from the name, not the world's random stream: recording a stack never shifts a run's dice.
    const hex = createHash('sha256').update(stack.name).digest('hex');
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    const id = this.stacks.get(stack.name)?.id ?? this.core.arn('cloudformation', `stack/${stack.name}/${uuid}`);
    this.stacks.set(stack.name, { ...stack, id });
  }

  stackArn(name: string): string | undefined {
    return this.stacks.get(name)?.id;
  }

  DescribeStacks(input: CFN.DescribeStacksInput): Omit<CFN.DescribeStacksOutput, '$metadata'> {
    const ref = input.StackName;
    // Without StackName: every stack that is not deleted; by name (or stack id): that stack, else ValidationError
    // "Stack with id NAME does not exist" (API reference, Errors; the same text for names and ids).
    const matches = [...this.stacks.values()].filter((s) => ref === undefined || ref === '' || s.name === ref || s.id === ref);
    if (ref !== undefined && ref !== '' && matches.length === 0) throw validationError(`Stack with id ${ref} does not exist`);
    return {
      Stacks: matches.map((s) => ({
        StackId: s.id,
        StackName: s.name,
        CreationTime: new Date(s.createdAt),
        ...(s.lastUpdatedAt !== undefined ? { LastUpdatedTime: new Date(s.lastUpdatedAt) } : {}),
        StackStatus: s.status as CFN.StackStatus,
        ...(s.statusReason !== undefined ? { StackStatusReason: s.statusReason } : {}),
        Outputs: Object.entries(s.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      })),
    };
  }
}
