import { describe, expect, it } from 'vitest';
import { parseEvent, rebalanceRecommendationEventSchema, spotInterruptionEventSchema } from '../../lib/events/index.js';
import { deletePath, detailOf, fixture } from './support.js';

describe('EC2 Spot Instance Interruption Warning', () => {
  it('reads the instance id from detail, whatever resources[0] looks like', () => {
    const result = parseEvent(spotInterruptionEventSchema, fixture('ec2-spot-interruption-warning-concrete'));
    if (!result.ok) throw result.error;
    expect(result.event.detail['instance-id']).toBe('i-0b662ef9931388ba0');
    expect(result.event.detail['instance-action']).toBe('terminate');
    // An AZ in the region slot and no account: why the id is never taken from the ARN.
    expect(result.event.resources[0]).toBe('arn:aws:ec2:us-east-1b:instance/i-0b662ef9931388ba0');
  });

  it('accepts the doc placeholder instance-action "action"', () => {
    const result = parseEvent(spotInterruptionEventSchema, fixture('ec2-spot-interruption-warning'));
    if (!result.ok) throw result.error;
    expect(result.event.detail['instance-action']).toBe('action');
  });

  it.each(['instance-id', 'instance-action'])('fails without detail.%s, naming it', (field) => {
    const input = fixture('ec2-spot-interruption-warning-concrete');
    deletePath(input, `detail.${field}`);
    const result = parseEvent(spotInterruptionEventSchema, input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toEqual([{ path: `detail.${field}`, message: 'expected string, received undefined' }]);
  });

  it('fails when source is not aws.ec2', () => {
    const input = fixture('ec2-spot-interruption-warning-concrete');
    input.source = 'aws.autoscaling';
    const result = parseEvent(spotInterruptionEventSchema, input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error.message).toContain('source: expected "aws.ec2", received "aws.autoscaling"');
  });
});

describe('EC2 Instance Rebalance Recommendation', () => {
  it('reads the instance id', () => {
    const result = parseEvent(rebalanceRecommendationEventSchema, fixture('ec2-instance-rebalance-recommendation-concrete'));
    if (!result.ok) throw result.error;
    expect(result.event.detail['instance-id']).toBe('i-0b662ef9931388ba0');
  });

  it('fails on a mistyped instance id, naming it', () => {
    const input = fixture('ec2-instance-rebalance-recommendation');
    detailOf(input)['instance-id'] = ['i-1234567890abcdef0'];
    const result = parseEvent(rebalanceRecommendationEventSchema, input);
    expect(result.ok ? '' : result.error.message).toContain('detail.instance-id: expected string, received array');
  });

  it('fails without resources', () => {
    const input = fixture('ec2-instance-rebalance-recommendation');
    delete input.resources;
    const result = parseEvent(rebalanceRecommendationEventSchema, input);
    expect(result.ok ? '' : result.error.message).toContain('resources: expected array, received undefined');
  });
});
