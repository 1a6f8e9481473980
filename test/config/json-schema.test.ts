import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema, JSON_SCHEMA_PATH, renderConfigJsonSchema } from '../../lib/config/json-schema.js';
import { DURATION_PATTERN, durationSeconds } from '../../lib/config/schema.js';
import { checkJsonSchema } from './json-schema-check.js';

const ROOT = join(import.meta.dirname, '../..');
const exampleText = readFileSync(join(ROOT, 'ecs-ops.config.example.yml'), 'utf8');
const example = parse(exampleText, { merge: true }) as unknown;

describe('JSON Schema for editors', () => {
  it(`is committed up to date in ${JSON_SCHEMA_PATH} (run \`npm run schema\` after changing lib/config/schema.ts)`, () => {
    expect(readFileSync(join(ROOT, JSON_SCHEMA_PATH), 'utf8')).toBe(renderConfigJsonSchema());
  });

  it('is a draft 2020-12 schema requiring the top-level sections without defaults', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, JSON_SCHEMA_PATH), 'utf8')) as Record<string, unknown>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['version', 'clusters', 'notifications']);
    expect(Object.keys(schema.properties as object)).toEqual(['version', 'region', 'clusters', 'notifications', 'alerts', 'drain', 'placement', 'schedules', 'summary', 'alarms']);
  });

  it('is referenced by the example config', () => {
    expect(exampleText.split('\n')[0]).toBe(`# yaml-language-server: $schema=./${JSON_SCHEMA_PATH}`);
  });

  it('accepts the example config', () => {
    expect(checkJsonSchema(configJsonSchema(), example)).toEqual([]);
  });

  it('flags typical mistakes', () => {
    const broken = structuredClone(example) as { alerts: Record<string, unknown>; drain: Record<string, unknown>; notifications: { channels: Record<string, unknown>[] } };
    broken.alerts.dedupeWindw = '15m';
    broken.drain.standaloneTasks = 'drain';
    broken.drain.deadline = '1 hour';
    broken.notifications.channels[2]!.type = 'email';
    const errors = checkJsonSchema(configJsonSchema(), broken);
    expect(errors).toContain('/alerts: unknown property "dedupeWindw"');
    expect(errors).toContain('/drain/standaloneTasks: not in enum: "drain"');
    expect(errors).toContain('/drain/deadline: matches 0 oneOf branches, expected exactly 1');
    expect(errors).toContain('/notifications/channels/2: matches 0 oneOf branches, expected exactly 1');
  });

  it('describes durations as seconds or a string with a unit, bounds and default included', () => {
    const schema = configJsonSchema() as { properties: { alerts: { properties: { dedupeWindow: unknown } } } };
    expect(schema.properties.alerts.properties.dedupeWindow).toEqual({
      description:
        'The same alert (same kind, cluster, service or ASG and reason) is posted once per this window. ' +
        'A duration: a whole number of seconds, or a number with a unit s, m, h or d (90s, 15m, 2h, 1d); between 1m and 7d.',
      oneOf: [
        { type: 'integer', minimum: 60, maximum: 604800 },
        { type: 'string', pattern: '^\\s*(\\d+)\\s*(s|m|h|d)?\\s*$' },
      ],
      default: '15m',
    });
  });

  it('has a duration pattern that agrees with the parser', () => {
    const pattern = new RegExp(`^\\s*${DURATION_PATTERN.source.slice(1, -1)}\\s*$`, 'u');
    for (const text of ['90s', '15m', '2h', '1d', '120', ' 5 m ', '15 minutes', '1.5h', '-1m', '2w', '', 'h']) {
      expect(pattern.test(text), text).toBe(durationSeconds.safeParse(text).success);
    }
  });
});
