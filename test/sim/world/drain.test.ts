import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { World } from '../../../sim/world/world.js';
import { AZS, describeInstances, describeTasks, expectAwsError, fleet, instanceArns, record, service, START, taskArns } from './helpers.js';

function tasksOn(world: World, containerInstanceArn: string) {
  return describeTasks(world, taskArns(world, { cluster: 'prod', containerInstance: containerInstanceArn }));
}

describe('UpdateContainerInstancesState DRAINING', () => {
  it('100/200: starts replacements elsewhere first, stops the old tasks once the new ones run', () => {
    const { world, recorder } = fleet({ webCount: 6 });
    const [target] = instanceArns(world);
    const before = tasksOn(world, target!);
    expect(before).toHaveLength(1);
    const out = world.ecs.UpdateContainerInstancesState({ cluster: 'prod', containerInstances: [target!], status: 'DRAINING' });
    expect(out.containerInstances?.[0]?.status).toBe('DRAINING');
    expect(out.failures).toEqual([]);

    world.advanceBy(1_000); // the scheduler reacts
    const web = service(world);
    expect(web.runningCount).toBe(6);
    expect(web.pendingCount).toBe(1); // the replacement
    expect(tasksOn(world, target!)[0]?.lastStatus).toBe('RUNNING'); // old one still serving

    world.advanceBy(11_000); // replacement RUNNING after 10 s, the scheduler stops the old one a second later
    const old = describeTasks(world, [before[0]!.taskArn!])[0]!;
    expect(old.desiredStatus).toBe('STOPPED');
    expect(old.stopCode).toBe('ServiceSchedulerInitiated');
    expect(old.stoppedReason).toBe('Service web: container instance is in DRAINING state');
    world.runUntilIdle();
    expect(describeTasks(world, [before[0]!.taskArn!])[0]?.lastStatus).toBe('STOPPED');
    expect(tasksOn(world, target!)).toHaveLength(0);
    expect(service(world).runningCount).toBe(6);
    expect(service(world).events?.map((e) => e.message)).toContain(`(service web) has stopped 1 running tasks: (task ${before[0]!.taskArn!.split('/').pop()}).`);

    const report = world.report().services[0]!;
    expect(report.belowMinimumHealthy).toEqual([]);
    expect(report.lowestRunning).toBe(6);
    expect(report.highestFootprint).toBeLessThanOrEqual(12);

    const ciEvents = recorder.of('ECS Container Instance State Change').filter((e) => e.resources[0] === target);
    expect((ciEvents[0]?.detail as { status: string }).status).toBe('DRAINING');
    const versions = ciEvents.map((e) => (e.detail as { version: number }).version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(recorder.invalid).toEqual([]);
  });

  it('50/100: stops old tasks first, within the minimum healthy, then places replacements', () => {
    const { world } = fleet({ webCount: 6, instances: 3, minimumHealthyPercent: 50, maximumPercent: 100 });
    const arns = instanceArns(world);
    world.ecs.UpdateContainerInstancesState({ cluster: 'prod', containerInstances: [arns[0]!], status: 'DRAINING' });
    world.advanceBy(1_000);
    const web = service(world);
    // 2 of the 6 tasks were on the drained instance: stopped at once (6 − 2 ≥ 3), replacements started.
    expect(web.runningCount).toBe(4);
    expect(web.pendingCount).toBe(2);
    world.runUntilIdle();
    expect(service(world).runningCount).toBe(6);
    expect(tasksOn(world, arns[0]!)).toHaveLength(0);
    const report = world.report().services[0]!;
    expect(report.belowMinimumHealthy).toEqual([]);
    expect(report.lowestRunning).toBe(4);
    expect(report.highestFootprint).toBe(6);
  });

  it('stops PENDING service tasks at once and leaves standalone tasks alone', () => {
    const { world } = fleet({ webCount: 6, startSeconds: 60 });
    const arns = instanceArns(world);
    world.ecs.UpdateService({ cluster: 'prod', service: 'web', desiredCount: 12 });
    world.advanceBy(2_000);
    const pendingOnFirst = tasksOn(world, arns[0]!).filter((t) => t.lastStatus !== 'RUNNING');
    expect(pendingOnFirst).toHaveLength(1);
    const standalone = world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web', placementConstraints: [{ type: 'memberOf', expression: `ec2InstanceId == ${describeInstances(world, [arns[0]!])[0]?.ec2InstanceId}` }] });
    const standaloneArn = standalone.tasks?.[0]?.taskArn ?? '';
    world.ecs.UpdateContainerInstancesState({ cluster: 'prod', containerInstances: [arns[0]!], status: 'DRAINING' });
    const pending = describeTasks(world, [pendingOnFirst[0]!.taskArn!])[0]!;
    expect(pending.lastStatus).toBe('STOPPED');
    expect(pending.stopCode).toBe('ServiceSchedulerInitiated');
    world.runUntilIdle();
    const left = tasksOn(world, arns[0]!);
    expect(left.map((t) => t.taskArn)).toEqual([standaloneArn]);
    expect(service(world).runningCount).toBe(12);
  });

  it('stops daemon tasks last, once nothing else is left on the instance', () => {
    const { world, recorder } = fleet({ webCount: 6 });
    world.registerTaskDefinition({ family: 'agent', containerDefinitions: [{ name: 'agent', image: 'agent', cpu: 64, memory: 64 }] });
    world.createService({ cluster: 'prod', serviceName: 'agent', taskDefinition: 'agent', schedulingStrategy: 'DAEMON' });
    expect(service(world, 'agent').runningCount).toBe(6);
    expect(service(world, 'agent').desiredCount).toBe(6);
    const [target] = instanceArns(world);
    world.ecs.UpdateContainerInstancesState({ cluster: 'prod', containerInstances: [target!], status: 'DRAINING' });
    world.runUntilIdle();
    const stops = recorder
      .of('ECS Task State Change')
      .filter((e) => (e.detail as { containerInstanceArn?: string }).containerInstanceArn === target && (e.detail as { lastStatus: string }).lastStatus === 'STOPPED')
      .map((e) => (e.detail as { group: string }).group);
    expect(stops).toEqual(['service:web', 'service:agent']);
    expect(tasksOn(world, target!)).toHaveLength(0);
    expect(service(world, 'agent').desiredCount).toBe(5);
    // Back to ACTIVE: the daemon comes back.
    world.ecs.UpdateContainerInstancesState({ cluster: 'prod', containerInstances: [target!], status: 'ACTIVE' });
    world.runUntilIdle();
    expect(tasksOn(world, target!).map((t) => t.group)).toEqual(['service:agent']);
    expect(service(world, 'agent').desiredCount).toBe(6);
  });

  it('places a daemon task once its instance has room again, then settles', () => {
    const { world, recorder } = fleet({ instances: 3, webCount: 3, webMemory: 3700 });
    world.registerTaskDefinition({ family: 'agent', containerDefinitions: [{ name: 'agent', image: 'agent', cpu: 64, memory: 128 }] });
    world.createService({ cluster: 'prod', serviceName: 'agent', taskDefinition: 'agent', schedulingStrategy: 'DAEMON' });
    expect(service(world, 'agent')).toMatchObject({ desiredCount: 3, runningCount: 0 });
    world.advanceBy(2_000);
    const failure = recorder.of('ECS Service Action').find((e) => e.resources[0]?.endsWith('/agent'));
    expect(failure?.detail).toMatchObject({ eventName: 'SERVICE_TASK_PLACEMENT_FAILURE', reason: 'RESOURCE:MEMORY' });
    world.ecs.UpdateService({ cluster: 'prod', service: 'web', desiredCount: 0 });
    expect(world.runUntilIdle()).toBe(true);
    expect(service(world, 'agent')).toMatchObject({ desiredCount: 3, runningCount: 3 });
  });

  it('validates the request: at most 10 instances, ACTIVE or DRAINING, unknown ones as failures', () => {
    const { world } = fleet();
    const arns = instanceArns(world);
    expectAwsError(
      () => world.ecs.UpdateContainerInstancesState({ cluster: 'prod', containerInstances: Array.from({ length: 11 }, (_, i) => `id${i}`), status: 'DRAINING' }),
      'InvalidParameterException',
      'containerInstances can have at most 10 items.',
    );
    expectAwsError(() => world.ecs.UpdateContainerInstancesState({ cluster: 'prod', containerInstances: [arns[0]!], status: 'INACTIVE' as 'ACTIVE' }), 'InvalidParameterException');
    const id = arns[1]!.split('/').pop()!;
    const out = world.ecs.UpdateContainerInstancesState({ cluster: 'prod', containerInstances: [id, 'ffffffffffffffffffffffffffffffff'], status: 'DRAINING' });
    expect(out.containerInstances?.map((c) => c.containerInstanceArn)).toEqual([arns[1]]);
    expect(out.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ffffffffffffffffffffffffffffffff', reason: 'MISSING' }]);
    expect(instanceArns(world, 'prod', 'DRAINING')).toEqual([arns[1]]);
  });

  it('reports a placement failure when nothing can take the replacements (and never drops below the minimum)', () => {
    const { world, recorder } = fleet({ instances: 3, webCount: 6, webMemory: 1800 });
    const arns = instanceArns(world);
    world.ecs.UpdateContainerInstancesState({ cluster: 'prod', containerInstances: [arns[0]!], status: 'DRAINING' });
    world.advanceBy(5 * 60_000);
    const failures = recorder.of('ECS Service Action').filter((e) => (e.detail as { eventName: string }).eventName === 'SERVICE_TASK_PLACEMENT_FAILURE');
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(failures.length).toBeLessThanOrEqual(6); // at most once a minute
    expect(failures[0]?.detail).toMatchObject({ eventType: 'ERROR', reason: 'RESOURCE:MEMORY' });
    expect(service(world).events?.some((e) => /was unable to place a task because no container instance met all of its requirements\. The closest matching \(container-instance [0-9a-f]{32}\) has insufficient memory available\./.test(e.message ?? ''))).toBe(true);
    expect(service(world).runningCount).toBe(6);
    expect(tasksOn(world, arns[0]!)).toHaveLength(2);
    expect(world.report().services[0]?.belowMinimumHealthy).toEqual([]);
    // Capacity arrives: the drain completes.
    world.setDesiredCapacity('prod-asg', 4);
    world.runUntilIdle();
    expect(tasksOn(world, arns[0]!)).toHaveLength(0);
    expect(service(world).runningCount).toBe(6);
    expect(recorder.invalid).toEqual([]);
  });
});

describe('property: draining never breaks the deployment configuration', () => {
  it('keeps RUNNING ≥ ceil(min% × desired) and tasks ≤ floor(max% × desired) for random fleets and percents', () => {
    let moved = 0;
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1_000_000 }),
          instances: fc.integer({ min: 2, max: 8 }),
          type: fc.constantFrom('c5.large', 'm5.large', 'c5.xlarge'),
          perInstance: fc.integer({ min: 1, max: 4 }),
          minimumHealthyPercent: fc.constantFrom(0, 25, 50, 75, 100),
          maximumPercent: fc.constantFrom(100, 125, 150, 200),
          drain: fc.integer({ min: 1, max: 3 }),
          services: fc.integer({ min: 1, max: 3 }),
        }),
        (p) => {
          const world = new World({ seed: p.seed, start: START });
          const recorder = record(world);
          world.createCluster('prod');
          world.registerTaskDefinition({ family: 'app', containerDefinitions: [{ name: 'app', image: 'app', cpu: 256, memory: 700 }], simulation: { startSeconds: 7, stopSeconds: 3 } });
          world.createAutoScalingGroup({ name: 'asg', cluster: 'prod', instanceType: p.type, availabilityZones: AZS, minSize: 0, maxSize: 20, desiredCapacity: p.instances });
          const desired = Math.max(1, Math.floor((p.instances * p.perInstance) / p.services));
          for (let s = 0; s < p.services; s++) {
            world.createService({
              cluster: 'prod',
              serviceName: `s${s}`,
              taskDefinition: 'app',
              desiredCount: desired,
              deploymentConfiguration: { minimumHealthyPercent: p.minimumHealthyPercent, maximumPercent: p.maximumPercent },
            });
          }
          const arns = instanceArns(world);
          const drained = arns.slice(0, Math.min(p.drain, arns.length - 1));
          world.ecs.UpdateContainerInstancesState({ cluster: 'prod', containerInstances: drained, status: 'DRAINING' });
          world.runUntilIdle(2 * 3600_000);
          const report = world.report();
          for (const s of report.services) {
            expect(s.belowMinimumHealthy, `${s.service} dropped below its minimum`).toEqual([]);
            const maxTotal = Math.floor((s.desiredCount * s.maximumPercent) / 100);
            expect(s.highestFootprint).toBeLessThanOrEqual(Math.max(maxTotal, s.desiredCount));
            expect(s.aboveMaximumPercent).toBe(0);
          }
          expect(report.tasksKilledByTermination).toEqual([]);
          expect(recorder.invalid).toEqual([]);

          // Where the configuration leaves room to move and the other instances can hold every task, the drained
          // instances end up empty and every service is whole again.
          const perInstance = { 'c5.large': 5, 'm5.large': 8, 'c5.xlarge': 10 }[p.type]; // min(CPU / 256, memory / 700)
          const fits = (arns.length - drained.length) * perInstance >= desired * p.services;
          const canMove = Math.floor((desired * p.maximumPercent) / 100) > desired || Math.ceil((desired * p.minimumHealthyPercent) / 100) < desired;
          if (fits && canMove) {
            for (const arn of drained) expect(taskArns(world, { cluster: 'prod', containerInstance: arn })).toEqual([]);
            for (const s of report.services) expect(s.runningCount).toBe(s.desiredCount);
            moved++;
          }
        },
      ),
      { numRuns: 40, seed: 20250303 },
    );
    expect(moved).toBeGreaterThan(10);
  });
});
