import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigLoadError, ConfigSchema, formatConfigErrors, loadConfigFile, parseConfig, type ConfigError, type EcsOpsConfig } from '../../lib/config/index.js';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'ecs-ops.config.example.yml');

/** Lines 1-8: a minimal valid config; tests append sections from line 9. */
const MINIMAL = `version: 1
clusters:
  - name: prod
notifications:
  channels:
    - name: ops
      type: slack
      webhookParameter: /ecs-ops/slack/ops
`;

function valid(text: string): EcsOpsConfig {
  const result = parseConfig(text, 'test.yml');
  if (!result.ok) throw new Error(`expected a valid config, got:\n${formatConfigErrors(result.errors, 'test.yml').join('\n')}`);
  return result.config;
}

function errorsOf(text: string): ConfigError[] {
  const result = parseConfig(text, 'test.yml');
  if (result.ok) throw new Error('expected errors, the config is valid');
  return result.errors;
}

function onlyError(text: string): ConfigError {
  const errors = errorsOf(text);
  expect(errors, formatConfigErrors(errors, 'test.yml').join('\n')).toHaveLength(1);
  return errors[0]!;
}

describe('the example config', () => {
  it('parses, with every section filled in', () => {
    const config = valid(readFileSync(EXAMPLE, 'utf8'));
    expect(config.clusters.map((c) => c.name)).toEqual(['prod', 'staging']);
    expect(config.clusters[0]!.asgs).toEqual([
      { name: 'prod-ecs-ondemand', lifecycleHook: 'ecs-ops-drain', drain: true },
      { name: 'prod-ecs-spot', lifecycleHook: 'ecs-ops-drain', drain: true },
    ]);
    expect(config.notifications.channels.map((c) => [c.name, c.type, c.severities])).toEqual([
      ['ops', 'slack', ['critical', 'warning', 'info']],
      ['prod-oncall', 'slack', ['critical']],
      ['pager', 'sns', ['critical']],
    ]);
    expect(config.notifications.channels[1]!.clusters).toEqual(['prod']);
    expect(config.notifications.channels[2]).toMatchObject({ topicArn: 'arn:aws:sns:us-east-1:123456789012:ecs-ops-critical' });
    expect(config.alerts.dedupeWindow).toBe(900);
    expect(config.drain).toMatchObject({ deadline: 3600, standaloneTasks: 'wait', spotInterruption: true, rebalanceRecommendation: 'ignore' });
    expect(config.placement.dryRun).toBe(true);
    expect(config.placement.policies[0]!.rules).toEqual({ azBalance: { maxSkew: 1 }, instanceMatch: 'attribute:ecs.instance-type =~ c5.*' });
    const nightly = config.schedules.find((s) => s.name === 'nightly-report')!;
    expect(nightly).toMatchObject({ schedule: 'cron(0 3 * * ? *)', timezone: 'Europe/Paris', cluster: 'prod', launchType: 'FARGATE', concurrency: 'forbid' });
    expect(nightly.retries.on).toEqual(['capacity', 'nonZeroExit']);
    expect(config.summary.digest).toBeDefined();
  });

  it('parses to a value the schema accepts again (the functions receive it as this JSON, validated once at package time)', () => {
    const config = valid(readFileSync(EXAMPLE, 'utf8'));
    expect(ConfigSchema.parse(JSON.parse(JSON.stringify(config)))).toEqual(config);
  });
});

describe('defaults', () => {
  it('fills every optional section', () => {
    const config = valid(MINIMAL);
    expect(config.clusters[0]!.asgs).toEqual([]);
    expect(config.notifications.channels[0]!.severities).toEqual(['critical', 'warning', 'info']);
    expect(config.alerts).toEqual({ dedupeWindow: 900, ignore: [], severity: {} });
    expect(config.drain).toEqual({ deadline: 3600, standaloneTasks: 'wait', spotInterruption: true, rebalanceRecommendation: 'ignore', notifyStart: false, managedDraining: 'observe' });
    expect(config.placement).toEqual({ dryRun: true, auditEvery: 900, policies: [], minTaskAge: 600, maxStopsPerCluster: 2, cooldown: 600 });
    expect(config.schedules).toEqual([]);
    expect(config.summary).toEqual({});
  });

  it('fills ASG and schedule defaults', () => {
    const config = valid(`${MINIMAL}schedules:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    cluster: prod
    taskDefinition: report
`.replace('  - name: prod\n', '  - name: prod\n    asgs:\n      - name: prod-asg\n'));
    expect(config.clusters[0]!.asgs).toEqual([{ name: 'prod-asg', lifecycleHook: 'ecs-ops-drain', drain: true }]);
    expect(config.schedules[0]).toMatchObject({
      timezone: 'UTC',
      count: 1,
      concurrency: 'forbid',
      tags: {},
      suspend: false,
      retries: { attempts: 0, backoffSeconds: 60, on: ['capacity'] },
      notify: { onFailure: true, onSuccess: false },
    });
  });

  it('parses durations to seconds', () => {
    const config = valid(`${MINIMAL}alerts:
  dedupeWindow: 2h
drain:
  deadline: 90m
placement:
  auditEvery: 300
`);
    expect(config.alerts.dedupeWindow).toBe(7200);
    expect(config.drain.deadline).toBe(5400);
    expect(config.placement.auditEvery).toBe(300);
  });

  it('keeps `on` a string key (YAML 1.2), as retries.on needs', () => {
    const config = valid(`${MINIMAL}schedules:
  - name: s
    schedule: rate(1 hour)
    cluster: prod
    taskDefinition: t
    retries:
      attempts: 2
      on: [nonZeroExit]
`);
    expect(config.schedules[0]!.retries.on).toEqual(['nonZeroExit']);
  });
});

describe('errors: path, line, column and a readable message', () => {
  it('YAML syntax error', () => {
    const error = onlyError(`version: 1
clusters:
  - name: prod
    asgs: [a, b
notifications: {}
`);
    expect(error.path).toBe('');
    expect(error.line).toBe(5);
    expect(error.column).toBe(1);
    expect(error.message).toMatch(/^YAML syntax error: flow sequence .* must be sufficiently indented and end with a \]$/);
  });

  it('YAML syntax error: nested mapping on one line', () => {
    const error = onlyError('version: 1\nclusters: name: prod\n');
    expect(error).toMatchObject({ line: 2, column: 11 });
    expect(error.message).toMatch(/^YAML syntax error: nested mappings are not allowed in compact mappings/);
  });

  it('duplicate key', () => {
    const error = onlyError(`${MINIMAL}drain:
  deadline: 1h
  deadline: 2h
`);
    expect(error).toEqual({
      path: 'drain.deadline',
      line: 11,
      column: 3,
      message: 'duplicate key "deadline" (first set on line 10): each key may appear once in a mapping',
    });
  });

  it('wrong type', () => {
    const error = onlyError(`version: 1
clusters: prod
notifications:
  channels:
    - name: ops
      type: slack
      webhookParameter: /x
`);
    expect(error).toEqual({ path: 'clusters', line: 2, column: 11, message: 'expected a list, got "prod"' });
  });

  it('wrong type: empty value points at the key', () => {
    const error = onlyError(`${MINIMAL}drain:
  spotInterruption:
`);
    expect(error).toEqual({ path: 'drain.spotInterruption', line: 10, column: 3, message: 'expected true or false, got an empty value' });
  });

  it('wrong type: a fraction where a whole number is expected', () => {
    const error = onlyError(`${MINIMAL}placement:
  policies:
    - name: spread
      select: {}
      rules:
        azBalance: { maxSkew: 1.5 }
`);
    expect(error).toEqual({ path: 'placement.policies[0].rules.azBalance.maxSkew', line: 14, column: 31, message: 'expected a whole number, got 1.5' });
  });

  it('bad enum value', () => {
    const error = onlyError(`${MINIMAL}drain:
  standaloneTasks: drain
`);
    expect(error).toEqual({ path: 'drain.standaloneTasks', line: 10, column: 20, message: 'expected one of "wait" | "stop", got "drain"' });
  });

  it('bad enum value with a near miss', () => {
    const error = onlyError(`${MINIMAL}schedules:
  - name: s
    schedule: rate(1 hour)
    cluster: prod
    taskDefinition: t
    launchType: fargate
`);
    expect(error).toMatchObject({ path: 'schedules[0].launchType', line: 14, column: 17 });
    expect(error.message).toBe('expected one of "EC2" | "FARGATE" | "EXTERNAL", got "fargate" (did you mean "FARGATE"?)');
  });

  it('bad enum value inside a list', () => {
    const error = onlyError(MINIMAL.replace('webhookParameter: /ecs-ops/slack/ops', 'webhookParameter: /x\n      severities: [critical, fatal]'));
    expect(error).toEqual({
      path: 'notifications.channels[0].severities[1]',
      line: 9,
      column: 30,
      message: 'expected one of "critical" | "warning" | "info", got "fatal"',
    });
  });

  it('unknown key (typo) points at the key and names it', () => {
    const error = onlyError(`${MINIMAL}alerts:
  dedupeWindw: 15m
`);
    expect(error).toEqual({ path: 'alerts.dedupeWindw', line: 10, column: 3, message: 'unknown key "dedupeWindw" (did you mean "dedupeWindow"?)' });
  });

  it('unknown key without a near miss lists the valid keys', () => {
    const error = onlyError(`${MINIMAL}drain:
  timeout: 1h
`);
    expect(error.path).toBe('drain.timeout');
    expect(error).toMatchObject({ line: 10, column: 3 });
    expect(error.message).toBe('unknown key "timeout"; expected one of deadline, standaloneTasks, spotInterruption, rebalanceRecommendation, notifyStart, managedDraining');
  });

  it('unknown key in a channel (discriminated union member)', () => {
    const error = onlyError(MINIMAL.replace('type: slack', 'type: slack\n      webhookUrl: https://hooks.slack.com/x'));
    expect(error).toMatchObject({ path: 'notifications.channels[0].webhookUrl', line: 8, column: 7 });
    expect(error.message).toBe('unknown key "webhookUrl" (did you mean "webhookParameter"?)');
  });

  it('unknown alert kind in alerts.severity', () => {
    const error = onlyError(`${MINIMAL}alerts:
  severity:
    deployment-faild: critical
`);
    expect(error).toEqual({
      path: 'alerts.severity["deployment-faild"]',
      line: 11,
      column: 5,
      message: 'unknown key "deployment-faild" (did you mean "deployment-failed"?)',
    });
  });

  it('missing required key points at the mapping that should hold it', () => {
    const error = onlyError(`${MINIMAL}    - name: pager
      type: sns
`);
    expect(error).toEqual({ path: 'notifications.channels[1].topicArn', line: 9, column: 7, message: 'missing required key "topicArn" (expected a string)' });
  });

  it('missing top-level section', () => {
    const error = onlyError('version: 1\nclusters:\n  - name: prod\n');
    expect(error).toEqual({ path: 'notifications', line: 1, column: 1, message: 'missing required key "notifications" (expected a mapping)' });
  });

  it('missing or unknown channel type says which types are valid', () => {
    const errors = errorsOf(`${MINIMAL}    - name: email
      type: email
    - name: nameless
      topicArn: arn:aws:sns:us-east-1:123456789012:t
`);
    expect(errors).toEqual([
      { path: 'notifications.channels[1].type', line: 10, column: 13, message: 'unknown type "email": expected one of "slack" | "sns"' },
      { path: 'notifications.channels[2].type', line: 11, column: 7, message: 'missing required key "type": expected one of "slack" | "sns"' },
    ]);
  });

  it('bad SNS topic ARN', () => {
    const error = onlyError(`${MINIMAL}    - name: pager
      type: sns
      topicArn: arn:aws:sns:us-east-1:ecs-ops
`);
    expect(error).toEqual({
      path: 'notifications.channels[1].topicArn',
      line: 11,
      column: 17,
      message: 'expected an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:ecs-ops-alerts, got "arn:aws:sns:us-east-1:ecs-ops"',
    });
  });

  it('bad duration string', () => {
    const error = onlyError(`${MINIMAL}alerts:
  dedupeWindow: 15 minutes
`);
    expect(error).toEqual({
      path: 'alerts.dedupeWindow',
      line: 10,
      column: 17,
      message: 'invalid duration "15 minutes": write a number with a unit s, m, h or d, e.g. 90s, 15m, 2h',
    });
  });

  it('duration of the wrong type', () => {
    const error = onlyError(`${MINIMAL}drain:
  deadline: true
`);
    expect(error).toEqual({
      path: 'drain.deadline',
      line: 10,
      column: 13,
      message: 'expected a duration like 90s, 15m, 2h or 1d (or a whole number of seconds), got true',
    });
  });

  it('duration out of range is reported in duration units', () => {
    const error = onlyError(`${MINIMAL}drain:
  deadline: 3d
`);
    expect(error).toEqual({ path: 'drain.deadline', line: 10, column: 13, message: 'expected a duration of at most 2d, got "3d"' });
  });

  it('empty list where at least one item is needed', () => {
    const error = onlyError('version: 1\nclusters: []\nnotifications:\n  channels:\n    - name: ops\n      type: slack\n      webhookParameter: /x\n');
    expect(error).toEqual({ path: 'clusters', line: 2, column: 11, message: 'expected at least 1 item, got 0' });
  });

  it('duplicate channel names', () => {
    const errors = errorsOf(`${MINIMAL}    - name: ops
      type: sns
      topicArn: arn:aws:sns:us-east-1:123456789012:ecs-ops
`);
    expect(errors).toEqual([
      { path: 'notifications.channels[0].name', line: 6, column: 13, message: 'duplicate channel name "ops"' },
      { path: 'notifications.channels[1].name', line: 9, column: 13, message: 'duplicate channel name "ops"' },
    ]);
  });

  it('schedule referencing an undeclared cluster', () => {
    const error = onlyError(`${MINIMAL}schedules:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    cluster: prd
    taskDefinition: report
`);
    expect(error).toEqual({ path: 'schedules[0].cluster', line: 12, column: 14, message: 'cluster "prd" is not declared under clusters' });
  });

  it('launchType and capacityProviderStrategy together', () => {
    const error = onlyError(`${MINIMAL}schedules:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    cluster: prod
    taskDefinition: report
    launchType: EC2
    capacityProviderStrategy:
      - capacityProvider: spot
`);
    expect(error).toEqual({
      path: 'schedules[0].capacityProviderStrategy',
      line: 16,
      column: 7,
      message: 'launchType and capacityProviderStrategy cannot both be set (RunTask refuses it)',
    });
  });

  it('invalid time zone', () => {
    const error = onlyError(`${MINIMAL}schedules:
  - name: nightly
    schedule: cron(0 3 * * ? *)
    timezone: Europe/Pariss
    cluster: prod
    taskDefinition: report
`);
    expect(error).toEqual({ path: 'schedules[0].timezone', line: 12, column: 15, message: 'unknown IANA time zone, got "Europe/Pariss"' });
  });

  it('wrong version', () => {
    const error = onlyError(MINIMAL.replace('version: 1', 'version: 2'));
    expect(error).toEqual({ path: 'version', line: 1, column: 10, message: 'expected 1, got 2' });
  });

  it('several errors come sorted by position', () => {
    const errors = errorsOf(`${MINIMAL}drain:
  standaloneTasks: drain
alerts:
  dedupeWindw: 15m
`.replace('version: 1', 'version: 3'));
    expect(errors.map((e) => [e.line, e.path])).toEqual([
      [1, 'version'],
      [10, 'drain.standaloneTasks'],
      [12, 'alerts.dedupeWindw'],
    ]);
  });

  it('errors inside a `<<` merge point at the merged mapping', () => {
    const error = onlyError(`version: 1
clusters:
  - name: prod
notifications:
  channels:
    - &slack
      name: ops
      type: slack
      webhookParameter: /x
    - <<: *slack
      name: ops2
      severities: [fatal]
`);
    expect(error).toMatchObject({ path: 'notifications.channels[1].severities[0]', line: 12, column: 20 });
  });

  it('an empty file', () => {
    expect(errorsOf('# nothing yet\n')).toEqual([
      { path: '', line: 1, column: 1, message: 'test.yml is empty: it needs at least version, clusters and notifications' },
    ]);
  });

  it('a file that is not a mapping', () => {
    expect(errorsOf('- version: 1\n')).toEqual([{ path: '', line: 1, column: 1, message: 'expected a mapping at the top of the file, got a list' }]);
  });
});

describe('formatConfigErrors', () => {
  it('prints file:line:column path: message', () => {
    expect(
      formatConfigErrors(
        [
          { path: 'notifications.channels[1].topicArn', line: 12, column: 7, message: 'expected an SNS topic ARN' },
          { path: '', line: 3, column: 1, message: 'YAML syntax error: oops' },
          { path: '', message: 'config file not found: /x/ecs-ops.config.yml' },
        ],
        'ecs-ops.config.yml',
      ),
    ).toEqual([
      'ecs-ops.config.yml:12:7 notifications.channels[1].topicArn: expected an SNS topic ARN',
      'ecs-ops.config.yml:3:1 YAML syntax error: oops',
      'ecs-ops.config.yml: config file not found: /x/ecs-ops.config.yml',
    ]);
  });
});

describe('loadConfigFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-ops-config-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns the config and the text', () => {
    const loaded = loadConfigFile(EXAMPLE);
    expect(loaded.path).toBe(EXAMPLE);
    expect(loaded.text).toBe(readFileSync(EXAMPLE, 'utf8'));
    expect(loaded.config.clusters).toHaveLength(2);
  });

  it('throws ConfigLoadError naming a missing file', () => {
    const missing = join(dir, 'nope.yml');
    let caught: unknown;
    try {
      loadConfigFile(missing);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigLoadError);
    const error = caught as ConfigLoadError;
    expect(error.errors).toEqual([{ path: '', message: `config file not found: ${missing}` }]);
    expect(error.message).toBe(`${missing}: config file not found: ${missing}`);
  });

  it('throws ConfigLoadError with located errors for an invalid file', () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, `${MINIMAL}drain:\n  standaloneTasks: drain\n`);
    expect(() => loadConfigFile(file)).toThrow(ConfigLoadError);
    expect(() => loadConfigFile(file)).toThrow(`${file}:10:20 drain.standaloneTasks: expected one of "wait" | "stop", got "drain"`);
  });
});
