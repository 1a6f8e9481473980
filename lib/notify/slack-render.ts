import type { Notification, NotificationField, NotificationLink, Severity } from './types.js';

/**
 * Slack Block Kit rendering of a {@link Notification} for incoming webhooks.
 *
 * Every interpolated string (AWS reasons, names, titles, …) is escaped (`&`, `<`, `>`), so text such as `<!channel>`
 * in a failure reason is displayed, never parsed as a mention; mrkdwn objects carrying such text are also `verbatim`, so
 * Slack does not auto-link names or mentions in them. Slack's limits are enforced by truncating with a visible marker.
 * Lengths are counted in UTF-16 code units (JavaScript `length`), which is never less than Slack's character count.
 */

/** At most 50 blocks per message. */
export const SLACK_MAX_BLOCKS = 50;
/** Header block text (plain_text). */
export const SLACK_MAX_HEADER_CHARS = 150;
/** Section block `text`. */
export const SLACK_MAX_SECTION_TEXT_CHARS = 3000;
/** Items in a section's `fields`. */
export const SLACK_MAX_SECTION_FIELDS = 10;
/** Each section field's text. */
export const SLACK_MAX_FIELD_CHARS = 2000;
/** Elements of a context block. */
export const SLACK_MAX_CONTEXT_ELEMENTS = 10;
/** Each context element's text (a text object's limit). */
export const SLACK_MAX_CONTEXT_ELEMENT_CHARS = 3000;
/** Budget for all text in all blocks together (Slack answers `msg_blocks_too_long` well before 50 full blocks). */
export const SLACK_MAX_TOTAL_BLOCK_CHARS = 12_000;
/** Top-level `text`. */
export const SLACK_MAX_MESSAGE_TEXT_CHARS = 40_000;
/** How much of the summary goes into the top-level `text` (what push notifications show). */
export const SLACK_NOTIFICATION_SUMMARY_CHARS = 300;
/** Field sections rendered at most (each holds {@link SLACK_MAX_SECTION_FIELDS} fields). */
export const SLACK_MAX_FIELD_SECTIONS = 3;
/** Appended wherever text was cut. */
export const TRUNCATION_MARKER = '… (truncated)';

export interface PlainTextObject {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface MrkdwnTextObject {
  type: 'mrkdwn';
  text: string;
  verbatim?: boolean;
}

export interface HeaderBlock {
  type: 'header';
  text: PlainTextObject;
}

export interface SectionBlock {
  type: 'section';
  text?: MrkdwnTextObject;
  fields?: MrkdwnTextObject[];
}

export interface ContextBlock {
  type: 'context';
  elements: MrkdwnTextObject[];
}

export type Block = HeaderBlock | SectionBlock | ContextBlock;

/** The JSON body posted to an incoming webhook. */
export interface SlackMessage {
  /** Always set: notification / accessibility text, and the fallback when blocks cannot be shown. */
  text: string;
  blocks: Block[];
}

export const SEVERITY_EMOJI: Record<Severity, string> = { critical: '🚨', warning: '⚠️', info: 'ℹ️' };
export const SEVERITY_LABEL: Record<Severity, string> = { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' };

/** Reserved in the details budget for the "N more lines" marker. */
const DETAILS_MARKER_RESERVE = 64;
/** Details keep at least this much room (when they exist) even when summary and fields are huge. */
const DETAILS_MIN_CHARS = 600;
const LINK_SEPARATOR = '  •  ';
const LINKS_PREFIX = '🔗 ';

/** Escapes the three characters Slack parses as control sequences. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Normalises line ends, replaces lone surrogates and drops control characters other than newline and tab. */
export function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.toWellFormed().replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
}

/** {@link cleanText}, then every run of white space (line breaks included) becomes one space. */
export function oneLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

/** Index at or before `index` that splits neither a surrogate pair nor an HTML entity produced by {@link escapeSlack}. */
function safeCut(text: string, index: number): number {
  let cut = Math.max(0, Math.min(index, text.length));
  if (cut > 0 && cut < text.length) {
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  }
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp !== -1 && cut - amp < 5) {
    const entity = text.startsWith('&amp;', amp) ? 5 : text.startsWith('&lt;', amp) || text.startsWith('&gt;', amp) ? 4 : 1;
    if (amp + entity > cut) cut = amp;
  }
  return cut;
}

/**
 * Cuts `text` to at most `max` characters, ending with `marker` when anything was removed. Never splits a surrogate
 * pair or an escaped entity.
 */
export function truncateText(text: string, max: number, marker: string = TRUNCATION_MARKER): string {
  if (text.length <= max) return text;
  if (max <= marker.length) return text.slice(0, safeCut(text, max));
  return text.slice(0, safeCut(text, max - marker.length)).trimEnd() + marker;
}

/** Distributes `capacity` over `demands`: small demands are met in full, large ones share the rest equally. */
function waterfill(demands: number[], capacity: number): number[] {
  const allocation: number[] = demands.map(() => 0);
  const order = demands.map((_, i) => i).sort((a, b) => (demands[a] ?? 0) - (demands[b] ?? 0));
  let left = Math.max(0, capacity);
  let pending = order.length;
  for (const i of order) {
    const give = Math.min(demands[i] ?? 0, Math.floor(left / pending));
    allocation[i] = give;
    left -= give;
    pending -= 1;
  }
  return allocation;
}

function mrkdwn(text: string): MrkdwnTextObject {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** `<url|text>` for http(s) URLs (escaped, `|` percent-encoded); just the escaped text for anything else. */
export function renderLink(link: NotificationLink): string {
  const text = oneLine(link.text);
  let url: URL | undefined;
  try {
    url = new URL(link.url.trim());
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return escapeSlack(text || oneLine(link.url));
  const href = escapeSlack(url.href.replace(/\|/g, '%7C'));
  return `<${href}|${escapeSlack(text || url.hostname)}>`;
}

function renderField(field: NotificationField): string | undefined {
  const label = oneLine(field.label);
  const value = escapeSlack(cleanText(field.value).trim());
  if (!label && !value) return undefined;
  return label ? `*${escapeSlack(label)}*\n${value || '-'}` : value;
}

function metaElements(n: Notification): string[] {
  const elements: string[] = [];
  const ms = Date.parse(n.occurredAt);
  if (Number.isFinite(ms)) {
    const iso = new Date(ms).toISOString();
    elements.push(`🕒 <!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${iso}>`);
  } else if (oneLine(n.occurredAt)) {
    elements.push(truncateText(`🕒 ${escapeSlack(oneLine(n.occurredAt))}`, 120));
  }
  if (n.cluster && oneLine(n.cluster)) elements.push(truncateText(`*Cluster:* ${escapeSlack(oneLine(n.cluster))}`, 300));
  if (n.service && oneLine(n.service)) elements.push(truncateText(`*Service:* ${escapeSlack(oneLine(n.service))}`, 300));
  if (oneLine(n.kind)) elements.push(truncateText(`ecs-ops · ${escapeSlack(oneLine(n.kind))}`, 200));
  return elements.slice(0, SLACK_MAX_CONTEXT_ELEMENTS);
}

/** Joins whole links while they fit in `max`, then says how many were left out. */
function packLinks(links: string[], max: number): string {
  let text = '';
  for (let i = 0; i < links.length; i++) {
    const link = links[i] ?? '';
    const candidate = text ? text + LINK_SEPARATOR + link : link;
    const omittedAfter = links.length - i - 1;
    const note = omittedAfter > 0 ? ` … (+${omittedAfter} more links)` : '';
    if (candidate.length + note.length <= max) {
      text = candidate;
      continue;
    }
    const omitted = links.length - i;
    const marker = `${text ? ' ' : ''}… (+${omitted} more links)`;
    return text.length + marker.length <= max ? text + marker : text;
  }
  return text;
}

/** Packs detail lines into section texts within a character budget and a block count. */
function packDetails(lines: string[], budget: number, maxBlocks: number): string[] {
  if (lines.length === 0 || maxBlocks <= 0) return [];
  const chunks: string[] = [];
  let current = '';
  let used = 0;
  let omitted = 0;
  for (let i = 0; i < lines.length; i++) {
    const isLast = i === lines.length - 1;
    const reserve = isLast ? 0 : DETAILS_MARKER_RESERVE;
    let line = truncateText(lines[i] ?? '', SLACK_MAX_SECTION_TEXT_CHARS - DETAILS_MARKER_RESERVE);
    const fitsCurrent = current !== '' && current.length + 1 + line.length <= SLACK_MAX_SECTION_TEXT_CHARS;
    const cost = fitsCurrent ? 1 + line.length : line.length;
    const blocksNeeded = chunks.length + (current !== '' ? 1 : 0) + (fitsCurrent ? 0 : 1);
    if (used + cost + reserve > budget || blocksNeeded > maxBlocks) {
      // Show the beginning of a long line rather than nothing, when a useful part of it fits.
      const room = budget - used - DETAILS_MARKER_RESERVE - (fitsCurrent ? 1 : 0);
      if (room >= 200 && blocksNeeded <= maxBlocks) {
        line = truncateText(line, room);
        if (fitsCurrent) current += '\n' + line;
        else {
          if (current !== '') chunks.push(current);
          current = line;
        }
        omitted = lines.length - i - 1;
      } else {
        omitted = lines.length - i;
      }
      break;
    }
    if (fitsCurrent) current += '\n' + line;
    else {
      if (current !== '') chunks.push(current);
      current = line;
    }
    used += cost;
  }
  if (omitted > 0) {
    const marker = `_… (${omitted} more ${omitted === 1 ? 'line' : 'lines'} truncated)_`;
    if (current !== '' && current.length + 1 + marker.length <= SLACK_MAX_SECTION_TEXT_CHARS) current += '\n' + marker;
    else if (chunks.length + (current !== '' ? 1 : 0) < maxBlocks) {
      if (current !== '') chunks.push(current);
      current = marker;
    }
  }
  if (current !== '') chunks.push(current);
  return chunks.filter((chunk) => chunk.trim() !== '');
}

/** Renders a notification as a Block Kit message within Slack's limits. */
export function renderSlack(n: Notification): SlackMessage {
  const emoji = SEVERITY_EMOJI[n.severity];
  const title = oneLine(n.title) || oneLine(n.kind) || 'ecs-ops notification';
  const headerText = truncateText(`${emoji} ${escapeSlack(title)}`, SLACK_MAX_HEADER_CHARS);
  const meta = metaElements(n);

  const summary = escapeSlack(cleanText(n.summary).trim());
  const allFields = n.fields.map(renderField).filter((f): f is string => f !== undefined);
  const maxFields = SLACK_MAX_SECTION_FIELDS * SLACK_MAX_FIELD_SECTIONS;
  const fields =
    allFields.length > maxFields
      ? [...allFields.slice(0, maxFields - 1), `*…*\n${allFields.length - maxFields + 1} more fields truncated`]
      : allFields;
  const links = n.links.map(renderLink).filter((l) => l !== '');
  const detailLines = (n.details ?? []).flatMap((d) => cleanText(d).split('\n')).map((l) => escapeSlack(l.trimEnd()));
  const detailsLength = detailLines.reduce((sum, l) => sum + l.length + 1, 0);

  let remaining = SLACK_MAX_TOTAL_BLOCK_CHARS - headerText.length - meta.reduce((sum, e) => sum + e.length, 0);
  const detailsReserve = detailLines.length > 0 ? Math.min(detailsLength, DETAILS_MIN_CHARS) + DETAILS_MARKER_RESERVE : 0;

  const linksLength = links.length > 0 ? LINKS_PREFIX.length + links.join(LINK_SEPARATOR).length : 0;
  const demands = [
    Math.min(summary.length, SLACK_MAX_SECTION_TEXT_CHARS),
    Math.min(linksLength, SLACK_MAX_SECTION_TEXT_CHARS),
    ...fields.map((f) => Math.min(f.length, SLACK_MAX_FIELD_CHARS)),
  ];
  const [summaryAlloc = 0, linksAlloc = 0, ...fieldAllocs] = waterfill(demands, remaining - detailsReserve);

  const summaryText = summary ? truncateText(summary, summaryAlloc) : '';
  const linksPacked = links.length > 0 ? packLinks(links, linksAlloc - LINKS_PREFIX.length) : '';
  const linksText = linksPacked.trim() ? LINKS_PREFIX + linksPacked : '';
  const fieldTexts = fields.map((f, i) => truncateText(f, fieldAllocs[i] ?? 0)).filter((f) => f.trim() !== '');
  remaining -= summaryText.length + linksText.length + fieldTexts.reduce((sum, f) => sum + f.length, 0);

  const fieldSections: SectionBlock[] = [];
  for (let i = 0; i < fieldTexts.length; i += SLACK_MAX_SECTION_FIELDS) {
    fieldSections.push({ type: 'section', fields: fieldTexts.slice(i, i + SLACK_MAX_SECTION_FIELDS).map(mrkdwn) });
  }

  const fixedBlocks = 1 + (summaryText.trim() ? 1 : 0) + fieldSections.length + (linksText ? 1 : 0) + (meta.length > 0 ? 1 : 0);
  const detailChunks = packDetails(detailLines, remaining, SLACK_MAX_BLOCKS - fixedBlocks);

  const blocks: Block[] = [{ type: 'header', text: { type: 'plain_text', text: headerText, emoji: true } }];
  if (summaryText.trim()) blocks.push({ type: 'section', text: mrkdwn(summaryText) });
  blocks.push(...fieldSections);
  for (const chunk of detailChunks) blocks.push({ type: 'section', text: mrkdwn(chunk) });
  if (linksText) blocks.push({ type: 'section', text: mrkdwn(linksText) });
  if (meta.length > 0) blocks.push({ type: 'context', elements: meta.map(mrkdwn) });

  const plainSummary = escapeSlack(oneLine(n.summary));
  const text = truncateText(
    `${emoji} ${SEVERITY_LABEL[n.severity]}: ${truncateText(escapeSlack(title), SLACK_MAX_HEADER_CHARS)}` +
      (plainSummary ? ` — ${truncateText(plainSummary, SLACK_NOTIFICATION_SUMMARY_CHARS)}` : ''),
    SLACK_MAX_MESSAGE_TEXT_CHARS,
  );
  return { text, blocks };
}

/** Every text string inside the blocks. */
function blockTexts(blocks: Block[]): string[] {
  return blocks.flatMap((block) => {
    switch (block.type) {
      case 'header':
        return [block.text.text];
      case 'section':
        return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((f) => f.text)];
      case 'context':
        return block.elements.map((e) => e.text);
    }
  });
}

/** Total characters of all text in the blocks (what {@link SLACK_MAX_TOTAL_BLOCK_CHARS} bounds). */
export function blockTextLength(blocks: Block[]): number {
  return blockTexts(blocks).reduce((sum, t) => sum + t.length, 0);
}

/**
 * The message as `text` only (Slack's advice when blocks are rejected): header in bold, then every block's text.
 * Everything in it is already escaped.
 */
export function slackFallbackText(message: SlackMessage): string {
  const parts = message.blocks.map((block) => {
    switch (block.type) {
      case 'header':
        return `*${block.text.text}*`;
      case 'section':
        return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((f) => f.text)].join('\n');
      case 'context':
        return block.elements.map((e) => e.text).join('  |  ');
    }
  });
  const text = parts.filter((p) => p.trim() !== '').join('\n\n');
  return truncateText(text || message.text, SLACK_MAX_MESSAGE_TEXT_CHARS);
}

/** Slack limits a message breaks (empty when it is within all of them). */
export function slackLimitViolations(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (!message.text.trim()) problems.push('text is empty');
  if (message.text.length > SLACK_MAX_MESSAGE_TEXT_CHARS) problems.push(`text has ${message.text.length} chars`);
  if (message.blocks.length > SLACK_MAX_BLOCKS) problems.push(`${message.blocks.length} blocks`);
  message.blocks.forEach((block, i) => {
    switch (block.type) {
      case 'header':
        if (!block.text.text.trim()) problems.push(`block ${i}: empty header`);
        if (block.text.text.length > SLACK_MAX_HEADER_CHARS) problems.push(`block ${i}: header has ${block.text.text.length} chars`);
        break;
      case 'section':
        if (!block.text && !block.fields?.length) problems.push(`block ${i}: section without text or fields`);
        if (block.text && !block.text.text.trim()) problems.push(`block ${i}: empty section text`);
        if (block.text && block.text.text.length > SLACK_MAX_SECTION_TEXT_CHARS) problems.push(`block ${i}: section text has ${block.text.text.length} chars`);
        if ((block.fields?.length ?? 0) > SLACK_MAX_SECTION_FIELDS) problems.push(`block ${i}: ${block.fields?.length} fields`);
        block.fields?.forEach((f, j) => {
          if (!f.text.trim()) problems.push(`block ${i} field ${j}: empty`);
          if (f.text.length > SLACK_MAX_FIELD_CHARS) problems.push(`block ${i} field ${j}: ${f.text.length} chars`);
        });
        break;
      case 'context':
        if (block.elements.length === 0 || block.elements.length > SLACK_MAX_CONTEXT_ELEMENTS) problems.push(`block ${i}: ${block.elements.length} context elements`);
        block.elements.forEach((e, j) => {
          if (!e.text.trim()) problems.push(`block ${i} element ${j}: empty`);
          if (e.text.length > SLACK_MAX_CONTEXT_ELEMENT_CHARS) problems.push(`block ${i} element ${j}: ${e.text.length} chars`);
        });
        break;
    }
  });
  const total = blockTextLength(message.blocks);
  if (total > SLACK_MAX_TOTAL_BLOCK_CHARS) problems.push(`blocks hold ${total} chars of text`);
  return problems;
}
