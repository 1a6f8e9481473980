/**
 * The tour (sim/scenarios/tour.yml), run with the real packaged alerts and drain functions: every expectation holds,
 * and the report tells the story (text report included).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../../sim/scenario/load.js';
import type { SimulationReport } from '../../../sim/scenario/report.js';
import { renderTextReport } from '../../../sim/scenario/report-text.js';
import { runScenario } from '../../../sim/scenario/run.js';
import { PACKAGING_TIMEOUT_MS, TOUR } from './support.js';

let report: SimulationReport;

beforeAll(async () => {
  report = await runScenario(loadScenarioFile(TOUR, 'tour.yml'));
}, PACKAGING_TIMEOUT_MS);

describe('the tour', () => {
  it('passes every expectation and invariant', () => {
    const failed = report.expectations.filter((e) => !e.passed);
    expect(failed).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.expectations.filter((e) => e.invariant).map((e) => e.type)).toEqual(['actionsApplied', 'noSimulatorErrors', 'wellFormedEvents', 'noAccessDenied']);
    expect(report.iam.denials).toEqual([]);
  });

  it('posts each alert once, to the channels that want it, and never the steady-state events', () => {
    const delivered = report.notifications.filter((n) => n.delivered).map((n) => `${n.channel} ${n.kind ?? ''}`);
    expect(delivered).toEqual([
      'ops deployment-failed',
      'pager deployment-failed',
      'ops deployment-rollback',
      'ops service-task-placement-failure',
      'pager service-task-placement-failure',
      'ops asg-launch-failed',
      'ops drain-started',
      'ops drain-completed',
      'ops placement-stop',
      'ops schedule-failed',
      'ops scaling-digest',
    ]);
    // SERVICE_STEADY_STATE happens (web and api settle again) but no rule delivers it.
    const steady = report.timeline.filter((t) => t.kind === 'event' && t.text.includes('SERVICE_STEADY_STATE'));
    expect(steady.length).toBeGreaterThan(0);
    // The placement function audits the service on it; the alerts function never gets it.
    expect(steady.filter((t) => /→.*alerts/.test(t.text))).toEqual([]);
    // The duplicated launch failure reached the function twice and was posted once.
    const launch = report.timeline.filter((t) => t.text.includes('instance launch failed'));
    expect(launch.map((t) => t.text)).toEqual(['posted to ops: prod-ecs-ondemand: instance launch failed', 'not posted again to ops (duplicate): prod-ecs-ondemand: instance launch failed']);
  });

  it('drains the Spot instance: DRAINING on the warning, the lifecycle action completed when empty, no task killed', () => {
    expect(report.lifecycleActions).toEqual([
      expect.objectContaining({ asg: 'prod-ecs-spot', hook: 'ecs-ops-drain', completedBy: 'api', result: 'CONTINUE', heldAfterEmptySeconds: 0 }),
    ]);
    expect(report.drains).toEqual(
      expect.arrayContaining([expect.objectContaining({ asg: 'prod-ecs-spot', trigger: 'spot-interruption', registered: true, drainingAfterSeconds: 0, triggeredAt: '2026-01-01T08:25:00Z' })]),
    );
    expect(report.tasksKilled.count).toBe(0);
    expect(report.timeline.some((t) => t.kind === 'killed')).toBe(false);
    expect(report.timeline.some((t) => t.kind === 'drain' && t.at === '2026-01-01T08:25:00Z' && t.text.includes('set DRAINING'))).toBe(true);
    expect(report.samples).toHaveLength(61);
    expect(Object.keys(report.samples[0]?.zones ?? {}).sort()).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
  });

  it('counts the API calls the functions made, from the server call log', () => {
    expect(report.apiCalls.byOperation['sns:Publish']).toBe(2);
    // The webhook URL is cached for 5 minutes of each function's (virtual) time: alerts reads it at 08:02 and again
    // at 08:10, drain at 08:25, placement at 08:45, the schedule runner at 08:48, the digest at 08:55.
    expect(report.apiCalls.byOperation['ssm:GetParameter']).toBe(6);
    // The drain: one container instance set to DRAINING, one lifecycle action completed.
    expect(report.apiCalls.byOperation['ecs:UpdateContainerInstancesState']).toBe(1);
    expect(report.apiCalls.byOperation['autoscaling:CompleteLifecycleAction']).toBe(1);
    // The ops journal: one UpdateItem per recorded action (the placement stop, the failed run: 12 → 14 with the
    // Powertools idempotency updates) and one BatchGetItem for the digest (its window spans two UTC days).
    expect(report.apiCalls.byOperation['dynamodb:UpdateItem']).toBe(14);
    expect(report.apiCalls.byOperation['dynamodb:BatchGetItem']).toBe(1);
    expect(Object.keys(report.apiCalls.byOperation).every((op) => /^(dynamodb|sns|ssm|ecs|autoscaling|applicationAutoScaling):/.test(op))).toBe(true);
  });

  it('renders a text report: timeline lines, the messages, ✓ per expectation', () => {
    const text = renderTextReport(report);
    // The kind column is as wide as the longest kind in the report (schedule-runner).
    expect(text).toMatch(/08:02:00 {2}action +deploy web:2 to prod\/web/);
    expect(text).toMatch(/08:10:01 {2}alerts +posted to ops, pager: web: tasks cannot be placed \(RESOURCE:MEMORY\)/);
    expect(text).toMatch(/08:25:27 {2}hook +lifecycle action ecs-ops-drain for /);
    expect(text).toMatch(/08:25:00 {2}drain +spot-interruption: i-0[0-9a-f]+ set DRAINING; heartbeat i-0[0-9a-f]+; drain-started: ops posted/);
    expect(text).toMatch(/08:11:\d\d {2}alerts +not posted again to ops, pager \(duplicate\): web: tasks cannot be placed \(RESOURCE:MEMORY\) {2}\(×\d+, last 08:1\d:\d\d\)/);
    expect(text).toMatch(/08:48:15 {2}schedule-runner {2}stopped nightly-report: [0-9a-f]+ failed \(exit\): report exited 2; notified schedule-failed/);
    expect(text).toContain('          [CRITICAL] web: deployment failed');
    expect(text).toContain('✓ notifications to ops of kind asg-launch-failed: exactly 1');
    expect(text).toMatch(/08:45:00 {2}placement +sent ops: cache: task stopped for maxPerInstance/);
    expect(text).not.toContain('✗');
    expect(text.trimEnd().split('\n').at(-1)).toBe(`PASSED: ${report.expectations.length} checks`);
  });
});
