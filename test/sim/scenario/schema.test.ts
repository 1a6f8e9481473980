import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatScenarioErrors, loadScenarioFile, parseScenario, ScenarioLoadError, type ScenarioError } from '../../../sim/scenario/load.js';
import { scenarioText, SMALL_EXPECT, SMALL_TIMELINE, removeTempDirs, tempDir, TOUR } from './support.js';

afterAll(removeTempDirs);

const START = Date.parse('2026-01-01T08:00:00Z');

/** 1-based line of the first line containing `marker`. */
function lineOf(text: string, marker: string, from = 0): number {
  const index = text.indexOf(marker, from);
  if (index < 0) throw new Error(`marker not found: ${marker}`);
  return text.slice(0, index).split('\n').length;
}

function errorsOf(text: string, fileName = 'bad.yml'): ScenarioError[] {
  const result = parseScenario(text, fileName, { baseDir: tempDir() });
  if (result.ok) throw new Error('expected the scenario to be invalid');
  return result.errors;
}

describe('parseScenario', () => {
  it('reads the tour: times resolved, one tagged action per entry, config validated, Slack parameters', () => {
    const text = readFileSync(TOUR, 'utf8');
    const result = parseScenario(text, 'tour.yml');
    if (!result.ok) throw new Error(formatScenarioErrors(result.errors).join('\n'));
    const { scenario } = result;
    expect(scenario).toMatchObject({ name: 'tour', seed: 7, startMs: START, region: 'us-east-1', account: '123456789012', untilMs: START + 3_600_000 });
    expect(scenario.timeline[1]).toEqual({ index: 1, atMs: START + 120_000, action: { type: 'deploy', cluster: 'prod', service: 'web', taskDefinition: 'web:2' } });
    expect(scenario.timeline[0]?.action).toMatchObject({ type: 'note' });
    expect(scenario.timeline.find((e) => e.action.type === 'interruptSpot')).toMatchObject({ atMs: START + 25 * 60_000, action: { asg: 'prod-ecs-spot', count: 1 } });
    expect(scenario.slackParameters).toEqual({ '/ecs-ops/slack/ops': 'ops' });
    expect(scenario.config.alerts.dedupeWindow).toBe(900);
    expect(scenario.configText).toContain('webhookParameter: /ecs-ops/slack/ops');
    expect(scenario.fleet.clusters[0]?.asgs[0]?.lifecycleHooks[0]).toMatchObject({ name: 'ecs-ops-drain', heartbeatTimeout: 900_000 });
    expect(scenario.expectations[0]).toEqual({ index: 0, expectation: { type: 'notification', params: { channel: 'ops', kind: 'deployment-failed', count: 1 } } });
    expect(scenario.source?.locate(['expect', 0])?.line).toBe(lineOf(text, '- notification: { channel: ops, kind: deployment-failed'));
  });

  it('applies the defaults: seed 1, start 08:00Z, entries without `at` follow the previous one (and advance), until = last + 30m', () => {
    const text = scenarioText({ timeline: `  - at: 5m\n    note: a\n  - advance: { by: 90s }\n  - note: b\n  - at: 2026-01-01T08:10:00Z\n    note: c`, expect: '  - noDeadLetters: true' }).replace(/^seed: 7\n/m, '').replace(/^start: .*\n/m, '');
    const result = parseScenario(text, 'x.yml');
    if (!result.ok) throw new Error(formatScenarioErrors(result.errors).join('\n'));
    expect(result.scenario.seed).toBe(1);
    expect(result.scenario.timeline.map((e) => (e.atMs - START) / 1000)).toEqual([300, 300, 390, 600]);
    expect(result.scenario.untilMs).toBe(START + 40 * 60_000);
  });

  it('gives every Slack channel of the config its parameter when slackParameters is absent', () => {
    const text = scenarioText({ timeline: SMALL_TIMELINE, expect: SMALL_EXPECT }).replace(/^notifications:\n {2}slackParameters:\n {4}.*\n/m, '');
    const result = parseScenario(text, 'x.yml');
    expect(result.ok && result.scenario.slackParameters).toEqual({ '/ecs-ops/slack/ops': 'ops' });
  });
});

describe('scenario errors, located as file:line:column', () => {
  it('reports unknown keys with a suggestion, bad values, bad durations and times, each at its line', () => {
    const text = scenarioText({
      timeline: `  - at: 2m\n    scaleASG: { asg: prod-ecs-ondemand, desired: 6 }\n  - at: 4O\n    note: typo in the time\n  - at: 5m\n    advance: { by: 5 minutes }`,
      expect: '  - noTaskKilled: true',
    }).replace('          desiredCapacity: 4\n', '          desiredCapacity: -4\n');
    const errors = errorsOf(text);
    expect(formatScenarioErrors(errors)).toEqual([
      `bad.yml:${lineOf(text, 'desiredCapacity: -4')}:28 fleet.clusters[0].asgs[0].desiredCapacity: expected a number >= 0, got -4`,
      `bad.yml:${lineOf(text, 'scaleASG')}:5 timeline[0].scaleASG: unknown key "scaleASG" (did you mean "scaleAsg"?)`,
      `bad.yml:${lineOf(text, 'at: 4O')}:9 timeline[1].at: invalid time "4O": write an offset from the start (90s, 5m, 1h30m, or seconds) or an ISO time like 2026-01-01T08:05:00Z`,
      `bad.yml:${lineOf(text, 'by: 5 minutes')}:20 timeline[2].advance.by: invalid duration "5 minutes": write e.g. 90s, 5m, 1h30m, 500ms or a number of seconds`,
      `bad.yml:${lineOf(text, 'noTaskKilled')}:5 expect[0].noTaskKilled: unknown key "noTaskKilled" (did you mean "noTasksKilled"?)`,
    ]);
  });

  it('reports errors of the inline config inside the scenario file', () => {
    const text = readFileSync(TOUR, 'utf8').replace('dedupeWindow: 15m', 'dedupeWindow: 15x').replace('        type: sns\n', '        type: sms\n');
    const errors = formatScenarioErrors(errorsOf(text, 'tour.yml'));
    expect(errors).toContain(`tour.yml:${lineOf(text, 'type: sms')}:15 config.notifications.channels[1].type: unknown type "sms": expected one of "slack" | "sns" (did you mean "sns"?)`);
    expect(errors).toContain(`tour.yml:${lineOf(text, 'dedupeWindow: 15x')}:19 config.alerts.dedupeWindow: invalid duration "15x": write a number with a unit s, m, h or d, e.g. 90s, 15m, 2h`);
  });

  it('checks references: ASGs, services, task definition revisions, AZs, Spot groups, time order', () => {
    const text = scenarioText({
      timeline: [
        '  - at: 10m',
        "    deploy: { cluster: prod, service: web, taskDefinition: 'web:3' }",
        '  - at: 5m',
        '    insufficientCapacity: { asg: prod-ecs-ondemand, az: us-east-1d }',
        '  - at: 12m',
        '    interruptSpot: { asg: prod-ecs-ondemand }',
        '  - scaleAsg: { asg: prod-ecs-ondemnd, desired: 3 }',
        '  - scaleAsg: { asg: prod-ecs-spot, desired: 9 }',
        '  - setDesiredCount: { cluster: prod, service: wbe, desired: 3 }',
      ].join('\n'),
      expect: '  - serviceHealthy: { cluster: staging, service: web }',
    });
    const messages = errorsOf(text).map((e) => `${e.line ?? '?'} ${e.path}: ${e.message}`);
    expect(messages).toEqual([
      `${lineOf(text, "taskDefinition: 'web:3'")} timeline[0].deploy.taskDefinition: "web:3": web has 2 revisions in fleet.taskDefinitions`,
      `${lineOf(text, '  - at: 5m')} timeline[1].at: timeline entries must be in time order (this one is earlier than the previous one), got "5m"`,
      `${lineOf(text, 'az: us-east-1d')} timeline[1].insufficientCapacity.az: ASG "prod-ecs-ondemand" is in us-east-1a, us-east-1b, us-east-1c, not "us-east-1d"`,
      `${lineOf(text, 'interruptSpot: { asg: prod-ecs-ondemand')} timeline[2].interruptSpot.asg: ASG "prod-ecs-ondemand" is not a Spot group (spot: true)`,
      `${lineOf(text, 'prod-ecs-ondemnd')} timeline[3].scaleAsg.asg: ASG "prod-ecs-ondemnd" is not declared in the fleet`,
      `${lineOf(text, 'desired: 9')} timeline[4].scaleAsg.desired: desired must be between the ASG's minSize 0 and maxSize 4, got 9`,
      `${lineOf(text, 'service: wbe')} timeline[5].setDesiredCount.service: service "wbe" is not declared in cluster prod`,
      `${lineOf(text, 'cluster: staging')} expect[0].serviceHealthy.cluster: cluster "staging" is not declared in the fleet`,
    ]);
  });

  it('needs a config (inline or a file) and exactly one action per timeline entry', () => {
    const text = scenarioText({ timeline: '  - at: 1m\n  - at: 2m\n    note: a\n    advance: { by: 1m }', expect: '  - noDeadLetters: true' });
    const withoutConfig = text.replace(/^config:\n(?: {2}.*\n)+/m, '');
    const messages = errorsOf(withoutConfig).map((e) => (e.path === '' ? e.message : `${e.path}: ${e.message}`));
    expect(messages).toEqual([
      'missing the ecs-ops config: add `config:` (inline) or `configFile: path`',
      expect.stringMatching(/^timeline\[0\]: each timeline entry needs one action: scaleAsg, terminateInstance, /) as unknown as string,
      'timeline[1]: one action per timeline entry (this one has advance and note)',
    ]);
  });

  it('reads configFile relative to the scenario, with errors located in the config file', () => {
    const dir = tempDir();
    const tour = readFileSync(TOUR, 'utf8');
    const head = tour.slice(tour.indexOf('\nfleet:') + 1);
    writeFileSync(join(dir, 'ops.yml'), 'version: 1\nclusters:\n  - name: prod\nnotifications:\n  channels:\n    - { name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }\n');
    writeFileSync(join(dir, 'good.yml'), `name: from-file\nconfigFile: ops.yml\n${head}`);
    const scenario = loadScenarioFile(join(dir, 'good.yml'), 'good.yml');
    expect(scenario.configFile).toBe(join(dir, 'ops.yml'));
    expect(scenario.config.clusters[0]?.name).toBe('prod');

    writeFileSync(join(dir, 'broken.yml'), 'version: 1\nclusters:\n  - name: prod\n    asg: []\nnotifications:\n  channels: []\n');
    writeFileSync(join(dir, 'bad.yml'), `name: from-file\nconfigFile: broken.yml\n${head}`);
    writeFileSync(join(dir, 'missing.yml'), `name: from-file\nconfigFile: nowhere.yml\n${head}`);
    const errors = (file: string) => {
      try {
        loadScenarioFile(join(dir, file), file);
      } catch (error) {
        if (error instanceof ScenarioLoadError) return error.errors.map((e) => `${e.file.endsWith('broken.yml') ? 'broken.yml' : e.file}:${e.line ?? '?'} ${e.path}: ${e.message}`);
        throw error;
      }
      throw new Error(`${file} loaded`);
    };
    expect(errors('bad.yml')).toEqual(['broken.yml:4 clusters[0].asg: unknown key "asg" (did you mean "asgs"?)', 'broken.yml:6 notifications.channels: expected at least 1 item, got 0']);
    expect(errors('missing.yml')[0]).toMatch(/^missing\.yml:2 configFile: config file not found: .*nowhere\.yml$/);
  });

  it('reports YAML syntax errors, an empty file and a missing file', () => {
    expect(formatScenarioErrors(errorsOf('name: x\nfleet: [\n'))[0]).toMatch(/^bad\.yml:3:1 YAML syntax error/);
    expect(formatScenarioErrors(errorsOf('# nothing\n'))).toEqual(['bad.yml:1:1 bad.yml is empty: a scenario needs at least name, config and fleet']);
    expect(() => loadScenarioFile(join(tempDir(), 'none.yml'), 'none.yml')).toThrow(/^none\.yml: scenario file not found: /);
  });
});

describe('auto-drain scenario additions', () => {
  it('reads runTask (defaults, pinned instance), event filters on detail, and the drain expectations', () => {
    const text = scenarioText({
      timeline: [
        '  - at: 1m',
        '    runTask: { cluster: prod, taskDefinition: worker, instance: { asg: prod-ecs-ondemand, index: 0 } }',
        '  - dropNextEvent: { detailType: ECS Container Instance State Change, detail: { status: DRAINING, runningTasksCount: 0 } }',
        '  - duplicateNextEvent: { detailType: EC2 Instance-terminate Lifecycle Action }',
      ].join('\n'),
      expect: [
        '  - lifecycleActionsCompleted: { all: true, hook: ecs-ops-drain, count: 2, maxHoldAfterEmpty: 0s }',
        '  - heartbeats: { hook: ecs-ops-drain, min: 2 }',
        '  - noLifecycleActionPastDeadline: { deadline: 16m }',
        '  - drainStarted: { within: 61s, trigger: spot-interruption }',
        '  - tasksKilledOnlyWhenForced: true',
      ].join('\n'),
    });
    const result = parseScenario(text, 'x.yml');
    if (!result.ok) throw new Error(formatScenarioErrors(result.errors).join('\n'));
    const { timeline, expectations } = result.scenario;
    expect(timeline[0]?.action).toEqual({ type: 'runTask', cluster: 'prod', taskDefinition: 'worker', count: 1, instance: { asg: 'prod-ecs-ondemand', index: 0 } });
    expect(timeline[1]?.action).toEqual({ type: 'dropNextEvent', detailType: 'ECS Container Instance State Change', detail: { status: 'DRAINING', runningTasksCount: 0 } });
    expect(expectations.map((e) => e.expectation)).toEqual([
      { type: 'lifecycleActionsCompleted', params: { all: true, hook: 'ecs-ops-drain', count: 2, maxHoldAfterEmpty: 0 } },
      { type: 'heartbeats', params: { hook: 'ecs-ops-drain', min: 2 } },
      { type: 'noLifecycleActionPastDeadline', params: { deadline: 960_000 } },
      { type: 'drainStarted', params: { within: 61_000, trigger: 'spot-interruption' } },
      { type: 'tasksKilledOnlyWhenForced', params: true },
    ]);
  });

  it('cross-checks runTask: cluster, task definition, the ASG and its cluster, the count', () => {
    const text = scenarioText({
      timeline: [
        '  - at: 1m',
        '    runTask: { cluster: staging, taskDefinition: worker }',
        '  - runTask: { cluster: prod, taskDefinition: batch, count: 11 }',
        '  - runTask: { cluster: prod, taskDefinition: worker, instance: { asg: prod-ecs-nope, index: 0 } }',
      ].join('\n'),
      expect: '  - heartbeats: { min: 3, max: 1 }',
    });
    expect(formatScenarioErrors(errorsOf(text))).toEqual([
      `bad.yml:${lineOf(text, 'cluster: staging')}:25 timeline[0].runTask.cluster: cluster "staging" is not declared in the fleet`,
      `bad.yml:${lineOf(text, 'taskDefinition: batch')}:47 timeline[1].runTask.taskDefinition: task definition family "batch" is not declared under fleet.taskDefinitions`,
      `bad.yml:${lineOf(text, 'count: 11')}:61 timeline[1].runTask.count: expected a number <= 10, got 11`,
      `bad.yml:${lineOf(text, 'prod-ecs-nope')}:72 timeline[2].runTask.instance.asg: ASG "prod-ecs-nope" is not declared in the fleet`,
      `bad.yml:${lineOf(text, 'max: 1')}:32 expect[0].heartbeats.max: max is below min, got 1`,
    ]);
  });
});
