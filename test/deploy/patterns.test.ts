/**
 * The alert rules derived from the config, evaluated the way EventBridge evaluates them, against the real event
 * samples: every alert-worthy sample reaches the alerts function, nothing else does.
 */
import { describe, expect, it } from 'vitest';
import { deploymentValues } from '../../lib/deploy/values.js';
import { matchesPattern } from '../../sim/eventbridge-pattern.js';
import { configFrom, fixtureEvent, type FixtureEvent } from '../support/fixtures.js';

const config = configFrom(`
version: 1
clusters:
  - name: default
    asgs: [{ name: my-asg }]
notifications:
  channels: [{ name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }]
`);
const rules = deploymentValues(config).functions.alerts.events.map((e) => e.eventBridge.pattern);
const matchingRules = (event: unknown): number => rules.filter((pattern) => matchesPattern(pattern, event)).length;

/** The same sample about another cluster / ASG. */
function elsewhere(event: FixtureEvent): FixtureEvent {
  const moved = JSON.parse(JSON.stringify(event).replaceAll('/default', '/other').replaceAll('"my-asg"', '"other-asg"')) as FixtureEvent;
  return moved;
}

describe('alerts rules', () => {
  const alerting = [
    'ecs-service-action-placement-failure-ec2-cpu',
    'ecs-service-action-placement-failure-fargate-spot',
    'ecs-service-action-task-start-impaired',
    'ecs-deployment-failed',
    'ecs-deployment-in-progress-rollback',
    'asg-launch-unsuccessful',
    'asg-terminate-unsuccessful',
  ];
  it.each(alerting)('deliver %s of a configured cluster or ASG, by exactly one rule', (name) => {
    expect(matchingRules(fixtureEvent(name))).toBe(1);
  });

  it.each(alerting)('do not deliver %s of another cluster or ASG', (name) => {
    expect(matchingRules(elsewhere(fixtureEvent(name)))).toBe(0);
  });

  it.each([
    'ecs-service-action-steady-state',
    'ecs-service-action-capacity-provider-steady-state',
    'ecs-deployment-in-progress',
    'ecs-deployment-completed',
    'asg-launch-successful',
    'asg-terminate-successful',
    'asg-terminate-lifecycle',
    'ecs-task-state-change-stopped',
  ])('do not deliver %s', (name) => {
    expect(matchingRules(fixtureEvent(name))).toBe(0);
  });
});
