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

describe('drain rules', () => {
  const drainConfig = configFrom(`
version: 1
clusters:
  - name: default
    asgs: [{ name: my-asg, lifecycleHook: my-lifecycle-hook }, { name: other-drained-asg }]
notifications:
  channels: [{ name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }]
`);
  const drainRules = deploymentValues(drainConfig).functions.drain.events.flatMap((e) => ('eventBridge' in e ? [e.eventBridge.pattern] : []));
  const matchingDrainRules = (event: unknown): number => drainRules.filter((pattern) => matchesPattern(pattern, event)).length;
  const draining = (): FixtureEvent => {
    const event = fixtureEvent('ecs-container-instance-state-change');
    Object.assign(event.detail, { status: 'DRAINING', clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/default' });
    return event;
  };

  it('deliver the terminate lifecycle action of a drained ASG on its own hook, by exactly one rule', () => {
    expect(matchingDrainRules(fixtureEvent('asg-terminate-lifecycle'))).toBe(1);
    // The warm-pool sample names another hook of my-asg; on ecs-ops's hook it is delivered too.
    const warmPool = fixtureEvent('asg-terminate-lifecycle-to-warmpool');
    expect(matchingDrainRules(warmPool)).toBe(0);
    warmPool.detail.LifecycleHookName = 'my-lifecycle-hook';
    expect(matchingDrainRules(warmPool)).toBe(1);
  });

  it('do not deliver another hook of the ASG, the hook of another drained ASG, another ASG, or a launch lifecycle action', () => {
    const withDetail = (changes: Record<string, string>) => {
      const event = fixtureEvent('asg-terminate-lifecycle');
      Object.assign(event.detail, changes);
      return event;
    };
    expect(matchingDrainRules(withDetail({ LifecycleHookName: 'someone-elses-hook' }))).toBe(0);
    expect(matchingDrainRules(withDetail({ AutoScalingGroupName: 'other-drained-asg' }))).toBe(0);
    expect(matchingDrainRules(withDetail({ AutoScalingGroupName: 'other-drained-asg', LifecycleHookName: 'ecs-ops-drain' }))).toBe(1);
    expect(matchingDrainRules(withDetail({ AutoScalingGroupName: 'other-asg' }))).toBe(0);
    expect(matchingDrainRules(fixtureEvent('asg-launch-lifecycle'))).toBe(0);
  });

  it('deliver Spot interruption warnings; rebalance recommendations only when configured', () => {
    expect(matchingDrainRules(fixtureEvent('ec2-spot-interruption-warning'))).toBe(1);
    expect(matchingDrainRules(fixtureEvent('ec2-spot-interruption-warning-concrete'))).toBe(1);
    expect(matchingDrainRules(fixtureEvent('ec2-instance-rebalance-recommendation-concrete'))).toBe(0);
    const rebalancing = deploymentValues({ ...drainConfig, drain: { ...drainConfig.drain, rebalanceRecommendation: 'drain' } }).functions.drain.events.flatMap((e) => ('eventBridge' in e ? [e.eventBridge.pattern] : []));
    expect(rebalancing.filter((p) => matchesPattern(p, fixtureEvent('ec2-instance-rebalance-recommendation-concrete')))).toHaveLength(1);
  });

  it('deliver container instances of a configured cluster set to DRAINING, nothing else', () => {
    expect(matchingDrainRules(draining())).toBe(1);
    expect(matchingDrainRules(fixtureEvent('ecs-container-instance-state-change'))).toBe(0);
    expect(matchingDrainRules(elsewhere(draining()))).toBe(0);
  });

  it('deliver a DRAINING container instance only when it runs no task, or when the event does not say', () => {
    // The documented sample carries no runningTasksCount: delivered (the function checks the tasks itself).
    expect(draining().detail).not.toHaveProperty('runningTasksCount');
    const counting = (runningTasksCount: number, pendingTasksCount = 0): FixtureEvent => {
      const event = draining();
      Object.assign(event.detail, { runningTasksCount, pendingTasksCount });
      return event;
    };
    expect(matchingDrainRules(counting(0))).toBe(1);
    // Tasks still stopping are not counted as running: delivered, and the function finds them with DescribeTasks.
    expect(matchingDrainRules(counting(0, 1))).toBe(1);
    expect(matchingDrainRules(counting(1))).toBe(0);
    expect(matchingDrainRules(counting(23))).toBe(0);
  });

  it.each(['ecs-service-action-placement-failure-ec2-cpu', 'ecs-deployment-failed', 'asg-terminate-unsuccessful', 'ecs-task-state-change-stopped', 'scheduled-event'])(
    'do not deliver %s',
    (name) => {
      expect(matchingDrainRules(fixtureEvent(name))).toBe(0);
    },
  );

  it('are not alert rules, nor alert rules drain rules', () => {
    expect(matchingRules(draining())).toBe(0);
    expect(matchingRules(fixtureEvent('ec2-spot-interruption-warning'))).toBe(0);
  });
});
