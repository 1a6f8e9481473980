/**
 * Every example of the ECS Developer Guide ("Create expressions to define container instances") against the fleet of
 * test/fixtures/placement/instances.json, with the tasks of tasks.json.
 */
import { describe, expect, it } from 'vitest';
import { ALL, I1, I2, I3, I4, I5, I6, I7, I8, select } from './support.js';

const DOCUMENTED: [expression: string, selected: string[]][] = [
  ['attribute:ecs.instance-type == t2.small', [I1, I5]],
  ['attribute:ecs.availability-zone in [us-east-1a, us-east-1b]', [I1, I2, I5, I6, I7]],
  ['attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d', [I3]],
  ['task:group == service:production', [I1, I3]],
  ['not(task:group == database)', [I1, I2, I4, I5, I6, I7, I8]],
  ['runningTasksCount == 1', [I1, I4, I8]],
  ['agentVersion < 1.14.5', [I1, I5]],
  ['registeredAt < 2018-02-13', [I1, I5]],
  ["ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", [I5, I6]],
  ['attribute:ecs.instance-type == g2.2xlarge', [I3]],
  ['attribute:stack == prod', [I1, I3, I5]],
  // "lists the instances with the custom attribute stack unless the attribute value is prod": I4 and I7 have no stack.
  ['attribute:stack != prod', [I2, I6, I8]],
  ['attribute:ecs.instance-type in [t2.small, t2.medium]', [I1, I2, I5]],
  ['attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a', [I1, I5]],
  ['attribute:ecs.os-family == WINDOWS_SERVER_2022_FULL', [I6]],
];

describe('documented examples', () => {
  it.each(DOCUMENTED)('%s', (expression, selected) => {
    expect(select(expression)).toEqual(selected);
  });

  it('the fleet has what the examples need: a disconnected agent, ECS Anywhere, several zones and types', () => {
    expect(select('agentConnected == false')).toEqual([I5]);
    expect(select('ec2InstanceId =~ .*')).toEqual(ALL.filter((l) => l !== I8));
    expect(select('attribute:ecs.availability-zone !exists')).toEqual([I8]);
    expect(select('attribute:com.amazonaws.ecs.capability.docker-remote-api.1.17 exists')).toEqual(ALL);
  });
});
