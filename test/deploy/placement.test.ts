/**
 * The placement function's wiring derived from the config: declared only with policies, rules narrowed to the
 * configured clusters (checked against the real event samples the way EventBridge matches), the audit schedule,
 * least-privilege IAM.
 */
import { describe, expect, it } from 'vitest';
import { auditSchedule, deploymentValues, type IamStatement } from '../../lib/deploy/values.js';
import { matchesPattern } from '../../sim/eventbridge-pattern.js';
import { configFrom, fixtureEvent } from '../support/fixtures.js';

const base = `
version: 1
clusters:
  - name: default
  - name: other
notifications:
  channels: [{ name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }]
`;
const policy = (mode: string, dryRun: boolean, clusters = '[default]') =>
  `placement:\n  dryRun: ${dryRun}\n  auditEvery: 30m\n  policies:\n    - name: p\n      select: { clusters: ${clusters} }\n      mode: ${mode}\n      rules: { azBalance: { maxSkew: 1 } }\n`;

const text = (v: unknown): string => JSON.stringify(v);
const byAction = (iam: IamStatement[], action: string): IamStatement | undefined => iam.find((s) => s.Action.includes(action));

describe('placement function wiring', () => {
  it('is not declared without policies', () => {
    expect(deploymentValues(configFrom(base)).functions.placement).toEqual({ enabled: false, events: [], iam: [] });
  });

  it('listens to RUNNING service tasks and service actions of the policies’ clusters only, and runs every auditEvery', () => {
    const wiring = deploymentValues(configFrom(base + policy('audit', true))).functions.placement;
    expect(wiring.enabled).toBe(true);
    const patterns = wiring.events.flatMap((e) => ('eventBridge' in e ? [e.eventBridge.pattern] : []));
    const matches = (event: unknown): number => patterns.filter((p) => matchesPattern(p, event)).length;
    const running = fixtureEvent('ecs-task-state-change-running-ec2-capacity-provider-2025');
    const onDefault = (e: typeof running, group = 'service:web') => JSON.parse(JSON.stringify(e).replaceAll('/example', '/default').replace('"family:webserver"', JSON.stringify(group))) as unknown;
    expect(matches(onDefault(running))).toBe(1);
    expect(matches(onDefault(running, 'family:webserver'))).toBe(0); // standalone task
    expect(matches(running)).toBe(0); // another cluster
    expect(matches(JSON.parse(JSON.stringify(onDefault(running)).replaceAll('/default', '/other')))).toBe(0); // declared, but no policy
    const stopped = JSON.parse(JSON.stringify(fixtureEvent('ecs-task-state-change-stopped')).replaceAll('/Features', '/default')) as unknown;
    expect(matches(stopped)).toBe(0);
    expect(matches(fixtureEvent('ecs-service-action-steady-state'))).toBe(1);
    expect(matches(fixtureEvent('ecs-service-action-task-start-impaired'))).toBe(0);
    expect(matches(fixtureEvent('ecs-service-action-placement-failure-ec2-cpu'))).toBe(0);
    expect(wiring.events.flatMap((e) => ('schedule' in e ? e.schedule.rate : []))).toEqual(['rate(30 minutes)']);
  });

  it('audit or dryRun: reads only, scoped to the clusters; enforce: StopTask on the clusters’ tasks with the ecs:cluster condition', () => {
    const audit = deploymentValues(configFrom(base + policy('enforce', true))).functions.placement.iam;
    const all = audit.flatMap((s) => s.Action);
    expect(all).not.toContain('ecs:StopTask');
    expect(all.filter((a) => a.startsWith('ecs:')).sort()).toEqual(['ecs:DescribeContainerInstances', 'ecs:DescribeServices', 'ecs:DescribeTaskDefinition', 'ecs:DescribeTasks', 'ecs:ListContainerInstances', 'ecs:ListServices', 'ecs:ListTasks']);
    expect(text(byAction(audit, 'ecs:ListServices')?.Condition)).toContain(':cluster/default');
    expect(text(byAction(audit, 'ecs:ListServices')?.Condition)).not.toContain(':cluster/other');
    expect(text(byAction(audit, 'ecs:ListContainerInstances')?.Resource)).toContain(':cluster/default');
    expect(text(byAction(audit, 'ecs:DescribeServices')?.Resource)).toContain(':service/default/*');
    // Only DescribeTaskDefinition (no resource-level permission), ListServices (condition only) and ListTasks by
    // cluster or service (authorized on "*", sim/iam/deviations.ts) on "*"; the last two only in the policies' clusters.
    expect(audit.filter((s) => text(s.Resource) === '["*"]').flatMap((s) => s.Action).sort()).toEqual(['ecs:DescribeTaskDefinition', 'ecs:ListServices', 'ecs:ListTasks']);
    expect(byAction(audit, 'ecs:ListTasks')?.Condition).toEqual(byAction(audit, 'ecs:ListServices')?.Condition);

    const enforce = deploymentValues(configFrom(base + policy('enforce', false, '[default, other]'))).functions.placement.iam;
    const stop = byAction(enforce, 'ecs:StopTask');
    expect(text(stop?.Resource)).toContain(':task/default/*');
    expect(text(stop?.Resource)).toContain(':task/other/*');
    expect(Object.keys(stop?.Condition?.ArnEquals ?? {})).toEqual(['ecs:cluster']);
    expect(enforce.flatMap((s) => s.Action).some((a) => a.endsWith('*'))).toBe(false);
    // Stops are appended to the ops journal (lib/summary/journal.ts): UpdateItem on the idempotency table only.
    expect(byAction(enforce, 'dynamodb:UpdateItem')?.Resource).toEqual([{ 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] }]);
  });

  it('auditEvery as an EventBridge rate', () => {
    expect(auditSchedule(60)).toBe('rate(1 minute)');
    expect(auditSchedule(900)).toBe('rate(15 minutes)');
    expect(auditSchedule(7200)).toBe('rate(2 hours)');
    expect(auditSchedule(86400)).toBe('rate(1 day)');
  });
});
