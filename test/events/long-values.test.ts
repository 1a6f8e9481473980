/**
 * Errors about bad events stay readable whatever the event carries: envelope values (id, source, detail-type) are
 * cut in messages and fields, and a message lists at most MAX_LISTED_ISSUES issues (all are kept in `issues`).
 */
import { describe, expect, it } from 'vitest';
import { MAX_ENVELOPE_VALUE, MAX_LISTED_ISSUES } from '../../lib/events/errors.js';
import { parseKnownEvent } from '../../lib/events/index.js';
import { fixtureEvent } from '../support/fixtures.js';

describe('errors about huge or many-times-bad events', () => {
  it('cut a huge detail-type, source and id', () => {
    const event = fixtureEvent('ecs-deployment-failed');
    const huge = 'A'.repeat(100_000);
    Object.assign(event, { 'detail-type': `X${huge}`, source: `aws.${huge}`, id: `id-${huge}` });
    const result = parseKnownEvent(event);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message.length).toBeLessThan(4 * MAX_ENVELOPE_VALUE);
    expect(result.error.message).toContain('unknown event type: detail-type "XAAA');
    expect(result.error.detailType).toHaveLength(MAX_ENVELOPE_VALUE + 1);
    expect(result.error.eventId?.endsWith('…')).toBe(true);
  });

  it('list the first issues of an array bad in every element, and count the rest', () => {
    const event = fixtureEvent('ecs-task-state-change-stopped');
    (event.detail as { containers: unknown[] }).containers = Array.from({ length: 500 }, () => ({ exitCode: 'not a number' }));
    const result = parseKnownEvent(event);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues.length).toBeGreaterThan(MAX_LISTED_ISSUES);
    expect(result.error.message).toMatch(new RegExp(`; and ${result.error.issues.length - MAX_LISTED_ISSUES} more$`));
    expect(result.error.message.length).toBeLessThan(4_000);
  });
});
