/**
 * Gathering with aws-sdk-client-mock: a 200-service cluster with two ASGs behind paged fakes of the four APIs. The
 * call counts are the figures the digest promises ("no more than the paging requires").
 */
import {
  ApplicationAutoScalingClient,
  DescribeScalingActivitiesCommand as AasDescribeScalingActivitiesCommand,
  type DescribeScalingActivitiesCommandInput as AasInput,
  type ScalingActivity,
} from '@aws-sdk/client-application-auto-scaling';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand as AsgDescribeScalingActivitiesCommand,
  type Activity,
  type DescribeScalingActivitiesCommandInput as AsgInput,
} from '@aws-sdk/client-auto-scaling';
import { DescribeServicesCommand, ECSClient, ListServicesCommand, type DescribeServicesCommandInput, type ListServicesCommandInput } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildDigest } from '../../../lib/summary/digest/build.js';
import { gatherDigestSnapshots } from '../../../lib/summary/digest/gather.js';
import { ECS_MANAGED_ALARM, INSUFFICIENT, WINDOW, aas, asgFailedLaunch, asgLaunch, min, targetTracking } from './fixtures.js';

const ecs = mockClient(ECSClient);
const asc = mockClient(AutoScalingClient);
const aasClient = mockClient(ApplicationAutoScalingClient);

function page<T>(items: T[], token: string | undefined, size: number): { items: T[]; next: string | undefined } {
  const start = token === undefined ? 0 : Number(token);
  const end = start + size;
  return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `svc-${String(i).padStart(3, '0')}`);

function toAas(a: ReturnType<typeof aas>): ScalingActivity {
  return {
    ActivityId: a.activityId,
    ServiceNamespace: 'ecs',
    ResourceId: a.resourceId,
    ScalableDimension: 'ecs:service:DesiredCount',
    Description: a.description,
    Cause: a.cause,
    StartTime: new Date(a.startTime),
    EndTime: a.endTime === undefined ? undefined : new Date(a.endTime),
    StatusCode: (a.statusCode as ScalingActivity['StatusCode']) ?? 'Successful',
    StatusMessage: a.statusMessage,
  };
}

function toAsg(a: ReturnType<typeof asgLaunch>): Activity {
  return {
    ActivityId: a.activityId,
    AutoScalingGroupName: a.asg,
    Description: a.description,
    Cause: a.cause,
    StartTime: new Date(a.startTime),
    EndTime: a.endTime === undefined ? undefined : new Date(a.endTime),
    StatusCode: a.statusCode as Activity['StatusCode'],
    StatusMessage: a.statusMessage,
    Details: a.details,
    Progress: 100,
  };
}

/** A world: services, the `ecs` namespace's activities (any order; served newest first), ASG activities. */
function fakeAws(services: string[], activities: ScalingActivity[], asgActivities: Record<string, Activity[]>): void {
  const newestFirst = [...activities].sort((a, b) => (b.StartTime?.getTime() ?? 0) - (a.StartTime?.getTime() ?? 0));
  ecs.on(ListServicesCommand).callsFake((input: ListServicesCommandInput) => {
    const p = page(services, input.nextToken, input.maxResults ?? 10);
    return { serviceArns: p.items.map((s) => `arn:aws:ecs:us-east-1:123456789012:service/${input.cluster ?? ''}/${s}`), nextToken: p.next };
  });
  ecs.on(DescribeServicesCommand).callsFake((input: DescribeServicesCommandInput) => {
    if ((input.services?.length ?? 0) > 10) throw new Error('DescribeServices takes at most 10 services');
    return {
      services: (input.services ?? []).map((arn) => ({ serviceName: arn.split('/').pop(), status: 'ACTIVE', desiredCount: 2, runningCount: 2, pendingCount: 0, events: [], deployments: [] })),
      failures: [],
    };
  });
  aasClient.on(AasDescribeScalingActivitiesCommand).callsFake((input: AasInput) => {
    if ((input.MaxResults ?? 50) > 50) throw new Error('MaxResults ≤ 50');
    const list = newestFirst.filter((a) => input.ResourceId === undefined || a.ResourceId === input.ResourceId);
    const p = page(list, input.NextToken, input.MaxResults ?? 50);
    return { ScalingActivities: p.items, NextToken: p.next };
  });
  asc.on(DescribeAutoScalingGroupsCommand).callsFake((input: { AutoScalingGroupNames?: string[] }) => ({
    AutoScalingGroups: (input.AutoScalingGroupNames ?? []).map((name) => ({ AutoScalingGroupName: name, DesiredCapacity: 6, MinSize: 2, MaxSize: 10, Instances: [] })),
  }));
  asc.on(AsgDescribeScalingActivitiesCommand).callsFake((input: AsgInput) => {
    const list = [...(asgActivities[input.AutoScalingGroupName ?? ''] ?? [])].sort((a, b) => (b.StartTime?.getTime() ?? 0) - (a.StartTime?.getTime() ?? 0));
    const p = page(list, input.NextToken, input.MaxRecords ?? 100);
    return { Activities: p.items, NextToken: p.next };
  });
}

function calls(): Record<string, number> {
  return {
    'ecs:ListServices': ecs.commandCalls(ListServicesCommand).length,
    'ecs:DescribeServices': ecs.commandCalls(DescribeServicesCommand).length,
    'application-autoscaling:DescribeScalingActivities': aasClient.commandCalls(AasDescribeScalingActivitiesCommand).length,
    'autoscaling:DescribeAutoScalingGroups': asc.commandCalls(DescribeAutoScalingGroupsCommand).length,
    'autoscaling:DescribeScalingActivities': asc.commandCalls(AsgDescribeScalingActivitiesCommand).length,
  };
}

const deps = () => ({ ecs: new ECSClient({ region: 'us-east-1' }), autoscaling: new AutoScalingClient({ region: 'us-east-1' }), aas: new ApplicationAutoScalingClient({ region: 'us-east-1' }), now: () => WINDOW.end + 1000 });

beforeEach(() => {
  ecs.reset();
  asc.reset();
  aasClient.reset();
});

describe('gatherDigestSnapshots', () => {
  it('200-service cluster, a busy morning: API calls by operation (the figures in the report)', async () => {
    const services = names(200);
    // Two weeks of history: every service scaled daily (its baseline), 40 services scaled 3 times in the window.
    const history: ScalingActivity[] = [];
    services.forEach((s, i) => {
      if (s === 'svc-199') return;
      for (let day = 1; day <= 14; day++) history.push(toAas(targetTracking(s, min(-day * 24 * 60 + i), 2, false)));
    });
    const busy = services.slice(0, 40);
    busy.forEach((s, i) => {
      history.push(toAas(targetTracking(s, min(10 + i), 6, true)), toAas(targetTracking(s, min(60 + i), 10, true)), toAas(targetTracking(s, min(200 + i), 2, false)));
    });
    // Scaled in the window for the first time in six weeks: no baseline anywhere (the first change reads "set to").
    history.push(toAas(targetTracking('svc-199', min(30), 4, true)));
    const asgActivities = {
      'prod-ecs-ondemand': [
        ...Array.from({ length: 150 }, (_, i) => toAsg(asgLaunch('prod-ecs-ondemand', min(-3000 - i * 10), 1, 2, ECS_MANAGED_ALARM))),
        toAsg(asgLaunch('prod-ecs-ondemand', min(12), 4, 6, ECS_MANAGED_ALARM)),
        toAsg(asgFailedLaunch('prod-ecs-ondemand', min(13), INSUFFICIENT)),
      ],
      'prod-ecs-spot': [toAsg(asgLaunch('prod-ecs-spot', min(-50), 1, 2, ECS_MANAGED_ALARM))],
    };
    fakeAws(services, history, asgActivities);

    const [snapshot] = await gatherDigestSnapshots(deps(), [{ name: 'prod', asgs: ['prod-ecs-ondemand', 'prod-ecs-spot'] }], WINDOW);
    const counts = calls();
    // 121 activities in the window: 3 pages of 50 reach back past the window start. The 40 busy services' previous
    // changes are yesterday's, among 199 others: 4 more pages find them all (cheaper than 40 look-ups). svc-199 has no
    // history: 1 look-up of its own (one page) says so. 33 calls in all.
    expect(counts).toEqual({
      'ecs:ListServices': 2,
      'ecs:DescribeServices': 20,
      'application-autoscaling:DescribeScalingActivities': 3 + 4 + 1,
      'autoscaling:DescribeAutoScalingGroups': 1,
      'autoscaling:DescribeScalingActivities': 2,
    });
    expect(snapshot?.services).toHaveLength(200);
    const digest = buildDigest(snapshot ?? expect.fail('no snapshot'));
    const svc0 = digest.services.find((s) => s.service === 'svc-000');
    expect(svc0?.changes.map((c) => [c.from, c.to])).toEqual([
      [2, 6],
      [6, 10],
      [10, 2],
    ]);
    expect(digest.services.filter((s) => s.changes.length === 3 && s.changes[0]?.from === 2)).toHaveLength(40);
    expect(digest.services.find((s) => s.service === 'svc-199')?.changes.map((c) => [c.from, c.to])).toEqual([[undefined, 4]]);
    expect(digest.asgs.find((g) => g.asg === 'prod-ecs-ondemand')?.failedLaunches).toHaveLength(1);
  });

  it('a quiet day on a 200-service cluster: one page of activities', async () => {
    const services = names(200);
    const history = services.map((s, i) => toAas(targetTracking(s, min(-2000 - i), 2, false)));
    fakeAws(services, history, {
      'prod-ecs-ondemand': [toAsg(asgLaunch('prod-ecs-ondemand', min(-9000), 1, 2, ECS_MANAGED_ALARM))],
      'prod-ecs-spot': [toAsg(asgLaunch('prod-ecs-spot', min(-9000), 1, 2, ECS_MANAGED_ALARM))],
    });
    const [snapshot] = await gatherDigestSnapshots(deps(), [{ name: 'prod', asgs: ['prod-ecs-ondemand', 'prod-ecs-spot'] }], WINDOW);
    // 26 calls in all.
    expect(calls()).toEqual({
      'ecs:ListServices': 2,
      'ecs:DescribeServices': 20,
      'application-autoscaling:DescribeScalingActivities': 1,
      'autoscaling:DescribeAutoScalingGroups': 1,
      'autoscaling:DescribeScalingActivities': 2,
    });
    expect(buildDigest(snapshot ?? expect.fail('no snapshot')).empty).toBe(true);
  });

  it('reads the namespace once for several clusters, and only that cluster’s services go into each snapshot', async () => {
    const history = [toAas(targetTracking('web', min(10), 4, true, 'prod')), toAas(targetTracking('web', min(-100), 2, true, 'prod')), toAas(targetTracking('web', min(20), 9, true, 'staging')), toAas(targetTracking('web', min(-50), 1, true, 'staging'))];
    fakeAws(['web'], history, {});
    const snapshots = await gatherDigestSnapshots(deps(), [{ name: 'prod', asgs: [] }, { name: 'staging', asgs: [] }], WINDOW);
    expect(aasClient.commandCalls(AasDescribeScalingActivitiesCommand)).toHaveLength(1);
    expect(snapshots.map((s) => buildDigest(s).services.map((x) => x.changes.map((c) => [c.from, c.to])))).toEqual([[[[2, 4]]], [[[1, 9]]]]);
    expect(asc.commandCalls(DescribeAutoScalingGroupsCommand)).toHaveLength(0);
  });

  it('pages an ASG past an old in-progress activity (AWS lists those first) until a finished one predates the window', async () => {
    const stuck = { ...toAsg(asgLaunch('prod-ecs', min(-5000), 1, 2, ECS_MANAGED_ALARM)), StatusCode: 'InProgress' as const, EndTime: undefined };
    const recent = Array.from({ length: 150 }, (_, i) => toAsg(asgLaunch('prod-ecs', min(200 - i), 1, 2, ECS_MANAGED_ALARM)));
    fakeAws([], [], {});
    const pages = [[stuck, ...recent.slice(0, 99)], recent.slice(99, 150).concat([toAsg(asgLaunch('prod-ecs', min(-100), 1, 2, ECS_MANAGED_ALARM))]), [toAsg(asgLaunch('prod-ecs', min(-200), 1, 2, ECS_MANAGED_ALARM))]];
    asc.on(AsgDescribeScalingActivitiesCommand).callsFake((input: AsgInput) => {
      const index = input.NextToken === undefined ? 0 : Number(input.NextToken);
      return { Activities: pages[index], NextToken: index + 1 < pages.length ? String(index + 1) : undefined };
    });
    const [snapshot] = await gatherDigestSnapshots(deps(), [{ name: 'prod', asgs: ['prod-ecs'] }], WINDOW);
    // Page 1 holds the stuck activity (older than the window, not finished): paging goes on; page 2 ends it.
    expect(asc.commandCalls(AsgDescribeScalingActivitiesCommand)).toHaveLength(2);
    expect(snapshot?.asgActivities).toHaveLength(152);
  });

  it('a failing look-back is reported, not fatal; other errors are thrown', async () => {
    fakeAws(['web'], [toAas(targetTracking('web', min(10), 4, true))], {});
    aasClient.on(AasDescribeScalingActivitiesCommand, { ResourceId: 'service/prod/web' }).rejects(new Error('Rate exceeded'));
    const [snapshot] = await gatherDigestSnapshots(deps(), [{ name: 'prod', asgs: [] }], WINDOW);
    expect(snapshot?.incompleteResources).toEqual(['service/prod/web']);
    expect(buildDigest(snapshot ?? expect.fail('no snapshot')).warnings).toEqual(['scaling activities of service/prod/web could not be read completely']);
    ecs.on(ListServicesCommand).rejects(new Error('AccessDeniedException'));
    await expect(gatherDigestSnapshots(deps(), [{ name: 'prod', asgs: [] }], WINDOW)).rejects.toThrow('AccessDeniedException');
  });
});
