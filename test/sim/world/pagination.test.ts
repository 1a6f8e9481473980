import { describe, expect, it } from 'vitest';
import { World } from '../../../sim/world/world.js';
import { AZS, expectAwsError, START } from './helpers.js';

/** 10 instances, 12 services of 2 tasks, 2 ASGs. */
function bigWorld() {
  const world = new World({ seed: 5, start: START });
  world.createCluster('prod');
  world.registerTaskDefinition({ family: 'app', containerDefinitions: [{ name: 'app', image: 'app', cpu: 64, memory: 128 }] });
  world.createAutoScalingGroup({ name: 'a', cluster: 'prod', instanceType: 'm5.large', availabilityZones: AZS, minSize: 0, maxSize: 20, desiredCapacity: 6, capacityProviderName: 'a-cp' });
  world.createAutoScalingGroup({ name: 'b', cluster: 'prod', instanceType: 'c5.large', availabilityZones: AZS, minSize: 0, maxSize: 20, desiredCapacity: 4 });
  for (let i = 0; i < 12; i++) world.createService({ cluster: 'prod', serviceName: `svc-${String(i).padStart(2, '0')}`, taskDefinition: 'app', desiredCount: 2 });
  return world;
}

/** Collects every page of a paginated call; checks each page's size. */
function pages<T>(call: (token: string | undefined) => { items: T[]; next: string | undefined }, pageSize: number): { items: T[]; count: number } {
  const items: T[] = [];
  let token: string | undefined;
  let count = 0;
  do {
    const page = call(token);
    count++;
    if (page.next !== undefined) expect(page.items).toHaveLength(pageSize);
    else expect(page.items.length).toBeLessThanOrEqual(pageSize);
    items.push(...page.items);
    token = page.next;
  } while (token !== undefined);
  return { items, count };
}

describe('pagination', () => {
  it('ListContainerInstances: maxResults 1–100, stable opaque tokens', () => {
    const world = bigWorld();
    const all = world.ecs.ListContainerInstances({ cluster: 'prod' });
    expect(all.containerInstanceArns).toHaveLength(10);
    expect(all.nextToken).toBeUndefined();
    const paged = pages((t) => {
      const r = world.ecs.ListContainerInstances({ cluster: 'prod', maxResults: 4, nextToken: t });
      return { items: r.containerInstanceArns ?? [], next: r.nextToken };
    }, 4);
    expect(paged.count).toBe(3);
    expect(paged.items).toEqual(all.containerInstanceArns);
    const exact = world.ecs.ListContainerInstances({ cluster: 'prod', maxResults: 10 });
    expect(exact.nextToken).toBeUndefined();
    expectAwsError(() => world.ecs.ListContainerInstances({ cluster: 'prod', maxResults: 0 }), 'InvalidParameterException');
    expectAwsError(() => world.ecs.ListContainerInstances({ cluster: 'prod', maxResults: 101 }), 'InvalidParameterException');
    expectAwsError(() => world.ecs.ListContainerInstances({ cluster: 'prod', nextToken: 'garbage' }), 'InvalidParameterException');
    // A token from another list is refused.
    const servicesToken = world.ecs.ListServices({ cluster: 'prod', maxResults: 1 }).nextToken;
    expectAwsError(() => world.ecs.ListContainerInstances({ cluster: 'prod', nextToken: servicesToken }), 'InvalidParameterException');
    // Items added between pages do not shift the pages already read.
    const first = world.ecs.ListContainerInstances({ cluster: 'prod', maxResults: 5 });
    world.setDesiredCapacity('a', 7);
    world.advanceBy(90_000);
    const rest = world.ecs.ListContainerInstances({ cluster: 'prod', nextToken: first.nextToken });
    const seen = [...(first.containerInstanceArns ?? []), ...(rest.containerInstanceArns ?? [])];
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(11);
  });

  it('ListTasks and ListServices (default page of 10, max 100)', () => {
    const world = bigWorld();
    const services = pages((t) => {
      const r = world.ecs.ListServices({ cluster: 'prod', nextToken: t });
      return { items: r.serviceArns ?? [], next: r.nextToken };
    }, 10);
    expect(services.count).toBe(2);
    expect(services.items).toHaveLength(12);
    expect(services.items[0]).toBe('arn:aws:ecs:us-east-1:123456789012:service/prod/svc-00');
    expectAwsError(() => world.ecs.ListServices({ cluster: 'prod', maxResults: 101 }), 'InvalidParameterException');

    const tasks = pages((t) => {
      const r = world.ecs.ListTasks({ cluster: 'prod', maxResults: 7, nextToken: t });
      return { items: r.taskArns ?? [], next: r.nextToken };
    }, 7);
    expect(tasks.items).toHaveLength(24);
    expect(new Set(tasks.items).size).toBe(24);
    expect(world.ecs.ListTasks({ cluster: 'prod', maxResults: 1 }).taskArns).toHaveLength(1);
    expect(world.ecs.ListTasks({ cluster: 'prod', serviceName: 'svc-03' }).taskArns).toHaveLength(2);
    expect(world.ecs.ListTasks({ cluster: 'prod', family: 'app', desiredStatus: 'STOPPED' }).taskArns).toEqual([]);
    expect(world.ecs.ListTasks({ cluster: 'prod', desiredStatus: 'PENDING' }).taskArns).toEqual([]);
    expectAwsError(() => world.ecs.ListTasks({ cluster: 'prod', serviceName: 'nope' }), 'ServiceNotFoundException');
    expectAwsError(() => world.ecs.ListTasks({ cluster: 'prod', maxResults: 0 }), 'InvalidParameterException');
  });

  it('EC2 Auto Scaling: DescribeAutoScalingGroups, DescribeAutoScalingInstances, DescribeScalingActivities', () => {
    const world = bigWorld();
    const groups = pages((t) => {
      const r = world.autoscaling.DescribeAutoScalingGroups({ MaxRecords: 1, NextToken: t });
      return { items: r.AutoScalingGroups ?? [], next: r.NextToken };
    }, 1);
    expect(groups.items.map((g) => g.AutoScalingGroupName)).toEqual(['a', 'b']);
    expect(world.autoscaling.DescribeAutoScalingGroups({ AutoScalingGroupNames: ['b', 'nope'] }).AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['b']);
    expectAwsError(() => world.autoscaling.DescribeAutoScalingGroups({ MaxRecords: 101 }), 'ValidationError');
    expectAwsError(() => world.autoscaling.DescribeAutoScalingGroups({ NextToken: 'nope' }), 'InvalidNextToken', "The token 'nope' was invalid.");

    const instances = pages((t) => {
      const r = world.autoscaling.DescribeAutoScalingInstances({ MaxRecords: 3, NextToken: t });
      return { items: r.AutoScalingInstances ?? [], next: r.NextToken };
    }, 3);
    expect(instances.items).toHaveLength(10);
    expect(instances.count).toBe(4);
    expectAwsError(
      () => world.autoscaling.DescribeAutoScalingInstances({ InstanceIds: Array.from({ length: 51 }, (_, i) => `i-${i}`) }),
      'ValidationError',
      'The number of instance ids that may be passed in is limited to 50',
    );
    expectAwsError(() => world.autoscaling.DescribeAutoScalingInstances({ MaxRecords: 51 }), 'ValidationError');

    const activities = pages((t) => {
      const r = world.autoscaling.DescribeScalingActivities({ AutoScalingGroupName: 'a', MaxRecords: 4, NextToken: t });
      return { items: r.Activities ?? [], next: r.NextToken };
    }, 4);
    expect(activities.items).toHaveLength(6);
    world.setDesiredCapacity('a', 7);
    const newest = world.autoscaling.DescribeScalingActivities({ AutoScalingGroupName: 'a', MaxRecords: 1 }).Activities?.[0];
    expect(newest?.Description).toMatch(/^Launching a new EC2 instance: i-0[0-9a-f]{16}$/);
    expect(newest?.Cause).toMatch(
      /^At 2025-03-03T09:00:00Z a user request explicitly set group desired capacity changing the desired capacity from 6 to 7\. {2}At 2025-03-03T09:00:00Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 6 to 7\.$/,
    );
  });

  it('Application Auto Scaling and capacity providers', () => {
    const world = bigWorld();
    for (let i = 0; i < 5; i++) world.registerScalableTarget({ cluster: 'prod', service: `svc-0${i}`, minCapacity: 1, maxCapacity: 10 });
    const targets = pages((t) => {
      const r = world.applicationAutoScaling.DescribeScalableTargets({ ServiceNamespace: 'ecs', MaxResults: 2, NextToken: t });
      return { items: r.ScalableTargets ?? [], next: r.NextToken };
    }, 2);
    expect(targets.items.map((t) => t.ResourceId)).toEqual(['service/prod/svc-00', 'service/prod/svc-01', 'service/prod/svc-02', 'service/prod/svc-03', 'service/prod/svc-04']);
    expect(world.applicationAutoScaling.DescribeScalableTargets({ ServiceNamespace: 'ecs', ResourceIds: ['service/prod/svc-03'] }).ScalableTargets).toHaveLength(1);
    for (let i = 3; i <= 6; i++) world.scaleService('prod', 'svc-00', i);
    const activities = pages((t) => {
      const r = world.applicationAutoScaling.DescribeScalingActivities({ ServiceNamespace: 'ecs', ResourceId: 'service/prod/svc-00', MaxResults: 3, NextToken: t });
      return { items: r.ScalingActivities ?? [], next: r.NextToken };
    }, 3);
    expect(activities.items.map((a) => a.Description)).toEqual(['Setting desired count to 6.', 'Setting desired count to 5.', 'Setting desired count to 4.', 'Setting desired count to 3.']);
    expectAwsError(() => world.applicationAutoScaling.DescribeScalableTargets({ ServiceNamespace: 'ecs', NextToken: 'x' }), 'InvalidNextTokenException');

    const providers = pages((t) => {
      const r = world.ecs.DescribeCapacityProviders({ maxResults: 1, nextToken: t });
      return { items: r.capacityProviders ?? [], next: r.nextToken };
    }, 1);
    expect(providers.items.map((p) => p.name)).toEqual(['a-cp', 'FARGATE', 'FARGATE_SPOT']);
    expectAwsError(() => world.ecs.DescribeCapacityProviders({ maxResults: 11 }), 'InvalidParameterException');
  });
});

describe('batch limits', () => {
  it('Describe* refuse more items than ECS accepts, and report unknown ones as MISSING', () => {
    const world = bigWorld();
    expectAwsError(
      () => world.ecs.DescribeContainerInstances({ cluster: 'prod', containerInstances: Array.from({ length: 101 }, (_, i) => `c${i}`) }),
      'InvalidParameterException',
      'instanceIds can have at most 100 items.',
    );
    expectAwsError(() => world.ecs.DescribeTasks({ cluster: 'prod', tasks: Array.from({ length: 101 }, (_, i) => `t${i}`) }), 'InvalidParameterException', 'taskIds can have at most 100 items.');
    expectAwsError(() => world.ecs.DescribeServices({ cluster: 'prod', services: Array.from({ length: 11 }, (_, i) => `s${i}`) }), 'InvalidParameterException', 'service names can have at most 10 items.');
    const ten = world.ecs.DescribeServices({ cluster: 'prod', services: [...Array.from({ length: 9 }, (_, i) => `svc-0${i}`), 'nope'] });
    expect(ten.services).toHaveLength(9);
    expect(ten.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:service/prod/nope', reason: 'MISSING' }]);
    const arns = world.ecs.ListContainerInstances({ cluster: 'prod' }).containerInstanceArns ?? [];
    const ids = arns.map((a) => a.split('/').pop() ?? '');
    const described = world.ecs.DescribeContainerInstances({ cluster: 'prod', containerInstances: [ids[0]!, arns[1]!, 'deadbeef'] });
    expect(described.containerInstances?.map((c) => c.containerInstanceArn)).toEqual([arns[0], arns[1]]);
    expect(described.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/deadbeef', reason: 'MISSING' }]);
    const hundred = world.ecs.DescribeTasks({ cluster: 'prod', tasks: Array.from({ length: 100 }, (_, i) => `t${i}`) });
    expect(hundred.failures).toHaveLength(100);
  });
});
