import { describe, expect, it } from 'vitest';
import { World } from '../../../sim/world/world.js';
import { AZS, describeInstances, describeTasks, expectAwsError, fleet, instanceArns, service, START, taskArns } from './helpers.js';

describe('building a world', () => {
  it('creates the fleet ready: instances InService in balanced AZs, registered, tasks RUNNING, no events', () => {
    const { world, recorder } = fleet();
    const group = world.autoscaling.DescribeAutoScalingGroups({ AutoScalingGroupNames: ['prod-asg'] }).AutoScalingGroups?.[0];
    expect(group?.DesiredCapacity).toBe(6);
    expect(group?.Instances).toHaveLength(6);
    expect(group?.Instances?.every((i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy')).toBe(true);
    const perAz = new Map<string, number>();
    for (const i of group?.Instances ?? []) perAz.set(i.AvailabilityZone ?? '', (perAz.get(i.AvailabilityZone ?? '') ?? 0) + 1);
    expect([...perAz.values()]).toEqual([2, 2, 2]);
    expect(group?.Instances?.every((i) => /^i-0[0-9a-f]{16}$/.test(i.InstanceId ?? ''))).toBe(true);

    const arns = instanceArns(world);
    expect(arns).toHaveLength(6);
    for (const arn of arns) expect(arn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:container-instance\/prod\/[0-9a-f]{32}$/);
    const instances = describeInstances(world, arns);
    const first = instances[0]!;
    expect(first.status).toBe('ACTIVE');
    expect(first.agentConnected).toBe(true);
    expect(first.versionInfo?.agentVersion).toBe('1.87.0');
    expect(first.capacityProviderName).toBe('prod-cp');
    expect(first.registeredAt).toEqual(new Date(START));
    expect(first.registeredResources?.find((r) => r.name === 'CPU')?.integerValue).toBe(2048);
    expect(first.registeredResources?.find((r) => r.name === 'MEMORY')?.integerValue).toBe(3788);
    expect(first.registeredResources?.find((r) => r.name === 'PORTS')?.stringSetValue).toEqual(['22', '2375', '2376', '51678', '51679']);
    const attribute = (name: string) => first.attributes?.find((a) => a.name === name)?.value;
    expect(attribute('ecs.instance-type')).toBe('c5.large');
    expect(attribute('ecs.os-type')).toBe('linux');
    expect(attribute('ecs.cpu-architecture')).toBe('x86_64');
    expect(AZS).toContain(attribute('ecs.availability-zone'));
    expect(attribute('ecs.vpc-id')).toMatch(/^vpc-/);
    expect(attribute('ecs.subnet-id')).toMatch(/^subnet-/);
    expect(attribute('ecs.ami-id')).toMatch(/^ami-/);
    expect(first.attributes?.some((a) => a.name === 'com.amazonaws.ecs.capability.docker-remote-api.1.17')).toBe(true);

    // Six 256/512 tasks over six instances: one each (spread by AZ, then instance).
    expect(instances.map((i) => i.runningTasksCount)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(instances.every((i) => i.remainingResources?.find((r) => r.name === 'MEMORY')?.integerValue === 3788 - 512)).toBe(true);
    const web = service(world);
    expect(web.runningCount).toBe(6);
    expect(web.pendingCount).toBe(0);
    expect(web.deployments?.[0]?.rolloutState).toBe('COMPLETED');
    expect(web.events?.[0]?.message).toBe('(service web) has reached a steady state.');
    expect(recorder.events).toHaveLength(0);
  });

  it('spreads service tasks evenly over AZs and instances', () => {
    const { world } = fleet({ instances: 6, webCount: 9 });
    const tasks = describeTasks(world, taskArns(world, { cluster: 'prod', serviceName: 'web' }));
    expect(tasks).toHaveLength(9);
    const perAz = new Map<string, number>();
    for (const t of tasks) perAz.set(t.availabilityZone ?? '', (perAz.get(t.availabilityZone ?? '') ?? 0) + 1);
    expect([...perAz.values()].sort()).toEqual([3, 3, 3]);
    const perInstance = new Map<string, number>();
    for (const t of tasks) perInstance.set(t.containerInstanceArn ?? '', (perInstance.get(t.containerInstanceArn ?? '') ?? 0) + 1);
    expect(Math.max(...perInstance.values()) - Math.min(...perInstance.values())).toBeLessThanOrEqual(1);
    const task = tasks[0]!;
    expect(task.group).toBe('service:web');
    expect(task.startedBy).toMatch(/^ecs-svc\/\d{19}$/);
    expect(task.lastStatus).toBe('RUNNING');
    expect(task.desiredStatus).toBe('RUNNING');
    expect(task.launchType).toBe('EC2');
    expect(task.capacityProviderName).toBe('prod-cp');
    expect(task.taskDefinitionArn).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/web:1');
    expect(task.taskArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\/prod\/[0-9a-f]{32}$/);
  });

  it('registers task definition revisions and resolves family, family:revision and ARN', () => {
    const world = new World({ seed: 1, start: START, region: 'eu-west-1', account: '111122223333' });
    const containerDefinitions = [{ name: 'app', image: 'app:1', memory: 128 }];
    expect(world.registerTaskDefinition({ family: 'app', containerDefinitions })).toBe('arn:aws:ecs:eu-west-1:111122223333:task-definition/app:1');
    expect(world.registerTaskDefinition({ family: 'app', containerDefinitions })).toBe('arn:aws:ecs:eu-west-1:111122223333:task-definition/app:2');
    expect(world.ecs.DescribeTaskDefinition({ taskDefinition: 'app' }).taskDefinition?.revision).toBe(2);
    expect(world.ecs.DescribeTaskDefinition({ taskDefinition: 'app:1' }).taskDefinition?.revision).toBe(1);
    expect(world.ecs.DescribeTaskDefinition({ taskDefinition: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/app:1' }).taskDefinition?.status).toBe('ACTIVE');
    expectAwsError(() => world.ecs.DescribeTaskDefinition({ taskDefinition: 'nope' }), 'ClientException', 'Unable to describe task definition.');
    expectAwsError(
      () => world.registerTaskDefinition({ family: 'bad', containerDefinitions: [{ name: 'x', image: 'x' }] }),
      'ClientException',
      "Invalid setting for container 'x'. At least one of 'memory' or 'memoryReservation' must be specified.",
    );
  });

  it('describes capacity providers: the ASG ones and FARGATE/FARGATE_SPOT', () => {
    const { world } = fleet();
    const all = world.ecs.DescribeCapacityProviders({}).capacityProviders ?? [];
    expect(all.map((p) => p.name)).toEqual(['prod-cp', 'FARGATE', 'FARGATE_SPOT']);
    expect(all[0]?.autoScalingGroupProvider?.autoScalingGroupArn).toMatch(/^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[0-9a-f-]+:autoScalingGroupName\/prod-asg$/);
    const some = world.ecs.DescribeCapacityProviders({ capacityProviders: ['FARGATE', 'nope'] });
    expect(some.capacityProviders?.map((p) => p.name)).toEqual(['FARGATE']);
    expect(some.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:capacity-provider/nope', reason: 'MISSING' }]);
  });

  it('lists tags of clusters, services and tasks', () => {
    const world = new World({ seed: 3, start: START });
    world.createCluster('c', { tags: [{ key: 'team', value: 'platform' }] });
    world.registerTaskDefinition({ family: 'w', containerDefinitions: [{ name: 'w', image: 'w', memory: 64 }] });
    world.createAutoScalingGroup({ name: 'g', cluster: 'c', instanceType: 't3.micro', availabilityZones: ['us-east-1a'], minSize: 1, maxSize: 1, desiredCapacity: 1 });
    const serviceArn = world.createService({ cluster: 'c', serviceName: 's', taskDefinition: 'w', desiredCount: 1, tags: [{ key: 'app', value: 's' }] });
    expect(world.ecs.ListTagsForResource({ resourceArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/c' }).tags).toEqual([{ key: 'team', value: 'platform' }]);
    expect(world.ecs.ListTagsForResource({ resourceArn: serviceArn }).tags).toEqual([{ key: 'app', value: 's' }]);
    const run = world.ecs.RunTask({ cluster: 'c', taskDefinition: 'w', tags: [{ key: 'job', value: 'nightly' }] });
    expect(world.ecs.ListTagsForResource({ resourceArn: run.tasks?.[0]?.taskArn ?? '' }).tags).toEqual([{ key: 'job', value: 'nightly' }]);
    expect(world.ecs.DescribeTasks({ cluster: 'c', tasks: [run.tasks?.[0]?.taskArn ?? ''], include: ['TAGS'] }).tasks?.[0]?.tags).toEqual([{ key: 'job', value: 'nightly' }]);
    expect(world.ecs.DescribeServices({ cluster: 'c', services: ['s'], include: ['TAGS'] }).services?.[0]?.tags).toEqual([{ key: 'app', value: 's' }]);
    expectAwsError(() => world.ecs.ListTagsForResource({ resourceArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/nope' }), 'InvalidParameterException');
  });

  it('answers ClusterNotFoundException for an unknown cluster', () => {
    const { world } = fleet();
    expectAwsError(() => world.ecs.ListContainerInstances({ cluster: 'nope' }), 'ClusterNotFoundException', 'Cluster not found.');
    expectAwsError(() => world.ecs.ListTasks({ cluster: 'nope' }), 'ClusterNotFoundException');
    expectAwsError(() => world.ecs.ListServices({ cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/nope' }), 'ClusterNotFoundException');
    expectAwsError(() => world.ecs.UpdateService({ cluster: 'prod', service: 'nope', desiredCount: 1 }), 'ServiceNotFoundException', 'Service not found.');
  });

  it('filters container instances with the cluster query language', () => {
    const { world } = fleet();
    const inA = world.ecs.ListContainerInstances({ cluster: 'prod', filter: 'attribute:ecs.availability-zone == us-east-1a' }).containerInstanceArns ?? [];
    expect(inA).toHaveLength(2);
    expect(describeInstances(world, inA).every((i) => i.attributes?.find((a) => a.name === 'ecs.availability-zone')?.value === 'us-east-1a')).toBe(true);
    expect(world.ecs.ListContainerInstances({ cluster: 'prod', filter: 'task:group == service:web' }).containerInstanceArns).toHaveLength(6);
    expect(world.ecs.ListContainerInstances({ cluster: 'prod', filter: 'runningTasksCount > 1' }).containerInstanceArns).toHaveLength(0);
    expectAwsError(() => world.ecs.ListContainerInstances({ cluster: 'prod', filter: 'attribute:ecs.instance-type t2.small' }), 'InvalidParameterException', /^at character \d+:/);
  });
});

describe('Application Auto Scaling, SNS, SSM', () => {
  it('scaleService records an AAS activity with the AWS texts and updates the service', () => {
    const { world, recorder } = fleet();
    world.registerScalableTarget({ cluster: 'prod', service: 'web', minCapacity: 2, maxCapacity: 8, policyName: 'web-cpu' });
    const activity = world.scaleService('prod', 'web', 8);
    expect(activity.Description).toBe('Setting desired count to 8.');
    expect(activity.StatusMessage).toBe('Successfully set desired count to 8. Change successfully fulfilled by ecs.');
    expect(activity.Cause).toMatch(/^monitor alarm TargetTracking-service\/prod\/web-AlarmHigh-[0-9a-f-]+ in state ALARM triggered policy web-cpu$/);
    expect(service(world).desiredCount).toBe(8);
    world.runUntilIdle(600_000);
    expect(service(world).runningCount).toBe(8);
    const scaledToMax = recorder.of('Application Auto Scaling Scaling Activity State Change');
    expect(scaledToMax).toHaveLength(1);
    expect(scaledToMax[0]?.detail).toMatchObject({ resourceId: 'service/prod/web', newDesiredCapacity: 8, oldDesiredCapacity: 6, maxCapacity: 8, scaledToMax: true });
    // Clamped to the target; at the bound nothing is scaled (only listed with IncludeNotScaledActivities).
    world.scaleService('prod', 'web', 20);
    const listed = world.applicationAutoScaling.DescribeScalingActivities({ ServiceNamespace: 'ecs', ResourceId: 'service/prod/web' }).ScalingActivities ?? [];
    expect(listed).toHaveLength(1);
    const all = world.applicationAutoScaling.DescribeScalingActivities({ ServiceNamespace: 'ecs', IncludeNotScaledActivities: true }).ScalingActivities ?? [];
    expect(all[0]?.NotScaledReasons?.[0]?.Code).toBe('AlreadyAtMaxCapacity');
    const targets = world.applicationAutoScaling.DescribeScalableTargets({ ServiceNamespace: 'ecs' }).ScalableTargets ?? [];
    expect(targets).toMatchObject([{ ResourceId: 'service/prod/web', ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 2, MaxCapacity: 8 }]);
    expectAwsError(() => world.applicationAutoScaling.DescribeScalableTargets({ ServiceNamespace: 'nope' as 'ecs' }), 'ValidationException');
    expectAwsError(() => world.applicationAutoScaling.DescribeScalingActivities({ ServiceNamespace: 'ecs', MaxResults: 51 }), 'ValidationException');
  });

  it('SNS Publish validates the topic, subject and size and records publications', () => {
    const world = new World({ seed: 1, start: START });
    const topic = world.createTopic('arn:aws:sns:us-east-1:123456789012:ops');
    const out = world.sns.Publish({ TopicArn: topic, Subject: 'Task placement failure', Message: 'hello' });
    expect(out.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(world.snsMessages).toMatchObject([{ topicArn: topic, subject: 'Task placement failure', message: 'hello' }]);
    expectAwsError(() => world.sns.Publish({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:other', Message: 'x' }), 'NotFound', 'Topic does not exist');
    expectAwsError(() => world.sns.Publish({ Message: 'x' }), 'InvalidParameter', 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
    expectAwsError(() => world.sns.Publish({ TopicArn: topic, Subject: 'x'.repeat(100), Message: 'x' }), 'InvalidParameter', 'Invalid parameter: Subject');
    expectAwsError(() => world.sns.Publish({ TopicArn: topic, Subject: 'Déploiement', Message: 'x' }), 'InvalidParameter', 'Invalid parameter: Subject');
    expectAwsError(() => world.sns.Publish({ TopicArn: topic, Subject: 'two\nlines', Message: 'x' }), 'InvalidParameter', 'Invalid parameter: Subject');
    expectAwsError(() => world.sns.Publish({ TopicArn: topic, Message: 'x'.repeat(262_145) }), 'InvalidParameter', 'Invalid parameter: Message too long');
    expect(world.sns.Publish({ TopicArn: topic, Subject: 'x'.repeat(99), Message: 'x'.repeat(262_144) }).MessageId).toBeDefined();
    expect(world.report().counters.snsPublished).toBe(2);
  });

  it('SSM stores parameters with versions and decrypts SecureStrings on request', () => {
    const world = new World({ seed: 1, start: START });
    expect(world.ssm.PutParameter({ Name: '/ecs-ops/slack/ops', Type: 'SecureString', Value: 'https://hooks.slack.com/services/T/B/X' })).toEqual({ Version: 1, Tier: 'Standard' });
    expectAwsError(() => world.ssm.PutParameter({ Name: '/ecs-ops/slack/ops', Type: 'SecureString', Value: 'y' }), 'ParameterAlreadyExists');
    expect(world.ssm.PutParameter({ Name: '/ecs-ops/slack/ops', Value: 'https://hooks.slack.com/services/T/B/Y', Overwrite: true }).Version).toBe(2);
    const plain = world.ssm.GetParameter({ Name: '/ecs-ops/slack/ops', WithDecryption: true }).Parameter;
    expect(plain).toMatchObject({ Name: '/ecs-ops/slack/ops', Type: 'SecureString', Value: 'https://hooks.slack.com/services/T/B/Y', Version: 2 });
    expect(plain?.ARN).toBe('arn:aws:ssm:us-east-1:123456789012:parameter/ecs-ops/slack/ops');
    expect(world.ssm.GetParameter({ Name: '/ecs-ops/slack/ops' }).Parameter?.Value).not.toContain('hooks.slack.com');
    expect(world.ssm.GetParameter({ Name: '/ecs-ops/slack/ops:1', WithDecryption: true }).Parameter?.Value).toBe('https://hooks.slack.com/services/T/B/X');
    expectAwsError(() => world.ssm.GetParameter({ Name: '/nope' }), 'ParameterNotFound');
  });
});
