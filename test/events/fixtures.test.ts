import { describe, expect, it } from 'vitest';
import { KNOWN_EVENT_KINDS, parseEvent, parseKnownEvent } from '../../lib/events/index.js';
import { FIXTURES, SCHEMAS, detailOf, fixture, fixtureFiles } from './support.js';

const eventBridgeFixtures = Object.entries(FIXTURES).filter(([, kind]) => kind !== 'asg-sns-notification');

describe('event fixtures', () => {
  it('maps every fixture file to a kind, and only existing files', () => {
    // A new sample in test/fixtures/events must be given a kind in FIXTURES (and a stale entry is an error too).
    expect(Object.keys(FIXTURES).sort()).toEqual(fixtureFiles());
  });

  it('has at least one fixture of every kind parseKnownEvent routes', () => {
    const covered = new Set(Object.values(FIXTURES));
    expect(KNOWN_EVENT_KINDS.filter((kind) => !covered.has(kind))).toEqual([]);
  });

  it.each(Object.entries(FIXTURES))('%s parses with the %s schema', (file, kind) => {
    const input = fixture(file);
    const result = parseEvent(SCHEMAS[kind], input);
    if (!result.ok) throw result.error; // shows the failing paths
    // Nothing is dropped or renamed: loose objects pass every AWS field through.
    expect(result.event).toMatchObject(kind === 'scheduler' ? { ...input, detail: {} } : input);
  });

  it.each(eventBridgeFixtures)('parseKnownEvent routes %s to %s', (file, kind) => {
    const result = parseKnownEvent(fixture(file));
    if (!result.ok) throw result.error;
    expect(result.event.kind).toBe(kind);
  });

  it('rejects the SNS message body as an EventBridge event, naming source and detail-type', () => {
    const result = parseKnownEvent(fixture('asg-sns-notification-launch-target-tracking'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues.map((issue) => issue.path)).toEqual(['source', 'detail-type']);
  });

  it.each(eventBridgeFixtures)('%s keeps fields AWS may add, at top level and in detail', (file) => {
    const input = fixture(file);
    input['x-new-top-level'] = { nested: [1, 2] };
    if (typeof input.detail === 'string') input.detail = JSON.stringify({ newDetailField: 'kept' });
    else detailOf(input).newDetailField = 'kept';
    const result = parseKnownEvent(input);
    if (!result.ok) throw result.error;
    const event = result.event.event as Record<string, unknown>;
    expect(event['x-new-top-level']).toEqual({ nested: [1, 2] });
    expect((event.detail as Record<string, unknown>).newDetailField).toBe('kept');
  });

  it('keeps extra fields of the SNS notification and of nested objects', () => {
    const input = fixture('asg-sns-notification-launch-target-tracking');
    input.NewField = 1;
    (input.Details as Record<string, unknown>).Extra = 'x';
    const result = parseEvent(SCHEMAS['asg-sns-notification'], input);
    if (!result.ok) throw result.error;
    expect(result.event).toMatchObject({ NewField: 1, Details: { Extra: 'x' } });
  });
});
