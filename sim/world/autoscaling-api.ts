/**
 * The EC2 Auto Scaling API operations (see api.ts) over autoscaling.ts: shapes, limits, pagination and errors.
 */
import type * as ASG from '@aws-sdk/client-auto-scaling';
import type { AutoScalingApi } from './api.js';
import type { AsgInstance, AsgState, AutoScalingWorld } from './autoscaling.js';
import { AwsApiError, validationError } from './errors.js';
import { paginate } from './pagination.js';

type Out<T> = Omit<T, '$metadata'>;

const invalidToken = (token: string | undefined) => () => new AwsApiError('InvalidNextToken', `The token '${token ?? ''}' was invalid.`);

function maxRecords(value: number | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw validationError(
      `1 validation error detected: Value '${value}' at 'maxRecords' failed to satisfy constraint: Member must have value ${value < 1 ? 'greater than or equal to 1' : `less than or equal to ${max}`}`,
    );
  }
  return value;
}

export class AutoScalingApiImpl implements AutoScalingApi {
  constructor(private readonly asg: AutoScalingWorld) {}

  private instanceShape(instance: AsgInstance): ASG.Instance {
    const group = instance.group;
    return {
      InstanceId: instance.id,
      InstanceType: group.type.name,
      AvailabilityZone: instance.az,
      LifecycleState: instance.lifecycleState as ASG.LifecycleState,
      HealthStatus: 'Healthy',
      LaunchTemplate: { LaunchTemplateId: group.launchTemplateId, LaunchTemplateName: `${group.name}-lt`, Version: '1' },
      ProtectedFromScaleIn: instance.protectedFromScaleIn,
    };
  }

  private groupShape(group: AsgState): ASG.AutoScalingGroup {
    return {
      AutoScalingGroupName: group.name,
      AutoScalingGroupARN: group.arn,
      LaunchTemplate: { LaunchTemplateId: group.launchTemplateId, LaunchTemplateName: `${group.name}-lt`, Version: '1' },
      MinSize: group.min,
      MaxSize: group.max,
      DesiredCapacity: group.desired,
      DefaultCooldown: 300,
      AvailabilityZones: [...group.azs],
      LoadBalancerNames: [],
      TargetGroupARNs: [],
      HealthCheckType: 'EC2',
      HealthCheckGracePeriod: 300,
      Instances: this.asg.instancesOf(group).map((i) => this.instanceShape(i)),
      CreatedTime: new Date(group.createdAt),
      SuspendedProcesses: [],
      VPCZoneIdentifier: group.azs.map((az) => this.asg.ecs.subnetFor(az)).join(','),
      EnabledMetrics: [],
      Tags: Object.entries(group.tags).map(([Key, Value]) => ({ ResourceId: group.name, ResourceType: 'auto-scaling-group', Key, Value, PropagateAtLaunch: true })),
      TerminationPolicies: ['Default'],
      NewInstancesProtectedFromScaleIn: group.protectFromScaleIn,
      ServiceLinkedRoleARN: `arn:aws:iam::${this.asg.core.account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
      CapacityRebalance: false,
      TrafficSources: [],
      ...(group.warmPool === undefined
        ? {}
        : { WarmPoolConfiguration: this.warmPoolConfiguration(group), WarmPoolSize: this.asg.warmPoolOf(group).instances.filter((i) => !i.lifecycleState.startsWith('Warmed:Terminat')).length }),
    };
  }

  DescribeAutoScalingGroups(input: ASG.AutoScalingGroupNamesType): Out<ASG.AutoScalingGroupsType> {
    const limit = maxRecords(input.MaxRecords, 50, 100);
    const names = input.AutoScalingGroupNames && input.AutoScalingGroupNames.length > 0 ? new Set(input.AutoScalingGroupNames) : undefined;
    const groups = [...this.asg.groups.values()].filter((g) => {
      if (names && !names.has(g.name)) return false;
      for (const filter of input.Filters ?? []) {
        const values = filter.Values ?? [];
        const name = filter.Name ?? '';
        if (name.startsWith('tag:')) {
          const value = g.tags[name.slice(4)];
          if (value === undefined || !values.includes(value)) return false;
        } else if (name === 'tag-key') {
          if (!values.some((v) => v in g.tags)) return false;
        } else if (name === 'tag-value') {
          if (!Object.values(g.tags).some((v) => values.includes(v))) return false;
        } else {
          throw validationError(`Filter name '${name}' is invalid.`);
        }
      }
      return true;
    });
    const page = paginate(groups, (g) => g.seq, { kind: 'asg:DescribeAutoScalingGroups', token: input.NextToken, limit, invalidToken: invalidToken(input.NextToken) });
    return { AutoScalingGroups: page.items.map((g) => this.groupShape(g)), ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }) };
  }

  DescribeAutoScalingInstances(input: ASG.DescribeAutoScalingInstancesType): Out<ASG.AutoScalingInstancesType> {
    if ((input.InstanceIds?.length ?? 0) > 50) throw validationError('The number of instance ids that may be passed in is limited to 50');
    const limit = maxRecords(input.MaxRecords, 50, 50);
    const ids = input.InstanceIds && input.InstanceIds.length > 0 ? new Set(input.InstanceIds) : undefined;
    const instances: AsgInstance[] = [];
    for (const instance of this.asg.instances.values()) {
      if (instance.lifecycleState === 'Terminated' || instance.lifecycleState === 'Warmed:Terminated') continue;
      if (ids && !ids.has(instance.id)) continue;
      instances.push(instance);
    }
    instances.sort((a, b) => a.seq - b.seq);
    const page = paginate(instances, (i) => i.seq, { kind: 'asg:DescribeAutoScalingInstances', token: input.NextToken, limit, invalidToken: invalidToken(input.NextToken) });
    return {
      AutoScalingInstances: page.items.map((i) => ({
        InstanceId: i.id,
        InstanceType: i.group.type.name,
        AutoScalingGroupName: i.group.name,
        AvailabilityZone: i.az,
        LifecycleState: i.lifecycleState,
        // This API spells health in capitals, unlike DescribeAutoScalingGroups.
        HealthStatus: 'HEALTHY',
        LaunchTemplate: { LaunchTemplateId: i.group.launchTemplateId, LaunchTemplateName: `${i.group.name}-lt`, Version: '1' },
        ProtectedFromScaleIn: i.protectedFromScaleIn,
      })),
      ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }),
    };
  }

  DescribeLifecycleHooks(input: ASG.DescribeLifecycleHooksType): Out<ASG.DescribeLifecycleHooksAnswer> {
    const group = this.asg.group(input.AutoScalingGroupName);
    const names = input.LifecycleHookNames && input.LifecycleHookNames.length > 0 ? new Set(input.LifecycleHookNames) : undefined;
    if ((input.LifecycleHookNames?.length ?? 0) > 50) throw validationError('The number of lifecycle hook names that may be passed in is limited to 50');
    return {
      LifecycleHooks: group.hooks
        .filter((h) => names === undefined || names.has(h.name))
        .map((h) => ({
          LifecycleHookName: h.name,
          AutoScalingGroupName: group.name,
          LifecycleTransition: h.transition,
          ...(h.notificationMetadata === undefined ? {} : { NotificationMetadata: h.notificationMetadata }),
          HeartbeatTimeout: h.heartbeatTimeoutS,
          GlobalTimeout: h.globalTimeoutS,
          DefaultResult: h.defaultResult,
        })),
    };
  }

  CompleteLifecycleAction(input: ASG.CompleteLifecycleActionType): Record<string, never> {
    this.asg.completeLifecycleAction(input);
    return {};
  }

  RecordLifecycleActionHeartbeat(input: ASG.RecordLifecycleActionHeartbeatType): Record<string, never> {
    this.asg.recordHeartbeat(input);
    return {};
  }

  DescribeScalingActivities(input: ASG.DescribeScalingActivitiesType): Out<ASG.ActivitiesType> {
    const limit = maxRecords(input.MaxRecords, 100, 100);
    if ((input.ActivityIds?.length ?? 0) > 50) throw validationError('The number of activity ids that may be passed in is limited to 50');
    const ids = input.ActivityIds && input.ActivityIds.length > 0 ? new Set(input.ActivityIds) : undefined;
    const groups = input.AutoScalingGroupName === undefined ? [...this.asg.groups.values()] : [this.asg.groups.get(input.AutoScalingGroupName)].filter((g) => g !== undefined);
    const all = groups
      .flatMap((g) => [...this.asg.activitiesOf(g)])
      .filter((a) => ids === undefined || ids.has(a.activity.ActivityId ?? ''))
      .sort((a, b) => b.seq - a.seq);
    const page = paginate(all, (a) => a.seq, {
      kind: `asg:DescribeScalingActivities:${input.AutoScalingGroupName ?? ''}`,
      token: input.NextToken,
      limit,
      invalidToken: invalidToken(input.NextToken),
      descending: true,
    });
    return { Activities: page.items.map((a) => ({ ...a.activity })), ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }) };
  }

  SetDesiredCapacity(input: ASG.SetDesiredCapacityType): void {
    this.asg.setDesiredCapacity(input.AutoScalingGroupName, input.DesiredCapacity);
  }

  /** PutWarmPool (API reference): MinSize, MaxGroupPreparedCapacity (-1: the group's maximum), PoolState, InstanceReusePolicy. */
  PutWarmPool(input: ASG.PutWarmPoolType): Record<string, never> {
    const poolState = input.PoolState;
    if (poolState !== undefined && poolState !== 'Stopped' && poolState !== 'Running' && poolState !== 'Hibernated') {
      throw validationError(`Invalid value ${String(poolState)} for parameter PoolState. Valid values: Stopped, Running, Hibernated.`);
    }
    this.asg.putWarmPool(input.AutoScalingGroupName, {
      ...(input.MinSize === undefined ? {} : { minSize: input.MinSize }),
      ...(input.MaxGroupPreparedCapacity === undefined ? {} : { maxGroupPreparedCapacity: input.MaxGroupPreparedCapacity }),
      ...(poolState === undefined ? {} : { poolState }),
      ...(input.InstanceReusePolicy?.ReuseOnScaleIn === undefined ? {} : { reuseOnScaleIn: input.InstanceReusePolicy.ReuseOnScaleIn }),
    });
    return {};
  }

  private warmPoolConfiguration(group: AsgState): ASG.WarmPoolConfiguration | undefined {
    const pool = group.warmPool;
    if (!pool) return undefined;
    return {
      MinSize: pool.minSize,
      ...(pool.maxGroupPreparedCapacity === undefined ? {} : { MaxGroupPreparedCapacity: pool.maxGroupPreparedCapacity }),
      PoolState: pool.poolState,
      InstanceReusePolicy: { ReuseOnScaleIn: pool.reuseOnScaleIn },
    };
  }

  /**
   * DescribeWarmPool (API reference): the pool's configuration and its instances (every `Warmed:*` state, those waiting
   * in `Warmed:Pending:Wait` / `Warmed:Terminating:Wait` included), MaxRecords at most 50, paginated.
   */
  DescribeWarmPool(input: ASG.DescribeWarmPoolType): Out<ASG.DescribeWarmPoolAnswer> {
    const group = this.asg.group(input.AutoScalingGroupName);
    const limit = maxRecords(input.MaxRecords, 50, 50);
    const { instances } = this.asg.warmPoolOf(group);
    const page = paginate(instances, (i) => i.seq, { kind: `asg:DescribeWarmPool:${group.name}`, token: input.NextToken, limit, invalidToken: invalidToken(input.NextToken) });
    const config = this.warmPoolConfiguration(group);
    return {
      ...(config === undefined ? {} : { WarmPoolConfiguration: config }),
      Instances: page.items.map((i) => this.instanceShape(i)),
      ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }),
    };
  }

  SetInstanceProtection(input: ASG.SetInstanceProtectionQuery): Record<string, never> {
    this.asg.setInstanceProtection(input.AutoScalingGroupName, input.InstanceIds, input.ProtectedFromScaleIn);
    return {};
  }

  TerminateInstanceInAutoScalingGroup(input: ASG.TerminateInstanceInAutoScalingGroupType): Out<ASG.ActivityType> {
    return { Activity: this.asg.terminateInstance(input.InstanceId, input.ShouldDecrementDesiredCapacity) };
  }
}
