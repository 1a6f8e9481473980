import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SLACK_MAX_BLOCKS,
  SLACK_MAX_FIELD_CHARS,
  SLACK_MAX_HEADER_CHARS,
  SLACK_MAX_SECTION_FIELDS,
  SLACK_MAX_SECTION_TEXT_CHARS,
  SLACK_MAX_TOTAL_BLOCK_CHARS,
  TRUNCATION_MARKER,
  blockTextLength,
  escapeSlack,
  renderSlack,
  slackFallbackText,
  slackLimitViolations,
  truncateText,
  type Block,
  type SectionBlock,
} from '../../lib/notify/slack-render.js';
import { SEVERITIES } from '../../lib/notify/types.js';
import { sampleNotification } from './support.js';

const sections = (blocks: Block[]): SectionBlock[] => blocks.filter((b): b is SectionBlock => b.type === 'section');
const allText = (blocks: Block[]): string => JSON.stringify(blocks);

describe('renderSlack', () => {
  it('renders header, summary, fields, details, links and context, with a top-level text', () => {
    const message = renderSlack(sampleNotification());
    expect(message.text).toBe(
      '🚨 CRITICAL: Tasks cannot be placed: web on prod — ECS could not place 2 tasks of service web: no container instance met all requirements.',
    );
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '🚨 Tasks cannot be placed: web on prod', emoji: true } });
    const [summary, fields, details, links] = sections(message.blocks);
    expect(summary?.text?.text).toBe('ECS could not place 2 tasks of service web: no container instance met all requirements.');
    expect(fields?.fields?.map((f) => f.text)).toEqual(['*Cluster*\nprod', '*Service*\nweb', '*Reason*\nRESOURCE:MEMORY']);
    expect(details?.text?.text).toBe('task a1b2 needs 2048 MiB\ntask c3d4 needs 2048 MiB');
    expect(links?.text?.text).toBe(
      '🔗 <https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/health?region=us-east-1&amp;tab=events|Service in console>',
    );
    const context = message.blocks.at(-1);
    expect(context).toMatchObject({ type: 'context' });
    const elements = context?.type === 'context' ? context.elements.map((e) => e.text) : [];
    expect(elements).toEqual([
      '🕒 <!date^1714566896^{date_short_pretty} {time_secs}|2024-05-01T12:34:56.000Z>',
      '*Cluster:* prod',
      '*Service:* web',
      'ecs-ops · service-task-placement-failure',
    ]);
    expect(slackLimitViolations(message)).toEqual([]);
  });

  it.each(SEVERITIES)('puts the %s severity in the text and header', (severity) => {
    const message = renderSlack(sampleNotification({ severity }));
    expect(message.text).toContain(severity.toUpperCase());
    expect(message.blocks[0]?.type).toBe('header');
  });

  it('escapes <, > and & in every AWS string, so <!channel> cannot ping', () => {
    const evil = 'boom <!channel> <@U123> & <https://evil.example|click>';
    const message = renderSlack(
      sampleNotification({
        title: `title ${evil}`,
        summary: `summary ${evil}`,
        fields: [{ label: `label ${evil}`, value: `value ${evil}` }],
        details: [`detail ${evil}`],
        links: [{ text: `link ${evil}`, url: 'https://example.com/a?b=1&c=<2>|x' }],
        cluster: 'prod',
        service: `svc ${evil}`,
        kind: `kind ${evil}`,
      }),
    );
    const serialised = JSON.stringify(message);
    expect(serialised).not.toContain('<!channel>');
    expect(serialised).not.toContain('<@U123>');
    expect(serialised).not.toContain('<https://evil.example');
    expect(serialised).toContain('&lt;!channel&gt;');
    expect(message.text).toContain('&lt;!channel&gt; &lt;@U123&gt; &amp; &lt;https://evil.example|click&gt;');
    // The only '<' left are the link and date constructs ecs-ops writes itself.
    const constructs = serialised.match(/<[^>]*>/g) ?? [];
    expect(constructs.every((c) => c.startsWith('<https://example.com/') || c.startsWith('<!date^'))).toBe(true);
    expect(serialised).toContain('<https://example.com/a?b=1&amp;c=%3C2%3E%7Cx|link boom &lt;!channel&gt;');
    // mrkdwn carrying AWS text is verbatim: Slack does not auto-parse mentions in it.
    for (const section of sections(message.blocks)) {
      for (const text of [section.text, ...(section.fields ?? [])]) if (text) expect(text.verbatim).toBe(true);
    }
  });

  it('renders non-http links as text only', () => {
    const message = renderSlack(sampleNotification({ links: [{ text: 'weird', url: 'javascript:alert(1)' }] }));
    expect(allText(message.blocks)).not.toContain('javascript:alert(1)|');
    expect(sections(message.blocks).at(-1)?.text?.text).toBe('🔗 weird');
  });

  it('truncates huge content within every limit, with the marker', () => {
    const line = 'x'.repeat(190) + ' <&> ';
    const message = renderSlack(
      sampleNotification({
        title: 'T'.repeat(400),
        summary: 'S'.repeat(10_000),
        fields: [
          { label: 'Reason', value: 'R'.repeat(10_000) },
          ...Array.from({ length: 14 }, (_, i) => ({ label: `Field ${i}`, value: `value ${i} ` + 'v'.repeat(3000) })),
        ],
        details: Array.from({ length: 500 }, (_, i) => `${i}: ${line}`),
        links: Array.from({ length: 40 }, (_, i) => ({ text: `link ${i}`, url: `https://example.com/${i}/${'p'.repeat(200)}` })),
      }),
    );
    expect(slackLimitViolations(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_MAX_BLOCKS);
    expect(blockTextLength(message.blocks)).toBeLessThanOrEqual(SLACK_MAX_TOTAL_BLOCK_CHARS);
    const header = message.blocks[0];
    expect(header?.type === 'header' && header.text.text.length).toBeLessThanOrEqual(SLACK_MAX_HEADER_CHARS);
    expect(header?.type === 'header' && header.text.text.endsWith(TRUNCATION_MARKER)).toBe(true);
    const all = sections(message.blocks);
    expect(all[0]?.text?.text.endsWith(TRUNCATION_MARKER)).toBe(true);
    const fields = all.flatMap((s) => s.fields ?? []);
    expect(fields).toHaveLength(15);
    for (const s of all) {
      expect(s.fields?.length ?? 0).toBeLessThanOrEqual(SLACK_MAX_SECTION_FIELDS);
      expect(s.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_MAX_SECTION_TEXT_CHARS);
    }
    for (const f of fields) {
      expect(f.text.length).toBeLessThanOrEqual(SLACK_MAX_FIELD_CHARS);
      expect(f.text.endsWith(TRUNCATION_MARKER)).toBe(true);
    }
    // Details got some room and say how many lines were dropped; entities were never cut in half.
    const detailText = all.map((s) => s.text?.text ?? '').join('\n');
    expect(detailText).toMatch(/0: x+ &lt;&amp;&gt;/);
    expect(detailText).toMatch(/_… \(\d+ more lines truncated\)_/);
    expect(allText(message.blocks)).not.toMatch(/&(a|am|amp|l|lt|g|gt)(?![a-z;])/);
    expect(detailText).toMatch(/… \(\+\d+ more links\)/);
    expect(message.text.length).toBeLessThan(600);
  });

  it('keeps short content whole and gives details the rest of the budget', () => {
    const message = renderSlack(sampleNotification({ details: Array.from({ length: 500 }, (_, i) => `line ${i} ` + 'd'.repeat(200)) }));
    expect(slackLimitViolations(message)).toEqual([]);
    const detailSections = sections(message.blocks).filter((s) => s.text?.text.startsWith('line ') === true);
    expect(detailSections.length).toBeGreaterThan(2);
    const total = blockTextLength(message.blocks);
    expect(total).toBeGreaterThan(SLACK_MAX_TOTAL_BLOCK_CHARS - 400);
    expect(total).toBeLessThanOrEqual(SLACK_MAX_TOTAL_BLOCK_CHARS);
  });

  it('caps fields at 3 sections of 10 and says how many were dropped', () => {
    const message = renderSlack(sampleNotification({ fields: Array.from({ length: 45 }, (_, i) => ({ label: `F${i}`, value: `${i}` })) }));
    const fieldSections = sections(message.blocks).filter((s) => s.fields);
    expect(fieldSections.map((s) => s.fields?.length)).toEqual([10, 10, 10]);
    expect(fieldSections[2]?.fields?.[9]?.text).toBe('*…*\n16 more fields truncated');
  });

  it('never produces empty texts (empty title, summary, fields, details)', () => {
    const message = renderSlack(
      sampleNotification({ title: '  ', summary: '', fields: [{ label: '', value: '' }, { label: 'Empty', value: ' ' }], details: ['', '   '], links: [] }),
    );
    expect(slackLimitViolations(message)).toEqual([]);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: '🚨 service-task-placement-failure' } });
    expect(sections(message.blocks).flatMap((s) => s.fields ?? []).map((f) => f.text)).toEqual(['*Empty*\n-']);
  });

  it('stays within the limits for arbitrary notifications', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 4000 });
    const notification = fc.record({
      kind: fc.string({ maxLength: 80 }),
      severity: fc.constantFrom(...SEVERITIES),
      title: text,
      summary: text,
      fields: fc.array(fc.record({ label: fc.string({ maxLength: 60 }), value: text }), { maxLength: 40 }),
      links: fc.array(fc.record({ text: fc.string({ maxLength: 100 }), url: fc.oneof(fc.webUrl(), fc.string()) }), { maxLength: 15 }),
      details: fc.option(fc.array(fc.string({ unit: 'grapheme', maxLength: 3500 }), { maxLength: 120 }), { nil: undefined }),
      cluster: fc.option(fc.string({ maxLength: 255 }), { nil: undefined }),
      service: fc.option(fc.string({ maxLength: 255 }), { nil: undefined }),
      occurredAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
    });
    fc.assert(
      fc.property(notification, (n) => {
        const message = renderSlack(n);
        expect(slackLimitViolations(message)).toEqual([]);
        expect(message.text.isWellFormed()).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('truncateText', () => {
  it('does not split surrogate pairs or escaped entities', () => {
    expect(truncateText('ab😀cdefghijklmnopqrstuvwxyz', 16)).toBe('ab… (truncated)');
    const escaped = escapeSlack('abc<def');
    expect(truncateText(escaped + 'x'.repeat(30), 17)).toBe('abc… (truncated)');
    expect(truncateText('short', 10)).toBe('short');
  });
});

describe('slackFallbackText', () => {
  it('flattens the blocks into mrkdwn text', () => {
    const text = slackFallbackText(renderSlack(sampleNotification()));
    expect(text).toContain('*🚨 Tasks cannot be placed: web on prod*');
    expect(text).toContain('*Reason*\nRESOURCE:MEMORY');
    expect(text).toContain('task a1b2 needs 2048 MiB');
    expect(text).toContain('*Cluster:* prod');
  });
});
