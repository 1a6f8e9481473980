/**
 * What the placement policy needs from the simulated ECS, as ECS answers it: a service's availabilityZoneRebalancing in
 * DescribeServices, an ASG's custom attributes on its container instances, and StopTask's reason as the stopped task's
 * stoppedReason (found again with ListTasks desiredStatus STOPPED and serviceName).
 */
import { describe, expect, it } from 'vitest';
import { fleet, instanceArns, service, taskArns } from './helpers.js';

describe('the simulated ECS for placement policies', () => {
  it('reports availabilityZoneRebalancing only when the service was created with it', () => {
    const { world } = fleet({ asg: { attributes: { lifecycle: 'spot' } } });
    world.createService({ cluster: 'prod', serviceName: 'api', taskDefinition: 'web', desiredCount: 1, availabilityZoneRebalancing: 'ENABLED' });
    const [api] = world.ecs.DescribeServices({ cluster: 'prod', services: ['api'] }).services ?? [];
    expect(api?.availabilityZoneRebalancing).toBe('ENABLED');
    expect(service(world)).not.toHaveProperty('availabilityZoneRebalancing');
  });

  it('gives container instances the ASG’s custom attributes', () => {
    const { world } = fleet({ asg: { attributes: { lifecycle: 'spot' } } });
    const instances = world.ecs.DescribeContainerInstances({ cluster: 'prod', containerInstances: instanceArns(world) }).containerInstances ?? [];
    expect(instances.length).toBeGreaterThan(0);
    for (const ci of instances) expect(ci.attributes).toEqual(expect.arrayContaining([{ name: 'lifecycle', value: 'spot' }]));
  });

  it('keeps StopTask’s reason as stoppedReason, listed under desiredStatus STOPPED for the service', () => {
    const { world } = fleet();
    world.runUntilIdle();
    const [task] = taskArns(world, { cluster: 'prod', serviceName: 'web' });
    if (task === undefined) throw new Error('no web task');
    world.ecs.StopTask({ cluster: 'prod', task, reason: 'ecs-ops placement azBalance (policy p): web: …' });
    world.runUntilIdle();
    const stopped = world.ecs.ListTasks({ cluster: 'prod', serviceName: 'web', desiredStatus: 'STOPPED' }).taskArns ?? [];
    expect(stopped).toContain(task);
    const [described] = world.ecs.DescribeTasks({ cluster: 'prod', tasks: [task] }).tasks ?? [];
    expect(described).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'ecs-ops placement azBalance (policy p): web: …' });
    expect(described?.stoppedAt).toBeInstanceOf(Date);
  });
});
