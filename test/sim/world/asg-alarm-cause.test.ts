/**
 * Conformance of the simulated EC2 Auto Scaling's Cause texts for a scale-out by a scaling policy (ECS managed scaling,
 * target tracking): the shape AWS writes (reference/summaries.md §2.2), and what the digest reads from it.
 */
import { describe, expect, it } from 'vitest';
import { parseAsgCause, splitAsgCause } from '../../../lib/summary/digest/parse.js';
import { fleet } from './helpers.js';

const ALARM = 'TargetTracking-Infra-ECS-Cluster-prod-ECSAutoScalingGroup-1RDKYQ5ECDEWS-AlarmHigh-4d3bd4c8-8b3c-4a47-9a8b-2a0c6c0e3d1a';
const POLICY = 'ECSManagedAutoScalingPolicy-b0b56b86-6ae1-4a6a-8b9c-2d5a0b1b6f1e';

describe('a scale-out by a scaling policy', () => {
  it('writes AWS’s Cause: the alarm, its policy, the desired capacity change, then the launch', () => {
    const { world, recorder } = fleet();
    world.setDesiredCapacity('prod-asg', 8, { name: ALARM, policy: POLICY });
    const [newest] = world.autoscaling.DescribeScalingActivities({ AutoScalingGroupName: 'prod-asg', MaxRecords: 1 }).Activities ?? [];
    expect(newest?.Description).toMatch(/^Launching a new EC2 instance: i-0[0-9a-f]+$/);
    expect(newest?.Cause).toBe(
      `At 2025-03-03T09:00:00Z a monitor alarm ${ALARM} in state ALARM triggered policy ${POLICY} changing the desired capacity from 6 to 8.  At 2025-03-03T09:00:00Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 7 to 8.`,
    );
    expect(splitAsgCause(newest?.Cause ?? '')).toHaveLength(2);
    expect(parseAsgCause(newest?.Cause ?? '')).toMatchObject({ cause: { kind: 'target-tracking', alarm: ALARM, policy: POLICY, high: true }, desiredChange: { from: 6, to: 8 } });
    expect(recorder.invalid).toEqual([]);
  });

  it('without an alarm stays a user request', () => {
    const { world } = fleet();
    world.setDesiredCapacity('prod-asg', 7);
    const [newest] = world.autoscaling.DescribeScalingActivities({ AutoScalingGroupName: 'prod-asg', MaxRecords: 1 }).Activities ?? [];
    expect(newest?.Cause).toMatch(/^At \S+ a user request explicitly set group desired capacity changing the desired capacity from 6 to 7\./);
  });
});
