/**
 * An in-memory ECS + EC2 Auto Scaling fleet behind aws-sdk-client-mock, for counting the AWS calls a handler makes at
 * scale (10 to 5,000 instances) in milliseconds rather than simulating an hour. It answers the operations the
 * capabilities use with the real page sizes and batch limits (a call over a limit throws, so the count cannot be
 * flattered by oversized batches), and records every call. Add the operations a new capability uses here.
 */
import { ApplicationAutoScalingClient, DescribeScalingActivitiesCommand as AasDescribeScalingActivitiesCommand } from '@aws-sdk/client-application-auto-scaling';
import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeLifecycleHooksCommand,
  DescribeScalingActivitiesCommand as AsgDescribeScalingActivitiesCommand,
  RecordLifecycleActionHeartbeatCommand,
  type LifecycleState,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  PutAttributesCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateContainerInstancesStateCommand,
  type Attribute,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export interface FleetSpec {
  instances: number;
  tasksPerInstance: number;
  /** Services the tasks belong to (round robin). */
  services: number;
  cluster?: string;
  asg?: string;
  hook?: string;
}

interface Instance {
  arn: string;
  ec2InstanceId: string;
  status: string;
  attributes: Map<string, string>;
  lifecycle: string;
}
interface FakeTask {
  arn: string;
  ci: string;
  group: string;
  lastStatus: string;
  desiredStatus: string;
  startedBy?: string;
  taskDefinitionArn?: string;
  startedAt?: Date;
  stoppedAt?: Date;
  exitCode?: number;
}

/** Availability zones the instances are spread over (round robin), reported as the `ecs.availability-zone` attribute. */
export const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'] as const;

function limitError(what: string, max: number): Error {
  return new Error(`${what}: at most ${max} items per call`);
}

export class FakeFleet {
  readonly cluster: string;
  readonly asg: string;
  readonly hook: string;
  readonly instances = new Map<string, Instance>();
  readonly byEc2 = new Map<string, Instance>();
  readonly tasks = new Map<string, FakeTask>();
  readonly tasksByInstance = new Map<string, FakeTask[]>();
  readonly services: string[];
  /** Every call: `ecs:DescribeTasks`, `autoscaling:CompleteLifecycleAction`, … */
  readonly calls: string[] = [];

  constructor(readonly spec: FleetSpec) {
    this.cluster = spec.cluster ?? 'prod';
    this.asg = spec.asg ?? 'prod-asg';
    this.hook = spec.hook ?? 'ecs-ops-drain';
    this.services = Array.from({ length: spec.services }, (_, i) => `svc-${i}`);
    let t = 0;
    for (let i = 0; i < spec.instances; i++) {
      const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
      const ec2InstanceId = `i-${hex(i + 1, 17)}`;
      const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/${this.cluster}/${hex(i + 1, 32)}`;
      const instance: Instance = { arn, ec2InstanceId, status: 'ACTIVE', attributes: new Map(), lifecycle: 'InService' };
      this.instances.set(arn, instance);
      this.byEc2.set(ec2InstanceId, instance);
      const list: FakeTask[] = [];
      for (let k = 0; k < spec.tasksPerInstance; k++, t++) {
        const task: FakeTask = { arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${this.cluster}/${hex(t + 1, 32)}`, ci: arn, group: `service:${this.services[t % spec.services] ?? 'svc-0'}`, lastStatus: 'RUNNING', desiredStatus: 'RUNNING', taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${this.services[t % spec.services] ?? 'svc-0'}:1`, startedAt: new Date(Date.now() - 86_400_000) };
        this.tasks.set(task.arn, task);
        list.push(task);
      }
      this.tasksByInstance.set(arn, list);
    }
  }

  /** The availability zone of an instance (round robin over {@link ZONES} in creation order). */
  zoneOf(arn: string): string {
    const n = Number.parseInt(arn.split('/').at(-1) ?? '1', 16);
    return ZONES[(n - 1) % ZONES.length] ?? 'us-east-1a';
  }

  /** Adds a standalone task (e.g. a scheduled task's run, `startedBy` set) on the first instance. */
  addTask(fields: Pick<FakeTask, 'group' | 'lastStatus' | 'desiredStatus'> & Partial<FakeTask>): FakeTask {
    const ci = this.instances.keys().next().value ?? '';
    const task: FakeTask = { arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${this.cluster}/x${(this.tasks.size + 1).toString(16).padStart(31, '0')}`, ci, ...fields };
    this.tasks.set(task.arn, task);
    this.tasksByInstance.get(ci)?.push(task);
    return task;
  }

  /** The first `count` instances, in order. */
  first(count: number): Instance[] {
    return [...this.instances.values()].slice(0, count);
  }

  /** What the ASG does on a scale-in: the instance waits in Terminating:Wait for the hook. */
  terminate(instance: Instance): void {
    instance.lifecycle = 'Terminating:Wait';
  }

  count(): Map<string, number> {
    const out = new Map<string, number>();
    for (const c of this.calls) out.set(c, (out.get(c) ?? 0) + 1);
    return out;
  }

  /** Installs the fleet behind every ECSClient and AutoScalingClient; returns a function removing it. */
  install(): () => void {
    const ecs = mockClient(ECSClient);
    const asg = mockClient(AutoScalingClient);
    const aas = mockClient(ApplicationAutoScalingClient);
    const rec = (action: string) => { this.calls.push(action); };
    const page = <T>(items: readonly T[], token: string | undefined, size: number) => {
      const start = token === undefined ? 0 : Number(token);
      const next = start + size < items.length ? String(start + size) : undefined;
      return { items: items.slice(start, start + size), next };
    };
    const activeAction = (id: string): Instance => {
      const i = this.byEc2.get(id);
      if (i?.lifecycle !== 'Terminating:Wait') {
        throw new AutoScalingServiceException({ name: 'ValidationError', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: `No active Lifecycle Action found with instance ID ${id}` });
      }
      return i;
    };

    asg.on(DescribeAutoScalingInstancesCommand).callsFake((input: { InstanceIds?: string[] }) => {
      rec('autoscaling:DescribeAutoScalingInstances');
      if ((input.InstanceIds?.length ?? 0) > 50) throw limitError('DescribeAutoScalingInstances', 50);
      return {
        AutoScalingInstances: (input.InstanceIds ?? []).flatMap((id) => {
          const i = this.byEc2.get(id);
          return i ? [{ InstanceId: id, AutoScalingGroupName: this.asg, LifecycleState: i.lifecycle as LifecycleState, AvailabilityZone: 'us-east-1a', HealthStatus: 'HEALTHY', ProtectedFromScaleIn: false }] : [];
        }),
      };
    });
    asg.on(DescribeLifecycleHooksCommand).callsFake((input: { AutoScalingGroupName: string }) => {
      rec('autoscaling:DescribeLifecycleHooks');
      return {
        LifecycleHooks:
          input.AutoScalingGroupName === this.asg
            ? [{ AutoScalingGroupName: this.asg, LifecycleHookName: this.hook, LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING', HeartbeatTimeout: 900, GlobalTimeout: 90_000, DefaultResult: 'CONTINUE' }]
            : [],
      };
    });
    asg.on(DescribeAutoScalingGroupsCommand).callsFake((input: { AutoScalingGroupNames?: string[]; MaxRecords?: number }) => {
      rec('autoscaling:DescribeAutoScalingGroups');
      if ((input.AutoScalingGroupNames?.length ?? 0) > 100) throw limitError('DescribeAutoScalingGroups', 100);
      return {
        AutoScalingGroups: (input.AutoScalingGroupNames ?? [this.asg])
          .filter((n) => n === this.asg)
          .map((name) => ({
            AutoScalingGroupName: name,
            MinSize: 0,
            MaxSize: this.spec.instances,
            DesiredCapacity: this.spec.instances,
            DefaultCooldown: 300,
            AvailabilityZones: ['us-east-1a'],
            HealthCheckType: 'EC2',
            CreatedTime: new Date(0),
            Instances: [...this.instances.values()].map((i) => ({ InstanceId: i.ec2InstanceId, LifecycleState: i.lifecycle as LifecycleState, AvailabilityZone: 'us-east-1a', HealthStatus: 'Healthy', ProtectedFromScaleIn: false })),
          })),
      };
    });
    asg.on(CompleteLifecycleActionCommand).callsFake((input: { InstanceId: string }) => {
      rec('autoscaling:CompleteLifecycleAction');
      activeAction(input.InstanceId).lifecycle = 'Terminating:Proceed';
      return {};
    });
    asg.on(RecordLifecycleActionHeartbeatCommand).callsFake((input: { InstanceId: string }) => {
      rec('autoscaling:RecordLifecycleActionHeartbeat');
      activeAction(input.InstanceId);
      return {};
    });

    ecs.on(ListContainerInstancesCommand).callsFake((input: { cluster?: string; filter?: string; maxResults?: number; nextToken?: string }) => {
      rec('ecs:ListContainerInstances');
      if ((input.maxResults ?? 100) > 100) throw limitError('ListContainerInstances', 100);
      if ((input.filter?.length ?? 0) > 2000) throw new Error('ListContainerInstances: filter longer than 2,000 characters');
      const eq = /^ec2InstanceId\s*==\s*'?([\w-]+)'?$/.exec(input.filter ?? '');
      const inList = /^ec2InstanceId in \[(.*)\]$/.exec(input.filter ?? '');
      const ids = eq?.[1] !== undefined ? [eq[1]] : inList?.[1] !== undefined ? inList[1].split(',').map((s) => s.trim().replace(/^'|'$/g, '')) : undefined;
      const arns = input.cluster !== undefined && !input.cluster.endsWith(this.cluster) ? [] : ids === undefined ? [...this.instances.keys()] : ids.flatMap((id) => { const i = this.byEc2.get(id); return i ? [i.arn] : []; });
      const p = page(arns, input.nextToken, input.maxResults ?? 100);
      return { containerInstanceArns: p.items, ...(p.next !== undefined ? { nextToken: p.next } : {}) };
    });
    ecs.on(DescribeContainerInstancesCommand).callsFake((input: { containerInstances: string[] }) => {
      rec('ecs:DescribeContainerInstances');
      if (input.containerInstances.length > 100) throw limitError('DescribeContainerInstances', 100);
      return {
        containerInstances: input.containerInstances.flatMap((arn) => {
          const i = this.instances.get(arn);
          if (!i) return [];
          const running = (this.tasksByInstance.get(arn) ?? []).filter((t) => t.lastStatus !== 'STOPPED').length;
          return [{ containerInstanceArn: arn, ec2InstanceId: i.ec2InstanceId, status: i.status, agentConnected: true, runningTasksCount: running, pendingTasksCount: 0, attributes: [{ name: 'ecs.availability-zone', value: this.zoneOf(arn) }, { name: 'ecs.instance-type', value: 'c5.xlarge' }, ...[...i.attributes].map(([name, value]) => ({ name, value }))] }];
        }),
        failures: [],
      };
    });
    ecs.on(UpdateContainerInstancesStateCommand).callsFake((input: { containerInstances: string[]; status: string }) => {
      rec('ecs:UpdateContainerInstancesState');
      if (input.containerInstances.length > 10) throw limitError('UpdateContainerInstancesState', 10);
      for (const arn of input.containerInstances) {
        const i = this.instances.get(arn);
        if (i) i.status = input.status;
      }
      return { containerInstances: input.containerInstances.map((arn) => ({ containerInstanceArn: arn, status: input.status })), failures: [] };
    });
    ecs.on(PutAttributesCommand).callsFake((input: { attributes: Attribute[] }) => {
      rec('ecs:PutAttributes');
      if (input.attributes.length > 10) throw limitError('PutAttributes', 10);
      for (const a of input.attributes) this.instances.get(a.targetId ?? '')?.attributes.set(a.name ?? '', a.value ?? '');
      return { attributes: input.attributes };
    });
    ecs.on(ListTasksCommand).callsFake((input: { containerInstance?: string; serviceName?: string; startedBy?: string; desiredStatus?: string; maxResults?: number; nextToken?: string }) => {
      rec('ecs:ListTasks');
      if ((input.maxResults ?? 100) > 100) throw limitError('ListTasks', 100);
      const pool = input.containerInstance !== undefined ? (this.tasksByInstance.get(input.containerInstance) ?? []) : [...this.tasks.values()];
      const arns = pool
        .filter((t) => (input.serviceName === undefined || t.group === `service:${input.serviceName}`) && (input.startedBy === undefined || t.startedBy === input.startedBy) && (t.desiredStatus === 'STOPPED') === (input.desiredStatus === 'STOPPED'))
        .map((t) => t.arn);
      const p = page(arns, input.nextToken, input.maxResults ?? 100);
      return { taskArns: p.items, ...(p.next !== undefined ? { nextToken: p.next } : {}) };
    });
    ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => {
      rec('ecs:DescribeTasks');
      if (input.tasks.length > 100) throw limitError('DescribeTasks', 100);
      return {
        tasks: input.tasks.flatMap((arn) => {
          const t = this.tasks.get(arn);
          return t ? [{ taskArn: arn, clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${this.cluster}`, containerInstanceArn: t.ci, group: t.group, lastStatus: t.lastStatus, desiredStatus: t.desiredStatus, launchType: 'EC2' as const, availabilityZone: this.zoneOf(t.ci), taskDefinitionArn: t.taskDefinitionArn, startedBy: t.startedBy, startedAt: t.startedAt, createdAt: t.startedAt, stoppedAt: t.stoppedAt, ...(t.stoppedAt !== undefined ? { stopCode: 'EssentialContainerExited' as const, stoppedReason: 'Essential container in task exited' } : {}), containers: [{ name: 'main', lastStatus: t.lastStatus, ...(t.exitCode !== undefined ? { exitCode: t.exitCode } : {}) }] }] : [];
        }),
        failures: [],
      };
    });
    ecs.on(ListServicesCommand).callsFake((input: { maxResults?: number; nextToken?: string }) => {
      rec('ecs:ListServices');
      if ((input.maxResults ?? 10) > 100) throw limitError('ListServices', 100);
      const p = page(this.services.map((s) => `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${this.cluster}/${s}`), input.nextToken, input.maxResults ?? 10);
      return { serviceArns: p.items, ...(p.next !== undefined ? { nextToken: p.next } : {}) };
    });
    ecs.on(DescribeServicesCommand).callsFake((input: { services: string[] }) => {
      rec('ecs:DescribeServices');
      if (input.services.length > 10) throw limitError('DescribeServices', 10);
      return {
        services: input.services.map((name) => ({
          serviceName: name.split('/').at(-1),
          serviceArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${this.cluster}/${name.split('/').at(-1) ?? name}`,
          desiredCount: 20,
          runningCount: 20,
          schedulingStrategy: 'REPLICA' as const,
          deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 },
          events: [],
        })),
        failures: [],
      };
    });
    ecs.on(RunTaskCommand).callsFake((input: { count?: number; group?: string; startedBy?: string; taskDefinition?: string }) => {
      rec('ecs:RunTask');
      if ((input.count ?? 1) > 10) throw limitError('RunTask', 10);
      const started = Array.from({ length: input.count ?? 1 }, () =>
        this.addTask({ group: input.group ?? `family:${input.taskDefinition ?? 'task'}`, lastStatus: 'PROVISIONING', desiredStatus: 'RUNNING', ...(input.startedBy !== undefined ? { startedBy: input.startedBy } : {}), taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${input.taskDefinition ?? 'task'}:1` }),
      );
      return { tasks: started.map((t) => ({ taskArn: t.arn, clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${this.cluster}`, group: t.group, startedBy: t.startedBy, lastStatus: t.lastStatus, desiredStatus: t.desiredStatus, taskDefinitionArn: t.taskDefinitionArn })), failures: [] };
    });
    // A quiet window: no scaling activity to read (one page each).
    aas.on(AasDescribeScalingActivitiesCommand).callsFake((input: { MaxResults?: number }) => {
      rec('application-autoscaling:DescribeScalingActivities');
      if ((input.MaxResults ?? 50) > 50) throw limitError('DescribeScalingActivities (Application Auto Scaling)', 50);
      return { ScalingActivities: [] };
    });
    asg.on(AsgDescribeScalingActivitiesCommand).callsFake((input: { MaxRecords?: number }) => {
      rec('autoscaling:DescribeScalingActivities');
      if ((input.MaxRecords ?? 100) > 100) throw limitError('DescribeScalingActivities', 100);
      return { Activities: [] };
    });
    ecs.on(StopTaskCommand).callsFake((input: { task: string }) => {
      rec('ecs:StopTask');
      const t = this.tasks.get(input.task);
      if (t) t.desiredStatus = 'STOPPED';
      return { task: { taskArn: input.task } };
    });
    return () => {
      ecs.restore();
      asg.restore();
      aas.restore();
    };
  }
}
