import { describe, expect, it } from 'vitest';
import { parseKnownEvent } from '../../../lib/events/index.js';
import type { EventBridgeEvent, World } from '../../../sim/world/world.js';
import { autoDrain, fleet, instanceArns, service, taskArns } from './helpers.js';

/** A busy hour: drain, scale-in through the drain hook, a deployment, a Spot interruption, RunTask, StopTask. */
function script(world: World, drainer = true): void {
  if (drainer) autoDrain(world);
  world.registerTaskDefinition({ family: 'agent', containerDefinitions: [{ name: 'agent', image: 'agent', cpu: 32, memory: 64 }] });
  world.createService({ cluster: 'prod', serviceName: 'agent', taskDefinition: 'agent', schedulingStrategy: 'DAEMON' });
  const arns = instanceArns(world);
  world.ecs.UpdateContainerInstancesState({ cluster: 'prod', containerInstances: [arns[0]!], status: 'DRAINING' });
  world.advanceBy(60_000);
  world.setDesiredCapacity('prod-asg', 4);
  world.advanceBy(120_000);
  world.registerTaskDefinition({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx:1.28', cpu: 256, memory: 512 }] });
  world.deploy('prod', 'web', 'web');
  world.advanceBy(60_000);
  const spot = world.autoScalingInstances('prod-asg').find((i) => i.lifecycleState === 'InService');
  world.interruptSpot(spot!.ec2InstanceId);
  const run = world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web:1', count: 2 });
  world.advanceBy(30_000);
  world.ecs.StopTask({ cluster: 'prod', task: run.tasks?.[0]?.taskArn ?? '' });
  world.runUntilIdle(6 * 3600_000);
}

function run(seed: number): { world: World; events: EventBridgeEvent[]; invalid: unknown[] } {
  const { world, recorder } = fleet({ seed });
  script(world);
  return { world, events: recorder.events, invalid: recorder.invalid };
}

describe('events', () => {
  it('every emitted event is a full EventBridge envelope that lib/events parses', () => {
    const { events, invalid } = run(9);
    expect(invalid).toEqual([]);
    const kinds = new Set<string>();
    for (const event of events) {
      expect(event.version).toBe('0');
      expect(event.account).toBe('123456789012');
      expect(event.region).toBe('us-east-1');
      expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(event.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      const parsed = parseKnownEvent(event);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) kinds.add(parsed.event.kind);
    }
    expect([...kinds].sort()).toEqual([
      'asg-activity',
      'asg-lifecycle',
      'ecs-container-instance-state-change',
      'ecs-deployment-state-change',
      'ecs-service-action',
      'ecs-task-state-change',
      'spot-interruption',
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('detail.version increases with every change of a task and of a container instance', () => {
    const { events } = run(9);
    const last = new Map<string, number>();
    for (const event of events) {
      if (event['detail-type'] !== 'ECS Task State Change' && event['detail-type'] !== 'ECS Container Instance State Change') continue;
      const detail = event.detail as { version: number; taskArn?: string; containerInstanceArn: string };
      const key = event['detail-type'] === 'ECS Task State Change' ? (detail.taskArn ?? '') : detail.containerInstanceArn;
      const previous = last.get(key);
      if (previous !== undefined) expect(detail.version).toBeGreaterThan(previous);
      last.set(key, detail.version);
    }
    expect(last.size).toBeGreaterThan(10);
  });

  it('task events have the shape of the AWS samples', () => {
    const { events } = run(9);
    const running = events.find((e) => e['detail-type'] === 'ECS Task State Change' && (e.detail as { lastStatus: string }).lastStatus === 'RUNNING');
    expect(running?.detail).toMatchObject({
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/prod',
      desiredStatus: 'RUNNING',
      launchType: 'EC2',
      capacityProviderName: 'prod-cp',
      connectivity: 'CONNECTED',
      cpu: '256',
      memory: '512',
      attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    });
    const detail = running?.detail as Record<string, unknown> & { containers: Record<string, unknown>[] };
    for (const key of ['createdAt', 'startedAt', 'updatedAt', 'pullStartedAt', 'pullStoppedAt', 'connectivityAt']) expect(detail[key]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(detail.containers[0]).toMatchObject({ name: 'web', lastStatus: 'RUNNING', cpu: '256', memory: '512' });
    expect(running?.resources).toEqual([detail.taskArn]);
    const drained = events.find((e) => e['detail-type'] === 'ECS Task State Change' && (e.detail as { lastStatus: string }).lastStatus === 'STOPPED');
    expect(drained?.detail).toMatchObject({ desiredStatus: 'STOPPED', stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'Service web: container instance is in DRAINING state', group: 'service:web' });
    expect((drained?.detail as { containers: { exitCode?: number }[] }).containers[0]?.exitCode).toBe(0);
    const deployment = events.filter((e) => e['detail-type'] === 'ECS Deployment State Change').map((e) => (e.detail as { eventName: string }).eventName);
    expect(deployment).toEqual(['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_COMPLETED']);
  });

  it('the same seed gives the same event stream; another seed another', () => {
    const a = run(1234).events;
    const b = run(1234).events;
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = run(4321).events;
    expect(c[0]?.id).not.toBe(a[0]?.id);
  });

  it('listening or not does not change the run (events are built only for listeners)', () => {
    const listened = fleet({ seed: 77 });
    script(listened.world, false);
    const quiet = fleet({ seed: 77, listen: false });
    script(quiet.world, false);
    expect(listened.recorder.events.length).toBeGreaterThan(100);
    expect(quiet.recorder.events).toEqual([]);
    expect(quiet.world.report()).toEqual(listened.world.report());
    expect(quiet.world.report().eventsEmitted).toBe(listened.recorder.events.length);
    expect(taskArns(quiet.world, { cluster: 'prod' })).toEqual(taskArns(listened.world, { cluster: 'prod' }));
    expect(service(quiet.world).events).toEqual(service(listened.world).events);
  });
});
