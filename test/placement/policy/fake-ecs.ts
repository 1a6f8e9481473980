/** An in-memory ECS behind aws-sdk-client-mock with the APIs' batch limits and pagination (placement policy tests). */
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  StopTaskCommand,
  type ContainerInstance,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';

export const P = 'arn:aws:ecs:us-east-1:123456789012';
export const NOW = Date.UTC(2026, 0, 1, 12);
export const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

export class FakeEcs {
  services: Service[] = [];
  instances: ContainerInstance[] = [];
  tasks: Task[] = [];
  stopFails = new Set<string>();
  stopped: { task: string; reason: string | undefined }[] = [];

  addInstance(n: number, az: string, type = 'm5.large'): string {
    const arn = `${P}:container-instance/prod/ci${n}`;
    this.instances.push({
      containerInstanceArn: arn,
      ec2InstanceId: `i-${n}`,
      status: 'ACTIVE',
      agentConnected: true,
      attributes: [{ name: 'ecs.availability-zone', value: az }, { name: 'ecs.instance-type', value: type }],
      remainingResources: [{ name: 'CPU', integerValue: 4096 }, { name: 'MEMORY', integerValue: 16000 }],
    });
    return arn;
  }

  addService(name: string, desired: number, extra: Partial<Service> = {}): void {
    this.services.push({
      serviceName: name,
      serviceArn: `${P}:service/prod/${name}`,
      status: 'ACTIVE',
      desiredCount: desired,
      runningCount: desired,
      pendingCount: 0,
      schedulingStrategy: 'REPLICA',
      deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 },
      deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }],
      taskDefinition: `${P}:task-definition/${name}:1`,
      tags: [{ key: 'team', value: 'a' }],
      ...extra,
    });
  }

  addTask(service: string, ci: string, extra: Partial<Task> = {}): string {
    const arn = `${P}:task/prod/${service}-${this.tasks.length}`;
    const az = this.instances.find((i) => i.containerInstanceArn === ci)?.attributes?.[0]?.value;
    this.tasks.push({ taskArn: arn, group: `service:${service}`, containerInstanceArn: ci, availabilityZone: az, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', startedAt: new Date(NOW - 3600_000), taskDefinitionArn: `${P}:task-definition/${service}:1`, ...extra });
    return arn;
  }

  install(): AwsClientStub<ECSClient> {
    const mock = mockClient(ECSClient);
    const page = <T>(items: T[], token: string | undefined, max: number | undefined): { items: T[]; nextToken?: string } => {
      const size = Math.min(max ?? 100, 100);
      const start = token === undefined ? 0 : Number(token);
      const next = start + size < items.length ? String(start + size) : undefined;
      return { items: items.slice(start, start + size), ...(next !== undefined ? { nextToken: next } : {}) };
    };
    mock.on(ListServicesCommand).callsFake((input: { nextToken?: string; maxResults?: number }) => {
      const { items, nextToken } = page(this.services.map((s) => s.serviceArn ?? ''), input.nextToken, input.maxResults);
      return { serviceArns: items, nextToken };
    });
    mock.on(DescribeServicesCommand).callsFake((input: { services: string[]; include?: string[] }) => {
      if (input.services.length > 10) throw new Error('DescribeServices takes at most 10 services');
      const found = input.services.map((s) => this.services.find((x) => x.serviceArn === s || x.serviceName === s)).filter((s) => s !== undefined);
      return { services: found.map((s) => (input.include?.includes('TAGS') ? s : { ...s, tags: undefined })) };
    });
    mock.on(ListContainerInstancesCommand).callsFake((input: { nextToken?: string; maxResults?: number }) => {
      const { items, nextToken } = page(this.instances.map((i) => i.containerInstanceArn ?? ''), input.nextToken, input.maxResults);
      return { containerInstanceArns: items, nextToken };
    });
    mock.on(DescribeContainerInstancesCommand).callsFake((input: { containerInstances: string[] }) => {
      if (input.containerInstances.length > 100) throw new Error('at most 100 container instances');
      return { containerInstances: this.instances.filter((i) => input.containerInstances.includes(i.containerInstanceArn ?? '')) };
    });
    mock.on(ListTasksCommand).callsFake((input: { nextToken?: string; maxResults?: number; serviceName?: string; desiredStatus?: string }) => {
      const matching = this.tasks.filter((t) => (input.serviceName === undefined || t.group === `service:${input.serviceName}`) && (t.desiredStatus ?? 'RUNNING') === (input.desiredStatus ?? 'RUNNING'));
      const { items, nextToken } = page(matching.map((t) => t.taskArn ?? ''), input.nextToken, input.maxResults);
      return { taskArns: items, nextToken };
    });
    mock.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => {
      if (input.tasks.length > 100) throw new Error('at most 100 tasks');
      const wanted = new Set(input.tasks);
      return { tasks: this.tasks.filter((t) => wanted.has(t.taskArn ?? '')) };
    });
    mock.on(DescribeTaskDefinitionCommand).callsFake((input: { taskDefinition: string }) => ({
      taskDefinition: { taskDefinitionArn: input.taskDefinition, family: 'x', containerDefinitions: [{ name: 'app', cpu: 256, memory: 512 }] },
    }));
    mock.on(StopTaskCommand).callsFake((input: { task: string; reason?: string }) => {
      if (this.stopFails.has(input.task)) throw Object.assign(new Error('The referenced task was not found.'), { name: 'InvalidParameterException' });
      this.stopped.push({ task: input.task, reason: input.reason });
      const t = this.tasks.find((x) => x.taskArn === input.task);
      if (t) Object.assign(t, { desiredStatus: 'STOPPED', lastStatus: 'STOPPED', stoppedReason: input.reason, stoppedAt: new Date(NOW) });
      return { task: t };
    });
    return mock;
  }
}

