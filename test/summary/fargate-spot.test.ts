import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, ListTasksCommand } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { parseKnownEvent, type EcsTaskStateChangeEvent } from '../../lib/events/index.js';
import { isAlert, type Alert } from '../../lib/summary/alerts.js';
import { handleAlertEvent, type DeliveryRequest } from '../../lib/summary/post-alert.js';
import { gatherSpotFacts, spotInterruptionAlert, type SpotFacts } from '../../lib/summary/fargate-spot.js';
import { configFrom, fixtureEvent } from '../support/fixtures.js';

const config = configFrom(`
version: 1
clusters:
  - name: Features
notifications:
  channels:
    - { name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }
`);

const NOW = Date.parse('2020-06-05T12:17:12Z');
const taskArn = (id: string): string => `arn:aws:ecs:eu-west-1:0123456789:task/Features/${id}`;

/** The documented STOPPED task event, turned into a Fargate Spot interruption of a service task. */
function spotStopped(overrides: Record<string, unknown> = {}): EcsTaskStateChangeEvent {
  const raw = fixtureEvent('ecs-task-state-change-stopped');
  Object.assign(raw.detail, { stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.', group: 'service:web', ...overrides });
  const parsed = parseKnownEvent(raw);
  if (!parsed.ok || parsed.event.kind !== 'ecs-task-state-change') throw new Error('fixture did not parse as a task state change');
  return parsed.event.event;
}

function expectAlert(event: EcsTaskStateChangeEvent, facts: SpotFacts | undefined, cfg = config): Alert {
  const result = spotInterruptionAlert(event, facts, cfg, NOW);
  if (!isAlert(result)) throw new Error(`expected an alert, got: ${result.skipped}`);
  return result;
}

const field = (alert: Alert, label: string): string | undefined => alert.notification.fields.find((f) => f.label === label)?.value;

describe('spotInterruptionAlert', () => {
  it('counts the service tasks interrupted in the window, their AZs, and says the replacements started', () => {
    const event = spotStopped();
    const facts: SpotFacts = {
      stopped: [
        { taskArn: taskArn('a1'), stopCode: 'SpotInterruption', availabilityZone: 'eu-west-1b', stoppedAt: NOW - 60_000 },
        { taskArn: taskArn('a2'), stopCode: 'SpotInterruption', availabilityZone: 'eu-west-1c', stoppedAt: NOW - 30_000 },
        // Not counted: another stop code, and an interruption older than the dedupe window (900 s).
        { taskArn: taskArn('a3'), stopCode: 'EssentialContainerExited', availabilityZone: 'eu-west-1a', stoppedAt: NOW - 10_000 },
        { taskArn: taskArn('a4'), stopCode: 'SpotInterruption', availabilityZone: 'eu-west-1a', stoppedAt: NOW - 901_000 },
      ],
      counts: { desired: 4, running: 3, pending: 1 },
    };
    const alert = expectAlert(event, facts);
    expect(alert.notification.kind).toBe('fargate-spot-interruption');
    expect(alert.notification.title).toBe('web: 3 Fargate Spot task(s) interrupted');
    expect(field(alert, 'Interrupted')).toBe('3');
    expect(field(alert, 'Availability Zones')).toBe('eu-west-1a, eu-west-1b, eu-west-1c');
    expect(field(alert, 'Replacements started')).toBe('yes');
    expect(field(alert, 'Tasks')).toBe('a1, a2, 33a7f27282624543abd4a00c3e84d0ee');
    expect(alert.notification.summary).toContain('replacements started: 3 running and 1 pending of 4 desired');
    expect(alert.notification.cluster).toBe('Features');
    expect(alert.notification.service).toBe('web');
    expect(alert.notification.severity).toBe('warning');
  });

  it('says how many tasks are missing when the scheduler could not replace them', () => {
    const alert = expectAlert(spotStopped(), { stopped: [], counts: { desired: 4, running: 2, pending: 0 } });
    expect(field(alert, 'Replacements started')).toBe('no (2 short)');
    expect(alert.notification.summary).toContain('replacements missing');
  });

  it('still alerts with the event alone when the service could not be read', () => {
    const alert = expectAlert(spotStopped(), undefined);
    expect(field(alert, 'Interrupted')).toBe('1');
    expect(field(alert, 'Availability Zones')).toBe('eu-west-1a');
    expect(field(alert, 'Replacements started')).toBe('unknown');
  });

  it('gives every interruption of a service the same fingerprint, and other services another', () => {
    const a = expectAlert(spotStopped(), undefined);
    const b = expectAlert(spotStopped({ taskArn: taskArn('other'), availabilityZone: 'eu-west-1c' }), { stopped: [], counts: undefined });
    const c = expectAlert(spotStopped({ group: 'service:api' }), undefined);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
  });

  it('ignores other stops, standalone tasks, and the kind when alerts.ignore lists it', () => {
    expect(isAlert(spotInterruptionAlert(spotStopped({ stopCode: 'EssentialContainerExited' }), undefined, config, NOW))).toBe(false);
    expect(isAlert(spotInterruptionAlert(spotStopped({ group: 'family:web' }), undefined, config, NOW))).toBe(false);
    const ignoring = configFrom(`
version: 1
clusters: [{ name: Features }]
notifications: { channels: [{ name: ops, type: slack, webhookParameter: /x }] }
alerts: { ignore: [fargate-spot-interruption] }
`);
    expect(spotInterruptionAlert(spotStopped(), undefined, ignoring, NOW)).toEqual({ skipped: 'fargate-spot-interruption is ignored by alerts.ignore' });
  });
});

describe('gatherSpotFacts', () => {
  it('pages the stopped tasks, describes them 100 at a time, and reads the service counts', async () => {
    const ecs = mockClient(ECSClient);
    const arns = Array.from({ length: 150 }, (_, i) => taskArn(`t${i}`));
    ecs
      .on(ListTasksCommand, { cluster: 'Features', serviceName: 'web', desiredStatus: 'STOPPED' })
      .resolvesOnce({ taskArns: arns.slice(0, 100), nextToken: 'n' })
      .resolvesOnce({ taskArns: arns.slice(100) });
    ecs.on(DescribeTasksCommand).callsFake((input: { tasks: string[] }) => ({
      tasks: input.tasks.map((arn, i) => ({ taskArn: arn, stopCode: i % 2 === 0 ? 'SpotInterruption' : 'UserInitiated', availabilityZone: 'eu-west-1a', stoppedAt: new Date(NOW) })),
    }));
    ecs.on(DescribeServicesCommand, { cluster: 'Features', services: ['web'] }).resolves({ services: [{ desiredCount: 4, runningCount: 4, pendingCount: 0 }] });
    const facts = await gatherSpotFacts(new ECSClient({ region: 'eu-west-1' }), 'Features', 'web');
    expect(facts.stopped).toHaveLength(150);
    expect(facts.stopped[0]).toEqual({ taskArn: arns[0], stopCode: 'SpotInterruption', availabilityZone: 'eu-west-1a', stoppedAt: NOW });
    expect(ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input.tasks?.length)).toEqual([100, 50]);
    expect(facts.counts).toEqual({ desired: 4, running: 4, pending: 0 });
    ecs.restore();
  });
});

describe('handleAlertEvent: Fargate Spot interruptions', () => {
  function pipeline(spotFacts: () => Promise<SpotFacts>) {
    const delivered: DeliveryRequest[] = [];
    const warnings: string[] = [];
    const deps = {
      config,
      deliverOnce: (request: DeliveryRequest) => {
        delivered.push(request);
        return Promise.resolve({ token: request.token, at: new Date(NOW).toISOString() });
      },
      logger: { info: () => undefined, warn: (message: string) => { warnings.push(message); }, error: () => undefined },
      metrics: { count: () => undefined },
      spotFacts,
      now: () => NOW,
    };
    return { deps, delivered, warnings };
  }

  function rawSpotStopped(): unknown {
    const raw = fixtureEvent('ecs-task-state-change-stopped');
    Object.assign(raw.detail, { stopCode: 'SpotInterruption', group: 'service:web' });
    return raw;
  }

  it('reads the service and posts one alert keyed by service', async () => {
    const { deps, delivered } = pipeline(() => Promise.resolve({ stopped: [], counts: { desired: 2, running: 2, pending: 0 } }));
    const outcome = await handleAlertEvent(rawSpotStopped(), deps, NOW + 10_000);
    expect(outcome).toMatchObject({ status: 'alerted', kind: 'fargate-spot-interruption', fingerprint: 'fargate-spot-interruption|Features|web' });
    expect(delivered.map((d) => d.key)).toEqual(['fargate-spot-interruption|Features|web#ops']);
  });

  it('still posts, from the event alone, when ECS cannot be read, and logs why', async () => {
    const { deps, delivered, warnings } = pipeline(() => Promise.reject(new Error('ThrottlingException')));
    const outcome = await handleAlertEvent(rawSpotStopped(), deps, NOW + 10_000);
    expect(outcome).toMatchObject({ status: 'alerted', kind: 'fargate-spot-interruption' });
    expect(delivered[0]?.notification.fields.find((f) => f.label === 'Replacements started')?.value).toBe('unknown');
    expect(warnings).toHaveLength(1);
  });

  it('skips other task state changes without reading ECS', async () => {
    let read = 0;
    const { deps, delivered } = pipeline(() => { read++; return Promise.resolve({ stopped: [], counts: undefined }); });
    const outcome = await handleAlertEvent(fixtureEvent('ecs-task-state-change-stopped'), deps, NOW + 10_000);
    expect(outcome).toMatchObject({ status: 'skipped' });
    expect(read).toBe(0);
    expect(delivered).toEqual([]);
  });
});
