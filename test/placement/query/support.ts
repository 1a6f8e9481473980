import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ContainerInstance, Task } from '../../../lib/placement/model.js';
import { compileQuery, contextFromTasks, selectInstances, type QueryContext } from '../../../lib/placement/query/index.js';

const fixtures = fileURLToPath(new URL('../../fixtures/placement/', import.meta.url));

/** The fleet of test/fixtures/placement/instances.json (a DescribeContainerInstances response), parsed fresh. */
export function fleet(): ContainerInstance[] {
  return (JSON.parse(readFileSync(`${fixtures}instances.json`, 'utf8')) as { containerInstances: ContainerInstance[] }).containerInstances;
}

/** The tasks of test/fixtures/placement/tasks.json (a DescribeTasks response). */
export function fleetTasks(): Task[] {
  return (JSON.parse(readFileSync(`${fixtures}tasks.json`, 'utf8')) as { tasks: Task[] }).tasks;
}

export function label(instance: ContainerInstance): string {
  return instance.ec2InstanceId ?? instance.containerInstanceArn ?? '?';
}

/** The labels of the instances the expression selects, in input order. */
export function select(expression: string, instances: ContainerInstance[] = fleet(), context: QueryContext = contextFromTasks(fleetTasks())): string[] {
  return selectInstances(compileQuery(expression), instances, context).map(label);
}

/** A container instance with the given attributes (name → value; null for a value-less attribute). */
export function instance(fields: Partial<ContainerInstance> & { attrs?: Record<string, string | null> } = {}): ContainerInstance {
  const { attrs, ...rest } = fields;
  return {
    containerInstanceArn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/test/1',
    ec2InstanceId: 'i-1',
    ...rest,
    ...(attrs ? { attributes: Object.entries(attrs).map(([name, value]) => (value === null ? { name } : { name, value })) } : {}),
  };
}

// Instance labels of the fixture fleet.
export const I1 = 'i-0a1b2c3d4e5f60001'; // t2.small us-east-1a agent 1.14.4 registered 2018-02-10 running 1 stack=prod
export const I2 = 'i-0a1b2c3d4e5f60002'; // t2.medium us-east-1b 1.14.5 2018-02-13T08:00Z running 0 stack=staging
export const I3 = 'i-0a1b2c3d4e5f60003'; // g2.2xlarge us-east-1c 1.100.0 2018-06-18T22:28:28.5Z running 3 stack=prod
export const I4 = 'i-0a1b2c3d4e5f60004'; // g2.8xlarge us-east-1d 1.20.0 2018-06-19T01:00Z running 1, no stack
export const I5 = 'i-abcd1234'; // t2.small us-east-1a 1.9.0 2017-12-01 running 2 stack=prod, agent disconnected
export const I6 = 'i-wxyx7890'; // m5.large us-east-1b 1.68.2 2019-03-01 running 5 stack=dev, Windows
export const I7 = 'i-0a1b2c3d4e5f60007'; // c5.xlarge us-east-1a 1.80.0 registeredAt 1609459200 (epoch s) running 0, no stack
export const I8 = 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/external-0f1e2d3c'; // ECS Anywhere, stack=edge
export const ALL = [I1, I2, I3, I4, I5, I6, I7, I8];
