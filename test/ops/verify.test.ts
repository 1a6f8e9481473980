/** verify's pure rules (lib/ops/verify.ts) with plain facts. */
import { describe, expect, it } from 'vitest';
import { parseConfig, type EcsOpsConfig } from '../../lib/config/index.js';
import { decideVerify, suggestedHeartbeatSeconds, type AsgFact, type VerifyFacts } from '../../lib/ops/verify.js';

function config(extra = ''): EcsOpsConfig {
  const result = parseConfig(
    `version: 1
clusters:
  - name: prod
    asgs: [{ name: prod-ecs }]
notifications:
  channels:
    - { name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }
    - { name: pager, type: sns, topicArn: arn:aws:sns:us-east-1:123456789012:pager }
${extra}`,
    'ecs-ops.config.yml',
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const hook = (over: Partial<AsgFact['hooks'][number]> = {}): AsgFact['hooks'][number] => ({
  name: 'ecs-ops-drain', transition: 'autoscaling:EC2_INSTANCE_TERMINATING', heartbeatTimeout: 900, defaultResult: 'CONTINUE', globalTimeout: 90_000, ...over,
});

function facts(over: Partial<VerifyFacts> = {}): VerifyFacts {
  return {
    region: 'eu-west-1',
    clusters: new Map([['prod', true]]),
    asgs: new Map([['prod-ecs', { hooks: [hook()] }]]),
    parameters: new Map([['/ecs-ops/slack/ops', 'SecureString']]),
    topics: new Map([['arn:aws:sns:us-east-1:123456789012:pager', true]]),
    taskDefinitions: new Map(),
    services: new Map(),
    ...over,
  };
}

describe('decideVerify', () => {
  it('finds nothing when everything exists as configured', () => {
    expect(decideVerify(config(), facts())).toEqual([]);
  });

  it('warns about a heartbeat timeout shorter than four reconcile passes, and a global timeout before the deadline', () => {
    const findings = decideVerify(config('drain: { deadline: 2h }'), facts({ asgs: new Map([['prod-ecs', { hooks: [hook({ heartbeatTimeout: 60, globalTimeout: 6000 })] }]]) }));
    expect(findings.map((f) => [f.severity, f.message])).toEqual([
      ['warning', "prod-ecs's hook ecs-ops-drain times out after 1 min without a heartbeat: the drain reconcile pass (every 1 min) needs at least 4 min to heartbeat with a spare pass"],
      ['warning', "prod-ecs's hook ecs-ops-drain ends every wait after 100 min (global timeout, 100 × heartbeat timeout), before drain.deadline (2 h): the ASG terminates instances ecs-ops is still draining"],
    ]);
    expect(findings[0]?.fix).toContain('--heartbeat-timeout 900 --default-result CONTINUE --region eu-west-1');
  });

  it('suggests a heartbeat timeout whose 100 heartbeats reach the deadline', () => {
    expect(suggestedHeartbeatSeconds(3600)).toBe(900);
    expect(suggestedHeartbeatSeconds(172_800)).toBe(1728);
  });

  it('warns about ABANDON and flags a hook on the launch transition as missing', () => {
    expect(decideVerify(config(), facts({ asgs: new Map([['prod-ecs', { hooks: [hook({ defaultResult: 'ABANDON' })] }]]) })).map((f) => f.severity)).toEqual(['warning']);
    const launch = decideVerify(config(), facts({ asgs: new Map([['prod-ecs', { hooks: [hook({ transition: 'autoscaling:EC2_INSTANCE_LAUNCHING' })] }]]) }));
    expect(launch.map((f) => [f.severity, f.check])).toEqual([['error', 'hook']]);
  });

  it('does not look for a hook on an ASG ecs-ops does not drain', () => {
    const c = config();
    c.clusters[0]!.asgs[0]!.drain = false;
    expect(decideVerify(c, facts({ asgs: new Map([['prod-ecs', { hooks: [] }]]) }))).toEqual([]);
  });

  it('refuses a webhook parameter that is not a SecureString and a missing topic', () => {
    const findings = decideVerify(config(), facts({ parameters: new Map([['/ecs-ops/slack/ops', 'String']]), topics: new Map([['arn:aws:sns:us-east-1:123456789012:pager', false]]) }));
    expect(findings.map((f) => [f.check, f.path])).toEqual([
      ['parameter', 'notifications.channels[0]'],
      ['topic', 'notifications.channels[1]'],
    ]);
    expect(findings[0]?.message).toContain('is a String, not a SecureString');
  });

  it("names the field to set for each task definition role the schedule does not override", () => {
    const c = config(`schedules:
  - { name: nightly, schedule: 'cron(0 3 * * ? *)', cluster: prod, taskDefinition: report, taskRoleArn: 'arn:aws:iam::123456789012:role/report-task' }`);
    const td = { arn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/report:3', taskRoleArn: 'arn:aws:iam::123456789012:role/other', executionRoleArn: 'arn:aws:iam::123456789012:role/exec' };
    const findings = decideVerify(c, facts({ taskDefinitions: new Map([['report', td]]) }));
    expect(findings.map((f) => [f.check, f.path, f.fix])).toEqual([['pass-role', 'schedules[0].executionRoleArn', 'set schedules[0].executionRoleArn: arn:aws:iam::123456789012:role/exec and deploy again']]);
  });

  it('warns about a placement policy that selects no existing service', () => {
    const c = config(`placement:
  policies:
    - { name: web-spread, select: { services: [web] }, rules: { maxPerInstance: 1 } }`);
    expect(decideVerify(c, facts({ services: new Map([['prod', [{ serviceName: 'web', tags: {} }]]]) }))).toEqual([]);
    expect(decideVerify(c, facts({ services: new Map([['prod', [{ serviceName: 'api', tags: {} }]]]) })).map((f) => [f.severity, f.path])).toEqual([['warning', 'placement.policies[0]']]);
  });
});
