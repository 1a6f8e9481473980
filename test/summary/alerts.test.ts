import { describe, expect, it } from 'vitest';
import { parseKnownEvent } from '../../lib/events/index.js';
import { alertFor, isAlert, isAlertInput, type Alert, type AlertInput } from '../../lib/summary/alerts.js';
import { configFrom, fixtureEvent } from '../support/fixtures.js';

const config = configFrom(`
version: 1
clusters:
  - name: default
    asgs: [{ name: my-asg }]
notifications:
  channels:
    - { name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }
alerts:
  severity: { service-task-start-impaired: warning }
`);

function expectAlert(input: AlertInput, cfg = config): Alert {
  const result = alertFor(input, cfg);
  if (!isAlert(result)) throw new Error(`expected an alert, got: ${result.skipped}`);
  return result;
}

/** Fixtures go through the same parser as the handler's events. */
function parsed(event: unknown): AlertInput {
  const result = parseKnownEvent(event);
  if (!result.ok) throw result.error;
  if (!isAlertInput(result.event)) throw new Error(`${result.event.kind} cannot raise an alert`);
  return result.event;
}
const serviceAction = (name: string): AlertInput => parsed(fixtureEvent(name));
const deployment = serviceAction;
const asg = serviceAction;

describe('alertFor: ECS service actions', () => {
  it('explains a placement failure with its cluster, service, reason and a console link', () => {
    const { notification, fingerprint } = expectAlert(serviceAction('ecs-service-action-placement-failure-ec2-cpu'));
    expect(notification).toMatchObject({
      kind: 'service-task-placement-failure',
      severity: 'critical',
      title: 'servicetest: tasks cannot be placed (RESOURCE:CPU)',
      cluster: 'default',
      service: 'servicetest',
      occurredAt: '2019-11-06T19:09:33.087Z',
    });
    expect(notification.summary).toContain('no container instance has enough free CPU');
    expect(notification.fields).toContainEqual({ label: 'Reason', value: 'RESOURCE:CPU' });
    expect(notification.fields).toContainEqual({ label: 'Container instances', value: '1' });
    expect(notification.links[0]?.url).toBe(
      'https://us-west-2.console.aws.amazon.com/ecs/v2/clusters/default/services/servicetest/events?region=us-west-2',
    );
    expect(fingerprint).toBe('service-task-placement-failure|default|servicetest|RESOURCE:CPU');
  });

  it('names the Fargate Spot capacity provider of a Fargate placement failure', () => {
    const { notification } = expectAlert(serviceAction('ecs-service-action-placement-failure-fargate-spot'));
    expect(notification.summary).toContain('Fargate has no capacity');
    expect(notification.fields).toContainEqual({ label: 'Capacity providers', value: 'FARGATE_SPOT' });
  });

  it('links to the console of the partition of the region', () => {
    const event = fixtureEvent('ecs-service-action-task-start-impaired');
    event.region = 'cn-north-1';
    expect(expectAlert(parsed(event)).notification.links[0]?.url).toMatch(/^https:\/\/cn-north-1\.console\.amazonaws\.cn\/ecs\/v2\//);
  });

  it('applies per-kind severity overrides from the config', () => {
    const { notification } = expectAlert(serviceAction('ecs-service-action-task-start-impaired'));
    expect(notification.severity).toBe('warning');
    expect(notification.summary).toContain('stopped tasks');
  });

  it('never posts SERVICE_STEADY_STATE or CAPACITY_PROVIDER_STEADY_STATE', () => {
    for (const name of ['ecs-service-action-steady-state', 'ecs-service-action-capacity-provider-steady-state']) {
      const result = alertFor(serviceAction(name), config);
      expect(isAlert(result)).toBe(false);
    }
  });

  it('skips kinds listed in alerts.ignore', () => {
    const ignoring = configFrom(`
version: 1
clusters: [{ name: default }]
notifications: { channels: [{ name: ops, type: slack, webhookParameter: /p }] }
alerts: { ignore: [service-task-placement-failure] }
`);
    const result = alertFor(serviceAction('ecs-service-action-placement-failure-ec2-cpu'), ignoring);
    expect(result).toEqual({ skipped: 'service-task-placement-failure is ignored by alerts.ignore' });
  });

  it('gives repeated events of the same failure the same fingerprint, whatever their id and time', () => {
    const first = fixtureEvent('ecs-service-action-placement-failure-ec2-cpu');
    const second = structuredClone(first);
    second.id = 'another-id';
    second.time = '2019-11-19T20:05:00Z';
    second.detail.createdAt = '2019-11-19T20:05:00.000Z';
    const a = expectAlert(parsed(first));
    const b = expectAlert(parsed(second));
    expect(a.fingerprint).toBe(b.fingerprint);
  });
});

describe('alertFor: deployments', () => {
  it('alerts on a failed deployment with the circuit breaker reason', () => {
    const { notification, fingerprint } = expectAlert(deployment('ecs-deployment-failed'));
    expect(notification).toMatchObject({ kind: 'deployment-failed', severity: 'critical', title: 'servicetest: deployment failed', cluster: 'default' });
    expect(notification.summary).toContain('ECS deployment circuit breaker: task failed to start.');
    expect(notification.links[0]?.url).toContain('/services/servicetest/deployments?region=us-west-2');
    expect(fingerprint).toBe('deployment-failed|default|servicetest|ecs-svc/123');
  });

  it('alerts on a circuit-breaker rollback but not on an ordinary deployment in progress or completed', () => {
    expect(expectAlert(deployment('ecs-deployment-in-progress-rollback')).notification.kind).toBe('deployment-rollback');
    expect(isAlert(alertFor(deployment('ecs-deployment-in-progress'), config))).toBe(false);
    expect(isAlert(alertFor(deployment('ecs-deployment-completed'), config))).toBe(false);
  });
});

describe('alertFor: Auto Scaling activities', () => {
  it('alerts on a failed launch with the ASG, its cluster, the status message and the AZ', () => {
    const { notification } = expectAlert(asg('asg-launch-unsuccessful'));
    expect(notification).toMatchObject({ kind: 'asg-launch-failed', title: 'my-asg: instance launch failed', cluster: 'default' });
    expect(notification.summary).toContain('message-text');
    expect(notification.fields).toContainEqual({ label: 'Availability Zone', value: 'us-west-2b' });
    expect(notification.links[0]?.url).toContain('#AutoScalingGroupDetails:id=my-asg;view=activity');
  });

  it('alerts on a failed termination', () => {
    expect(expectAlert(asg('asg-terminate-unsuccessful')).notification.kind).toBe('asg-terminate-failed');
  });

  it('does not alert on successful activities', () => {
    expect(isAlert(alertFor(asg('asg-launch-successful'), config))).toBe(false);
  });

  it('keys failed launches by their message without instance or request ids', () => {
    const event = fixtureEvent('asg-launch-unsuccessful');
    event.detail.StatusMessage = 'We currently do not have sufficient m5.large capacity (i-0123456789abcdef0). Request ID: abc-123.';
    const other = structuredClone(event);
    other.detail.StatusMessage = 'We currently do not have sufficient m5.large capacity (i-0fedcba9876543210). Request ID: def-456.';
    const a = expectAlert(parsed(event));
    const b = expectAlert(parsed(other));
    expect(a.fingerprint).toBe(b.fingerprint);
  });
});
