/**
 * Application Auto Scaling for ECS services: scalable targets (`service/<cluster>/<service>`,
 * `ecs:service:DesiredCount`) and the scaling activities `scaleService` records as a target tracking policy would,
 * with AWS's Description/Cause/StatusMessage texts. Scaling to the target's maximum emits the only non-CloudTrail
 * Application Auto Scaling event.
 */
import type * as AAS from '@aws-sdk/client-application-auto-scaling';
import type { Core } from './core.js';
import { aasInvalidNextToken, aasValidation } from './errors.js';
import { AAS_SOURCE, isoSeconds } from './events.js';
import { paginate } from './pagination.js';
import type { Stats } from './stats.js';

const NAMESPACES = [
  'ecs',
  'elasticmapreduce',
  'ec2',
  'appstream',
  'dynamodb',
  'rds',
  'sagemaker',
  'custom-resource',
  'comprehend',
  'lambda',
  'cassandra',
  'kafka',
  'elasticache',
  'neptune',
  'workspaces',
];
const DIMENSION = 'ecs:service:DesiredCount';

interface TargetState {
  seq: number;
  target: AAS.ScalableTarget;
  policyName: string;
}

interface ActivityState {
  seq: number;
  activity: AAS.ScalingActivity;
  scaled: boolean;
}

export interface ScaleResult {
  oldDesired: number;
  newDesired: number;
  activity: AAS.ScalingActivity;
}

export class AppAutoScalingWorld {
  private readonly targets = new Map<string, TargetState>();
  /** Newest first. */
  private readonly activities: ActivityState[] = [];

  constructor(
    readonly core: Core,
    readonly stats: Stats,
  ) {}

  registerScalableTarget(cluster: string, service: string, minCapacity: number, maxCapacity: number, policyName?: string): AAS.ScalableTarget {
    if (minCapacity > maxCapacity) throw aasValidation(`Minimum capacity cannot be greater than maximum capacity`);
    const resourceId = `service/${cluster}/${service}`;
    const existing = this.targets.get(resourceId);
    const target: AAS.ScalableTarget = {
      ServiceNamespace: 'ecs',
      ResourceId: resourceId,
      ScalableDimension: DIMENSION,
      MinCapacity: minCapacity,
      MaxCapacity: maxCapacity,
      RoleARN: `arn:aws:iam::${this.core.account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
      CreationTime: existing?.target.CreationTime ?? new Date(this.core.now()),
      SuspendedState: { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false },
      ScalableTargetARN: this.core.arn('application-autoscaling', `scalable-target/${this.core.random.hex(36)}`),
    };
    this.targets.set(resourceId, { seq: existing?.seq ?? this.core.nextSeq(), target, policyName: policyName ?? existing?.policyName ?? `${service}-target-tracking` });
    return target;
  }

  target(cluster: string, service: string): AAS.ScalableTarget | undefined {
    return this.targets.get(`service/${cluster}/${service}`)?.target;
  }

  /**
   * Records a scaling activity for the service as a target tracking policy would (clamped to the target's bounds).
   * `apply` sets the service's desired count (UpdateService) and runs only when the count changes.
   */
  scale(cluster: string, service: string, oldDesired: number, requested: number, cause: string | undefined, apply: (desired: number) => void): ScaleResult {
    const resourceId = `service/${cluster}/${service}`;
    const state = this.targets.get(resourceId);
    const min = state?.target.MinCapacity ?? 0;
    const max = state?.target.MaxCapacity ?? Number.MAX_SAFE_INTEGER;
    const newDesired = Math.min(max, Math.max(min, requested));
    const direction = newDesired >= oldDesired ? 'scale-out' : 'scale-in';
    const policy = state?.policyName ?? `${service}-target-tracking`;
    const alarm = `TargetTracking-${resourceId}-Alarm${direction === 'scale-out' ? 'High' : 'Low'}-${this.core.random.uuid()}`;
    const now = this.core.now();
    const scaled = newDesired !== oldDesired;
    const activity: AAS.ScalingActivity = {
      ActivityId: this.core.random.uuid(),
      ServiceNamespace: 'ecs',
      ResourceId: resourceId,
      ScalableDimension: DIMENSION,
      Description: `Setting desired count to ${newDesired}.`,
      Cause: cause ?? `monitor alarm ${alarm} in state ALARM triggered policy ${policy}`,
      StartTime: new Date(now),
      EndTime: new Date(now),
      StatusCode: 'Successful',
      StatusMessage: `Successfully set desired count to ${newDesired}. Change successfully fulfilled by ecs.`,
    };
    if (!scaled) {
      activity.NotScaledReasons = [
        newDesired >= max
          ? { Code: 'AlreadyAtMaxCapacity', MaxCapacity: max, CurrentCapacity: oldDesired }
          : newDesired <= min
            ? { Code: 'AlreadyAtMinCapacity', MinCapacity: min, CurrentCapacity: oldDesired }
            : { Code: 'AlreadyAtDesiredCapacity', CurrentCapacity: oldDesired },
      ];
    }
    this.activities.unshift({ seq: this.core.nextSeq(), activity, scaled });
    this.stats.counters.serviceScalingActivities++;
    if (scaled) apply(newDesired);
    if (scaled && state !== undefined && newDesired === max && direction === 'scale-out') {
      this.core.emit('Application Auto Scaling Scaling Activity State Change', AAS_SOURCE, [], () => ({
        startTime: isoSeconds(now),
        endTime: isoSeconds(now),
        newDesiredCapacity: newDesired,
        oldDesiredCapacity: oldDesired,
        minCapacity: min,
        maxCapacity: max,
        resourceId,
        scalableDimension: DIMENSION,
        serviceNamespace: 'ecs',
        statusCode: 'Successful',
        scaledToMax: true,
        direction,
      }));
    }
    return { oldDesired, newDesired, activity };
  }

  // ---- API ---------------------------------------------------------------------------------------------------------

  private checkNamespace(namespace: string | undefined): void {
    if (namespace === undefined || !NAMESPACES.includes(namespace)) {
      throw aasValidation(
        `1 validation error detected: Value '${namespace ?? 'null'}' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: [${NAMESPACES.join(', ')}]`,
      );
    }
  }

  private maxResults(value: number | undefined): number {
    if (value === undefined) return 50;
    if (!Number.isInteger(value) || value < 1 || value > 50) {
      throw aasValidation(`1 validation error detected: Value '${value}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50`);
    }
    return value;
  }

  DescribeScalableTargets(input: AAS.DescribeScalableTargetsRequest): Omit<AAS.DescribeScalableTargetsResponse, '$metadata'> {
    this.checkNamespace(input.ServiceNamespace);
    const limit = this.maxResults(input.MaxResults);
    if ((input.ResourceIds?.length ?? 0) > 50) throw aasValidation('1 validation error detected: Value at \'resourceIds\' failed to satisfy constraint: Member must have length less than or equal to 50');
    const ids = input.ResourceIds && input.ResourceIds.length > 0 ? new Set(input.ResourceIds) : undefined;
    const all = [...this.targets.values()]
      .filter((t) => t.target.ServiceNamespace === input.ServiceNamespace)
      .filter((t) => ids === undefined || ids.has(t.target.ResourceId ?? ''))
      .filter((t) => input.ScalableDimension === undefined || t.target.ScalableDimension === input.ScalableDimension)
      .sort((a, b) => a.seq - b.seq);
    const page = paginate(all, (t) => t.seq, { kind: 'aas:DescribeScalableTargets', token: input.NextToken, limit, invalidToken: aasInvalidNextToken });
    return { ScalableTargets: page.items.map((t) => structuredClone(t.target)), ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }) };
  }

  DescribeScalingActivities(input: AAS.DescribeScalingActivitiesRequest): Omit<AAS.DescribeScalingActivitiesResponse, '$metadata'> {
    this.checkNamespace(input.ServiceNamespace);
    const limit = this.maxResults(input.MaxResults);
    const all = this.activities.filter(
      (a) =>
        a.activity.ServiceNamespace === input.ServiceNamespace &&
        (input.ResourceId === undefined || a.activity.ResourceId === input.ResourceId) &&
        (input.ScalableDimension === undefined || a.activity.ScalableDimension === input.ScalableDimension) &&
        (a.scaled || input.IncludeNotScaledActivities === true),
    );
    const page = paginate(all, (a) => a.seq, { kind: 'aas:DescribeScalingActivities', token: input.NextToken, limit, invalidToken: aasInvalidNextToken, descending: true });
    return { ScalingActivities: page.items.map((a) => structuredClone(a.activity)), ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }) };
  }
}
