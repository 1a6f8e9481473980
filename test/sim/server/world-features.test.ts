/**
 * Conformance of the world's fleet features through the real SDK clients against the sim server backed by a World
 * (not the wire fake): task scale-in protection, container stop timeouts, ASG instance scale-in protection, the ECS
 * agent disconnecting and reconnecting, and an instance registering again. Each `it` names the AWS behaviour it holds
 * the world to (sources in the comments of sim/world).
 */
import {
  AutoScalingClient,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeWarmPoolCommand,
  PutWarmPoolCommand,
  SetInstanceProtectionCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  GetTaskProtectionCommand,
  ListContainerInstancesCommand,
  UpdateContainerInstancesStateCommand,
  UpdateTaskProtectionCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { startAwsServer, type AwsServer } from '../../../sim/server/index.js';
import type { World } from '../../../sim/world/world.js';
import { fleet, type FleetOptions } from '../world/helpers.js';
import { clientConfig } from './support.js';

let server: AwsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: FleetOptions = {}) {
  const { world, recorder } = fleet(options);
  server = await startAwsServer({ apis: world });
  return { world, recorder, ecs: new ECSClient(clientConfig(server)), asg: new AutoScalingClient(clientConfig(server)) };
}

const MINUTE = 60_000;

async function taskOf(ecs: ECSClient, arn: string) {
  const out = await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: [arn] }));
  const task = out.tasks?.[0];
  if (!task) throw new Error(`no task ${arn}`);
  return task;
}

function runningWeb(world: World): string[] {
  return world.serviceTaskArns('prod', 'web');
}

describe('task scale-in protection (UpdateTaskProtection / GetTaskProtection)', () => {
  it('protects for 120 minutes by default, resets the expiry on every call, and clears it when it expires', async () => {
    const { world, ecs } = await serve();
    const [first, second] = runningWeb(world);
    if (first === undefined || second === undefined) throw new Error('no tasks');
    const t0 = world.now();
    const on = await ecs.send(new UpdateTaskProtectionCommand({ cluster: 'prod', tasks: [first], protectionEnabled: true }));
    expect(on.failures).toEqual([]);
    expect(on.protectedTasks).toEqual([{ taskArn: first, protectionEnabled: true, expirationDate: new Date(t0 + 120 * MINUTE) }]);

    world.advanceBy(30 * MINUTE);
    const again = await ecs.send(new UpdateTaskProtectionCommand({ cluster: 'prod', tasks: [first, second], protectionEnabled: true, expiresInMinutes: 10 }));
    expect(again.protectedTasks?.map((t) => t.expirationDate)).toEqual([new Date(t0 + 40 * MINUTE), new Date(t0 + 40 * MINUTE)]);

    world.advanceBy(10 * MINUTE);
    const got = await ecs.send(new GetTaskProtectionCommand({ cluster: 'prod', tasks: [first, 'arn:aws:ecs:us-east-1:123456789012:task/prod/0000'] }));
    expect(got.protectedTasks).toEqual([{ taskArn: first, protectionEnabled: false }]);
    expect(got.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:task/prod/0000', reason: 'MISSING' }]);
  });

  it('validates expiresInMinutes (1-2880) and the task list, and refuses standalone tasks and more protected tasks than desired', async () => {
    const { world, ecs } = await serve({ webCount: 2 });
    const [first, second] = runningWeb(world);
    if (first === undefined || second === undefined) throw new Error('no tasks');
    await expect(ecs.send(new UpdateTaskProtectionCommand({ cluster: 'prod', tasks: [first], protectionEnabled: true, expiresInMinutes: 2881 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'expiresInMinutes must be between 1 and 2880.',
    });
    await expect(ecs.send(new UpdateTaskProtectionCommand({ cluster: 'prod', tasks: [first], protectionEnabled: true, expiresInMinutes: 0 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(ecs.send(new UpdateTaskProtectionCommand({ cluster: 'prod', tasks: [], protectionEnabled: true }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(ecs.send(new UpdateTaskProtectionCommand({ cluster: 'nope', tasks: [first], protectionEnabled: true }))).rejects.toMatchObject({ name: 'ClusterNotFoundException' });

    const run = world.ecs.RunTask({ cluster: 'prod', taskDefinition: 'web' });
    const standalone = run.tasks?.[0]?.taskArn ?? '';
    const out = await ecs.send(new UpdateTaskProtectionCommand({ cluster: 'prod', tasks: [standalone, first, second], protectionEnabled: true }));
    expect(out.failures).toEqual([{ arn: standalone, reason: 'TASK_NOT_VALID', detail: 'The task does not belong to a service.' }]);
    expect(out.protectedTasks?.map((t) => t.taskArn)).toEqual([first, second]);

    world.scaleService('prod', 'web', 1);
    world.advanceBy(MINUTE);
    const extra = world.serviceTaskArns('prod', 'web');
    expect(extra).toEqual([first, second]); // protected: not stopped by the scale-in
    world.scaleService('prod', 'web', 3);
    world.advanceBy(MINUTE);
    const third = world.serviceTaskArns('prod', 'web').find((arn) => arn !== first && arn !== second) ?? '';
    world.scaleService('prod', 'web', 2);
    world.advanceBy(MINUTE);
    expect(world.serviceTaskArns('prod', 'web')).toEqual([first, second]); // the unprotected one went
    expect(third).not.toBe('');
  });

  it('a protected task survives service scale-in and a deployment until unprotected, but not a drain of its instance', async () => {
    const { world, ecs } = await serve({ webCount: 4 });
    world.registerTaskDefinition({ family: 'web', containerDefinitions: [{ name: 'web', image: 'nginx:1.28', cpu: 256, memory: 512 }] });
    const tasks = runningWeb(world);
    const [kept] = tasks;
    if (kept === undefined) throw new Error('no tasks');
    await ecs.send(new UpdateTaskProtectionCommand({ cluster: 'prod', tasks: [kept], protectionEnabled: true, expiresInMinutes: 60 }));

    world.scaleService('prod', 'web', 1);
    world.advanceBy(MINUTE);
    expect(runningWeb(world)).toEqual([kept]);

    world.deploy('prod', 'web', 'web:2');
    world.advanceBy(5 * MINUTE);
    expect((await taskOf(ecs, kept)).lastStatus).toBe('RUNNING');
    expect(runningWeb(world)).toHaveLength(2); // the new revision's task beside the protected one

    const ci = (await taskOf(ecs, kept)).containerInstanceArn ?? '';
    await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: [ci], status: 'DRAINING' }));
    world.advanceBy(MINUTE);
    const drained = await taskOf(ecs, kept);
    expect(drained.lastStatus).toBe('STOPPED');
    expect(drained.stoppedReason).toBe('Service web: container instance is in DRAINING state');
    expect(world.report().taskStops.find((s) => s.taskArn === kept)?.protected).toBe(true);
  });
});

describe('container stopTimeout', () => {
  it('a container that ignores SIGTERM is killed at its stopTimeout (exit 137); one that handles it exits in its own time', async () => {
    const { world, ecs } = await serve({ webCount: 0 });
    world.registerTaskDefinition({
      family: 'slow',
      containerDefinitions: [{ name: 'slow', image: 'app', cpu: 128, memory: 256, stopTimeout: 90 }],
      simulation: { startSeconds: 10, stopSeconds: 5, ignoreSigterm: true },
    });
    world.registerTaskDefinition({ family: 'quick', containerDefinitions: [{ name: 'quick', image: 'app', cpu: 128, memory: 256 }], simulation: { startSeconds: 10, stopSeconds: 5 } });
    world.registerTaskDefinition({ family: 'stubborn', containerDefinitions: [{ name: 'stubborn', image: 'app', cpu: 128, memory: 256 }], simulation: { startSeconds: 10, stopSeconds: 600 } });
    const arns = ['slow', 'quick', 'stubborn'].map((family) => world.ecs.RunTask({ cluster: 'prod', taskDefinition: family }).tasks?.[0]?.taskArn ?? '');
    world.advanceBy(MINUTE);
    for (const arn of arns) world.ecs.StopTask({ cluster: 'prod', task: arn });
    const stoppedAt = world.now();

    world.advanceBy(29_000);
    const [slow29, quick29, stubborn29] = await Promise.all(arns.map((arn) => taskOf(ecs, arn)));
    expect(quick29?.lastStatus).toBe('STOPPED');
    expect(quick29?.containers?.[0]?.exitCode).toBe(0);
    expect(slow29?.lastStatus).toBe('STOPPING');
    expect(stubborn29?.lastStatus).toBe('STOPPING');

    world.advanceBy(1_000); // 30 s: the agent's default stop timeout
    const stubborn = await taskOf(ecs, arns[2] ?? '');
    expect(stubborn.lastStatus).toBe('STOPPED');
    expect(stubborn.containers?.[0]?.exitCode).toBe(137);

    world.advanceBy(59_000);
    expect((await taskOf(ecs, arns[0] ?? '')).lastStatus).toBe('STOPPING');
    world.advanceBy(1_000); // 90 s: its own stopTimeout
    const slow = await taskOf(ecs, arns[0] ?? '');
    expect(slow.lastStatus).toBe('STOPPED');
    expect(slow.stoppedAt).toEqual(new Date(stoppedAt + 90_000));
    expect(slow.containers?.[0]?.exitCode).toBe(137);
    expect(world.report().counters.tasksKilledAtStopTimeout).toBe(2);
  });
});

describe('ASG instance scale-in protection (SetInstanceProtection)', () => {
  it('protected instances are skipped by scale-in, shown by both Describe calls, and terminated once unprotected', async () => {
    const { world, asg } = await serve({ instances: 3, webCount: 0 });
    const ids = world.autoScalingInstances('prod-asg').map((i) => i.ec2InstanceId);
    await asg.send(new SetInstanceProtectionCommand({ AutoScalingGroupName: 'prod-asg', InstanceIds: ids, ProtectedFromScaleIn: true }));
    const described = await asg.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: ids }));
    expect(described.AutoScalingInstances?.map((i) => i.ProtectedFromScaleIn)).toEqual([true, true, true]);

    world.setDesiredCapacity('prod-asg', 2);
    world.advanceBy(MINUTE);
    const group = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-asg'] }))).AutoScalingGroups?.[0];
    expect(group?.DesiredCapacity).toBe(2);
    expect(group?.Instances?.map((i) => i.LifecycleState)).toEqual(['InService', 'InService', 'InService']);

    const [last] = ids.slice(-1);
    await asg.send(new SetInstanceProtectionCommand({ AutoScalingGroupName: 'prod-asg', InstanceIds: [last ?? ''], ProtectedFromScaleIn: false }));
    const after = (await asg.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [last ?? ''] }))).AutoScalingInstances?.[0];
    expect(after?.ProtectedFromScaleIn).toBe(false);
    expect(after?.LifecycleState).toBe('Terminating:Wait');

    await expect(asg.send(new SetInstanceProtectionCommand({ AutoScalingGroupName: 'prod-asg', InstanceIds: ['i-0123456789abcdef0'], ProtectedFromScaleIn: true }))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'The instance i-0123456789abcdef0 is not part of Auto Scaling group prod-asg.',
    });
  });

  it('protection does not stop TerminateInstanceInAutoScalingGroup or a Spot interruption', async () => {
    const { world, asg } = await serve({ instances: 2, webCount: 0, asg: { spot: true } });
    const ids = world.autoScalingInstances('prod-asg').map((i) => i.ec2InstanceId);
    await asg.send(new SetInstanceProtectionCommand({ AutoScalingGroupName: 'prod-asg', InstanceIds: ids, ProtectedFromScaleIn: true }));
    world.terminateInstance(ids[0] ?? '', false);
    world.interruptSpot(ids[1] ?? '');
    const states = (await asg.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: ids }))).AutoScalingInstances?.map((i) => i.LifecycleState);
    expect(states).toEqual(['Terminating:Wait', 'Terminating:Wait']);
  });
});

describe('the ECS agent disconnecting, reconnecting and registering again', () => {
  it('disconnected: tasks keep running, nothing is placed there, stops wait for the reconnection; each change is an event', async () => {
    const { world, ecs, recorder } = await serve({ instances: 2, webCount: 2, stopSeconds: 5 });
    const [a, b] = world.autoScalingInstances('prod-asg');
    if (!a?.containerInstanceArn || !b?.containerInstanceArn) throw new Error('no instances');
    const before = recorder.of('ECS Container Instance State Change').length;
    world.setAgentConnected(a.ec2InstanceId, false);
    const events = recorder.of('ECS Container Instance State Change').slice(before);
    expect(events.map((e) => (e.detail as { agentConnected: boolean }).agentConnected)).toEqual([false]);
    const ci = (await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'prod', containerInstances: [a.containerInstanceArn] }))).containerInstances?.[0];
    expect(ci?.agentConnected).toBe(false);
    expect(ci?.runningTasksCount).toBeGreaterThan(0);

    // Scale out: every new task lands on the connected instance.
    world.scaleService('prod', 'web', 6);
    world.advanceBy(MINUTE);
    const onA = ((await ecs.send(new DescribeTasksCommand({ cluster: 'prod', tasks: runningWeb(world) }))).tasks ?? []).filter((t) => t.containerInstanceArn === a.containerInstanceArn);
    expect(onA.length).toBe(ci?.runningTasksCount);

    // A stop asked while disconnected reaches the host only when the agent is back.
    const victim = onA[0]?.taskArn ?? '';
    world.ecs.StopTask({ cluster: 'prod', task: victim });
    world.advanceBy(MINUTE);
    const waiting = await taskOf(ecs, victim);
    expect([waiting.lastStatus, waiting.desiredStatus]).toEqual(['RUNNING', 'STOPPED']);
    world.setAgentConnected(a.ec2InstanceId, true);
    world.advanceBy(MINUTE);
    expect((await taskOf(ecs, victim)).lastStatus).toBe('STOPPED');
  });

  it('registering again: a new container instance ARN for the same EC2 instance, the old one INACTIVE, its tasks replaced', async () => {
    const { world, ecs } = await serve({ instances: 2, webCount: 4 });
    const [a] = world.autoScalingInstances('prod-asg');
    if (!a?.containerInstanceArn) throw new Error('no instance');
    const fresh = world.reregisterInstance(a.ec2InstanceId);
    expect(fresh).not.toBe(a.containerInstanceArn);
    const listed = await ecs.send(new ListContainerInstancesCommand({ cluster: 'prod', filter: `ec2InstanceId == ${a.ec2InstanceId}` }));
    expect(listed.containerInstanceArns).toEqual([fresh]);
    const both = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'prod', containerInstances: [a.containerInstanceArn, fresh] }));
    expect(both.containerInstances?.map((c) => [c.status, c.ec2InstanceId])).toEqual([
      ['INACTIVE', a.ec2InstanceId],
      ['ACTIVE', a.ec2InstanceId],
    ]);
    world.advanceBy(2 * MINUTE);
    expect(runningWeb(world)).toHaveLength(4);
    expect(world.report().tasksKilledByTermination).toEqual([]);
  });
});

describe('warm pools (PutWarmPool / DescribeWarmPool)', () => {
  it('fills the pool, returns a scaled-in instance through Warmed:Pending:Wait, and reuses it on scale-out', async () => {
    const { world, asg, ecs, recorder } = await serve({ instances: 3, webCount: 3, asg: { maxSize: 5 } });
    await asg.send(new PutWarmPoolCommand({ AutoScalingGroupName: 'prod-asg', MinSize: 1, InstanceReusePolicy: { ReuseOnScaleIn: true } }));
    const pending = await asg.send(new DescribeWarmPoolCommand({ AutoScalingGroupName: 'prod-asg' }));
    expect(pending.WarmPoolConfiguration).toEqual({ MinSize: 1, PoolState: 'Stopped', InstanceReusePolicy: { ReuseOnScaleIn: true } });
    expect(pending.Instances?.map((i) => i.LifecycleState)).toEqual(['Warmed:Pending', 'Warmed:Pending']); // max 5 − desired 3
    world.advanceBy(2 * MINUTE);
    const ready = await asg.send(new DescribeWarmPoolCommand({ AutoScalingGroupName: 'prod-asg' }));
    expect(ready.Instances?.map((i) => i.LifecycleState)).toEqual(['Warmed:Stopped', 'Warmed:Stopped']);
    const group = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-asg'] }))).AutoScalingGroups?.[0];
    expect(group?.Instances).toHaveLength(3);
    expect(group?.WarmPoolSize).toBe(2);

    // Scale-in with ReuseOnScaleIn: the terminate hook holds the instance in Warmed:Pending:Wait, Destination WarmPool.
    world.setDesiredCapacity('prod-asg', 2);
    const [action] = recorder.of('EC2 Instance-terminate Lifecycle Action').slice(-1);
    const detail = action?.detail as { EC2InstanceId: string; Origin: string; Destination: string };
    expect([detail.Origin, detail.Destination]).toEqual(['AutoScalingGroup', 'WarmPool']);
    const returning = detail.EC2InstanceId;
    const listed = await asg.send(new DescribeWarmPoolCommand({ AutoScalingGroupName: 'prod-asg', MaxRecords: 50 }));
    expect(listed.Instances?.find((i) => i.InstanceId === returning)?.LifecycleState).toBe('Warmed:Pending:Wait');
    expect((await asg.send(new DescribeAutoScalingInstancesCommand({ InstanceIds: [returning] }))).AutoScalingInstances?.[0]?.LifecycleState).toBe('Warmed:Pending:Wait');
    const inGroup = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-asg'] }))).AutoScalingGroups?.[0]?.Instances ?? [];
    expect(inGroup.map((i) => i.InstanceId)).not.toContain(returning);

    const ci = world.warmPoolInstances('prod-asg').find((i) => i.ec2InstanceId === returning)?.containerInstanceArn ?? '';
    await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: 'prod', containerInstances: [ci], status: 'DRAINING' }));
    world.advanceBy(MINUTE);
    await asg.send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'prod-asg', LifecycleHookName: 'ecs-ops-drain', InstanceId: returning, LifecycleActionResult: 'CONTINUE' }));
    world.advanceBy(MINUTE);
    expect(world.warmPoolInstances('prod-asg').find((i) => i.ec2InstanceId === returning)?.lifecycleState).toBe('Warmed:Stopped');
    const stopped = (await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'prod', containerInstances: [ci] }))).containerInstances?.[0];
    expect([stopped?.status, stopped?.agentConnected]).toEqual(['DRAINING', false]);

    // Scale-out: the oldest ready warm instance starts (not a new launch); a reused one reconnects with its registration.
    world.setDesiredCapacity('prod-asg', 5);
    world.advanceBy(3 * MINUTE);
    const after = world.autoScalingInstances('prod-asg');
    expect(after).toHaveLength(5);
    expect(after.map((i) => i.ec2InstanceId)).toContain(returning);
    const back = (await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'prod', containerInstances: [ci] }))).containerInstances?.[0];
    expect([back?.status, back?.agentConnected]).toEqual(['DRAINING', true]); // ECS keeps the status it had
    // Launched: the initial three, the two warm ones, and one more into the pool to keep its MinSize of 1 (the three
    // warm instances went into service: no direct launch).
    expect(world.report().counters.instancesLaunched).toBe(3 + 2 + 1);
    expect(world.warmPoolInstances('prod-asg')).toHaveLength(1);
  });
});
