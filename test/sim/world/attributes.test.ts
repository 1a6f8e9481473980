/** ECS custom attributes in the world: PutAttributes / DeleteAttributes, seen by DescribeContainerInstances and filters. */
import { describe, expect, it } from 'vitest';
import { describeInstances, expectAwsError, fleet, instanceArns } from './helpers.js';

describe('custom container instance attributes', () => {
  it('PutAttributes adds and replaces attributes (ARN or id), DescribeContainerInstances and --filter see them, no event', () => {
    const { world, recorder } = fleet();
    const [first, second] = instanceArns(world) as [string, string];
    const id = second.split('/').pop() ?? '';
    const before = recorder.events.length;
    const out = world.ecs.PutAttributes({
      cluster: 'prod',
      attributes: [
        { name: 'ecs-ops.drain.started-at', value: '1767254400000', targetType: 'container-instance', targetId: first },
        { name: 'team', value: 'payments', targetId: id },
      ],
    });
    expect(out.attributes).toHaveLength(2);
    const value = (arn: string, name: string) => describeInstances(world, [arn])[0]?.attributes?.find((a) => a.name === name);
    expect(value(first, 'ecs-ops.drain.started-at')).toEqual({ name: 'ecs-ops.drain.started-at', value: '1767254400000' });
    expect(value(second, 'team')?.value).toBe('payments');
    // Replaced, not duplicated; a value can be dropped.
    world.ecs.PutAttributes({ cluster: 'prod', attributes: [{ name: 'team', value: 'search', targetId: second }] });
    expect(describeInstances(world, [second])[0]?.attributes?.filter((a) => a.name === 'team')).toEqual([{ name: 'team', value: 'search' }]);
    world.ecs.PutAttributes({ cluster: 'prod', attributes: [{ name: 'team', targetId: second }] });
    expect(value(second, 'team')).toEqual({ name: 'team' });
    // The cluster query language sees custom attributes at once.
    expect(world.ecs.ListContainerInstances({ cluster: 'prod', filter: 'attribute:ecs-ops.drain.started-at exists' }).containerInstanceArns).toEqual([first]);
    expect(recorder.events.length).toBe(before);
  });

  it('DeleteAttributes removes custom attributes only', () => {
    const { world } = fleet();
    const [first] = instanceArns(world) as [string];
    world.ecs.PutAttributes({ cluster: 'prod', attributes: [{ name: 'team', value: 'payments', targetId: first }] });
    const out = world.ecs.DeleteAttributes({ cluster: 'prod', attributes: [{ name: 'team', targetId: first }, { name: 'ecs.instance-type', targetId: first }] });
    expect(out.attributes).toHaveLength(2);
    const attributes = describeInstances(world, [first])[0]?.attributes ?? [];
    expect(attributes.some((a) => a.name === 'team')).toBe(false);
    expect(attributes.find((a) => a.name === 'ecs.instance-type')?.value).toBe('c5.large');
    expect(world.ecs.ListContainerInstances({ cluster: 'prod', filter: 'attribute:team exists' }).containerInstanceArns).toEqual([]);
  });

  it('errors: validation, unknown target or cluster, reserved names, the 10-attribute limit', () => {
    const { world } = fleet();
    const [first] = instanceArns(world) as [string];
    const put = (attributes: Parameters<typeof world.ecs.PutAttributes>[0]['attributes'], cluster = 'prod') => () => world.ecs.PutAttributes({ cluster, attributes });
    expectAwsError(put([]), 'InvalidParameterException', 'Attributes cannot be empty.');
    expectAwsError(put(Array.from({ length: 11 }, (_, i) => ({ name: `a${i}`, targetId: first }))), 'InvalidParameterException', 'attributes can have at most 10 items.');
    expectAwsError(put([{ name: 'bad name!', targetId: first }]), 'InvalidParameterException', /Attribute name bad name! is invalid/);
    expectAwsError(put([{ name: 'ok', value: ' padded', targetId: first }]), 'InvalidParameterException', /Attribute value {2}padded is invalid/);
    expectAwsError(put([{ name: 'ecs.instance-type', value: 'x', targetId: first }]), 'InvalidParameterException', 'Attribute name ecs.instance-type is reserved for Amazon ECS.');
    expectAwsError(put([{ name: 'ok', targetId: first, targetType: 'task' as never }]), 'InvalidParameterException', 'Invalid targetType: task.');
    expectAwsError(put([{ name: 'ok' }]), 'InvalidParameterException', 'targetId must be specified.');
    expectAwsError(put([{ name: 'ok', targetId: 'ffffffffffffffffffffffffffffffff' }]), 'TargetNotFoundException', 'Could not find ffffffffffffffffffffffffffffffff.');
    expectAwsError(put([{ name: 'ok', targetId: first }], 'nope'), 'ClusterNotFoundException');
    // A failed call changes nothing: the valid attribute before the bad one is not written.
    expectAwsError(put([{ name: 'kept', value: 'no', targetId: first }, { name: 'bad name!', targetId: first }]), 'InvalidParameterException');
    expect(describeInstances(world, [first])[0]?.attributes?.some((a) => a.name === 'kept')).toBe(false);
    // At most 10 custom attributes per container instance.
    world.ecs.PutAttributes({ cluster: 'prod', attributes: Array.from({ length: 10 }, (_, i) => ({ name: `c${i}`, targetId: first })) });
    expectAwsError(put([{ name: 'c10', targetId: first }]), 'AttributeLimitExceededException');
    world.ecs.PutAttributes({ cluster: 'prod', attributes: [{ name: 'c3', value: 'replaced', targetId: first }] });
    expectAwsError(() => world.ecs.DeleteAttributes({ cluster: 'prod', attributes: [{ name: 'c1', targetId: 'nope' }] }), 'TargetNotFoundException');
  });
});
