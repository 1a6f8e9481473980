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

/** The examples of the EventBridge User Guide, "Content filtering in Amazon EventBridge event patterns". */
describe('EventBridge documented content-filtering examples', () => {
  const documented = {
    time: '2017-10-02T18:43:48Z',
    FileName: 'image.PNG',
    detail: {
      service: 'EVENTBRIDGE',
      state: 'running',
      'x-limit': 456,
      'c-count': 5,
      'd-count': 12,
      FileName: 'photo.PNG',
    },
  };
  it.each([
    [{ time: [{ prefix: '2017-10-02' }] }, true],
    [{ detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, true],
    [{ FileName: [{ suffix: '.png' }] }, false],
    [{ detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, true],
    [{ detail: { state: [{ 'anything-but': 'initializing' }] } }, true],
    [{ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, true],
    [{ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, true],
    [{ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, true],
    [{ detail: { state: [{ 'anything-but': { prefix: 'run' } }] } }, false],
    [{ detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } }, true],
    [{ detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, true],
    [{ detail: { 'd-count': [{ numeric: ['<', 10] }] } }, false],
    [{ detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, false],
    [{ detail: { 'c-count': [{ exists: false }] } }, false],
    [{ detail: { state: [{ 'equals-ignore-case': 'RUNNING' }] } }, true],
    [{ detail: { state: [{ wildcard: 'r*ing' }] } }, true],
    [{ detail: { $or: [{ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }, { 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }] } }, true],
    [{ detail: { $or: [{ 'd-count': [{ numeric: ['<', 10] }] }, { 'x-limit': [{ numeric: ['=', 3.018e2] }] }] } }, false],
  ])('%j → %s', (pattern, expected) => {
    expect(matchesPattern(pattern, documented)).toBe(expected);
  });
});
