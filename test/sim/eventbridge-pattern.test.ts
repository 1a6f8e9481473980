import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../sim/eventbridge-pattern.js';

const event = {
  source: 'aws.ecs',
  'detail-type': 'ECS Service Action',
  resources: ['arn:aws:ecs:us-west-2:111122223333:service/prod/web'],
  detail: { eventName: 'SERVICE_TASK_PLACEMENT_FAILURE', clusterArn: 'arn:aws:ecs:us-west-2:111122223333:cluster/prod', desiredCount: 4, reason: 'RESOURCE:CPU' },
};

describe('EventBridge pattern matching', () => {
  it('matches exact values, any element of an event array, and nested objects', () => {
    expect(matchesPattern({ source: ['aws.ecs'], detail: { eventName: ['X', 'SERVICE_TASK_PLACEMENT_FAILURE'] } }, event)).toBe(true);
    expect(matchesPattern({ resources: ['arn:aws:ecs:us-west-2:111122223333:service/prod/web'] }, event)).toBe(true);
    expect(matchesPattern({ source: ['aws.ec2'] }, event)).toBe(false);
    expect(matchesPattern({ detail: { eventName: ['SERVICE_STEADY_STATE'] } }, event)).toBe(false);
  });

  it('supports prefix, suffix, wildcard and equals-ignore-case', () => {
    expect(matchesPattern({ detail: { clusterArn: [{ suffix: ':cluster/prod' }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { clusterArn: [{ suffix: ':cluster/pro' }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { reason: [{ prefix: 'RESOURCE:' }] } }, event)).toBe(true);
    expect(matchesPattern({ resources: [{ wildcard: '*:service/prod/*' }] }, event)).toBe(true);
    expect(matchesPattern({ resources: [{ wildcard: '*:service/staging/*' }] }, event)).toBe(false);
    expect(matchesPattern({ detail: { reason: [{ 'equals-ignore-case': 'resource:cpu' }] } }, event)).toBe(true);
  });

  it('supports anything-but, exists and numeric', () => {
    expect(matchesPattern({ detail: { eventName: [{ 'anything-but': ['SERVICE_STEADY_STATE'] }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { eventName: [{ 'anything-but': { prefix: 'SERVICE_' } }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { missing: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { missing: [{ exists: true }] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { reason: [{ exists: true }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { desiredCount: [{ numeric: ['>', 2, '<=', 4] }] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { desiredCount: [{ numeric: ['>', 4] }] } }, event)).toBe(false);
  });

  it('treats $or branches as alternatives next to the other fields', () => {
    const pattern = { source: ['aws.ecs'], detail: { $or: [{ eventName: ['A'] }, { eventName: ['SERVICE_TASK_PLACEMENT_FAILURE'], reason: [{ prefix: 'RESOURCE' }] }] } };
    expect(matchesPattern(pattern, event)).toBe(true);
    expect(matchesPattern({ ...pattern, source: ['aws.ec2'] }, event)).toBe(false);
  });

  it('a missing field matches nothing but exists:false', () => {
    expect(matchesPattern({ detail: { nope: ['x'] } }, event)).toBe(false);
    expect(matchesPattern({ absent: { inner: ['x'] } }, event)).toBe(false);
  });
});
