import { createHash } from 'node:crypto';
import { PublishCommand, type MessageAttributeValue, type SNSClient } from '@aws-sdk/client-sns';
import { SEVERITY_LABEL, cleanText, oneLine } from './slack-render.js';
import type { Notification } from './types.js';

/**
 * SNS rendering and publishing of a {@link Notification}.
 *
 * Subject (used by e-mail subscriptions): printable ASCII, one line, at most {@link SNS_MAX_SUBJECT_CHARS} characters,
 * never empty, prefixed with the severity. Message: plain text, valid UTF-8, truncated by bytes so that Message,
 * Subject and attributes together stay within {@link SNS_MAX_MESSAGE_BYTES}. Attributes `severity`, `kind`, and
 * `cluster` / `service` when present (never empty strings), for subscription filter policies.
 */

/** SNS: "must be less than 100 characters long". */
export const SNS_MAX_SUBJECT_CHARS = 99;
/** SNS publish size limit (256 KiB). */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
export const SNS_TRUNCATION_MARKER = '\n\n… (truncated)';

/** AWS error names (and query-protocol codes) that retrying cannot fix: wrong topic, missing permission, bad input, unusable KMS key. */
export const SNS_PERMANENT_ERRORS: ReadonlySet<string> = new Set([
  'NotFound',
  'NotFoundException',
  'AuthorizationError',
  'AuthorizationErrorException',
  'InvalidParameter',
  'InvalidParameterException',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'KMSAccessDenied',
  'KMSAccessDeniedException',
  'KMSDisabled',
  'KMSDisabledException',
  'KMSInvalidState',
  'KMSInvalidStateException',
  'KMSNotFound',
  'KMSNotFoundException',
  'KMSOptInRequired',
]);

export interface SnsPublication {
  Subject: string;
  Message: string;
  MessageAttributes: Record<string, MessageAttributeValue>;
}

export interface SnsDeliveryResult {
  delivered: boolean;
  messageId?: string;
  /** Set when SNS refused the publication for good (see {@link SNS_PERMANENT_ERRORS}). */
  permanent?: boolean;
  /** `<AWS error name>: <message>` when not delivered. */
  error?: string;
}

const ASCII_REPLACEMENTS: [RegExp, string][] = [
  [/[→⇒⟶⟹➔➜➝➞➡⭢]/gu, '->'],
  [/[←⇐⟵⟸⬅⭠]/gu, '<-'],
  [/[↔⇔⟷]/gu, '<->'],
  [/[‐‑‒–—―−]/gu, '-'],
  [/[‘’‚‛′`´]/gu, "'"],
  [/[“”„‟″«»]/gu, '"'],
  [/…/gu, '...'],
  [/[•·∙●▪]/gu, '-'],
  [/×/gu, 'x'],
  [/÷/gu, '/'],
  [/≥/gu, '>='],
  [/≤/gu, '<='],
  [/≠/gu, '!='],
  [/≈/gu, '~'],
  [/[✓✔]/gu, 'OK'],
  [/ß/gu, 'ss'],
  [/æ/gu, 'ae'],
  [/Æ/gu, 'AE'],
  [/œ/gu, 'oe'],
  [/Œ/gu, 'OE'],
  [/ø/gu, 'o'],
  [/Ø/gu, 'O'],
  [/ł/gu, 'l'],
  [/Ł/gu, 'L'],
  [/đ/gu, 'd'],
  [/Đ/gu, 'D'],
  [/€/gu, 'EUR'],
  [/£/gu, 'GBP'],
];

/** Emoji and their joiners / modifiers / selectors, removed outright. */
const EMOJI = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200d|\ufe0e|\ufe0f|\u20e3/gu;

/**
 * One line of printable ASCII: common symbols transliterated (`→` → `->`, `—` → `-`), accents dropped (`é` → `e`),
 * emoji removed, control characters and line breaks turned into spaces, anything else into `?`.
 */
export function toPrintableAscii(text: string): string {
  let result = text.toWellFormed();
  for (const [pattern, replacement] of ASCII_REPLACEMENTS) result = result.replace(pattern, replacement);
  result = result.normalize('NFKD').replace(/\p{M}/gu, '').replace(EMOJI, '');
  result = result.replace(/[\s\p{Cc}\p{Cf}]+/gu, ' ');
  result = result.replace(/[^\x20-\x7E]+/g, '?');
  return result.replace(/ {2,}/g, ' ').trim();
}

/** `[SEVERITY] title` as an SNS subject: printable ASCII, at most 99 characters, never empty. */
export function snsSubject(n: Notification): string {
  const prefix = `[${SEVERITY_LABEL[n.severity]}] `;
  const title = toPrintableAscii(n.title) || toPrintableAscii(n.kind) || 'ecs-ops notification';
  const subject = prefix + title;
  if (subject.length <= SNS_MAX_SUBJECT_CHARS) return subject;
  return subject.slice(0, SNS_MAX_SUBJECT_CHARS - 3).trimEnd() + '...';
}

/** UTF-8 size of a string. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Cuts `text` to at most `maxBytes` UTF-8 bytes, ending with `marker` when anything was removed, without splitting a
 * multi-byte character.
 */
export function truncateUtf8(text: string, maxBytes: number, marker: string = SNS_TRUNCATION_MARKER): string {
  const bytes = Buffer.from(text.toWellFormed(), 'utf8');
  if (bytes.length <= maxBytes) return bytes.toString('utf8');
  const markerBytes = utf8Bytes(marker);
  const keepMarker = markerBytes < maxBytes;
  let cut = keepMarker ? maxBytes - markerBytes : maxBytes;
  // Step back over continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut -= 1;
  return bytes.subarray(0, cut).toString('utf8') + (keepMarker ? marker : '');
}

function attribute(value: string | undefined): MessageAttributeValue | undefined {
  const cleaned = value === undefined ? '' : oneLine(value);
  return cleaned ? { DataType: 'String', StringValue: cleaned } : undefined;
}

function attributeBytes(attributes: Record<string, MessageAttributeValue>): number {
  return Object.entries(attributes).reduce(
    (sum, [name, value]) => sum + utf8Bytes(name) + utf8Bytes(value.DataType ?? '') + utf8Bytes(value.StringValue ?? ''),
    0,
  );
}

function indentContinuation(text: string): string {
  return text.split('\n').join('\n  ');
}

/** The plain-text message body (before size truncation). */
export function snsMessageText(n: Notification): string {
  const sections: string[] = [];
  const title = oneLine(n.title) || oneLine(n.kind);
  sections.push(`[${SEVERITY_LABEL[n.severity]}] ${title}`);
  const summary = cleanText(n.summary).trim();
  if (summary) sections.push(summary);
  const fields = n.fields
    .map((f) => ({ label: oneLine(f.label), value: cleanText(f.value).trim() }))
    .filter((f) => f.label || f.value)
    .map((f) => (f.label ? `${f.label}: ${indentContinuation(f.value)}` : indentContinuation(f.value)));
  if (fields.length > 0) sections.push(fields.join('\n'));
  const details = (n.details ?? []).map((d) => cleanText(d).trimEnd());
  if (details.some((d) => d !== '')) sections.push(['Details:', ...details].join('\n'));
  const links = n.links.filter((l) => l.url.trim()).map((l) => `- ${oneLine(l.text) || 'Link'}: ${oneLine(l.url)}`);
  if (links.length > 0) sections.push(['Links:', ...links].join('\n'));
  const footer = [`Time: ${oneLine(n.occurredAt)}`, `Kind: ${oneLine(n.kind)}`];
  if (n.cluster) footer.push(`Cluster: ${oneLine(n.cluster)}`);
  if (n.service) footer.push(`Service: ${oneLine(n.service)}`);
  sections.push(footer.join('\n'));
  return sections.join('\n\n');
}

/** Subject, message and attributes of the SNS publication of `n`. */
export function renderSns(n: Notification): SnsPublication {
  const Subject = snsSubject(n);
  const MessageAttributes: Record<string, MessageAttributeValue> = {};
  const candidates: [string, string | undefined][] = [
    ['severity', n.severity],
    ['kind', n.kind],
    ['cluster', n.cluster],
    ['service', n.service],
  ];
  for (const [name, value] of candidates) {
    const attr = attribute(value);
    if (attr) MessageAttributes[name] = attr;
  }
  const budget = SNS_MAX_MESSAGE_BYTES - utf8Bytes(Subject) - attributeBytes(MessageAttributes);
  const Message = truncateUtf8(snsMessageText(n), budget);
  return { Subject, Message, MessageAttributes };
}

/**
 * Publishes `n` to the topic. FIFO topics (`.fifo`) get a message group (the cluster) and a deduplication id derived
 * from the content. Permanent refusals ({@link SNS_PERMANENT_ERRORS}) resolve as `{ delivered: false, permanent: true }`;
 * any other error (throttling, service errors) is thrown for the Lambda retry.
 */
export async function publishSns(client: SNSClient, topicArn: string, n: Notification): Promise<SnsDeliveryResult> {
  const publication = renderSns(n);
  const fifo = topicArn.endsWith('.fifo')
    ? {
        MessageGroupId: n.cluster && /^[\x21-\x7E]{1,128}$/.test(n.cluster) ? n.cluster : 'ecs-ops',
        MessageDeduplicationId: createHash('sha256')
          .update([n.kind, n.occurredAt, publication.Subject, publication.Message].join('\u0000'))
          .digest('hex'),
      }
    : {};
  try {
    const output = await client.send(new PublishCommand({ TopicArn: topicArn, ...publication, ...fifo }));
    return { delivered: true, ...(output.MessageId ? { messageId: output.MessageId } : {}) };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (SNS_PERMANENT_ERRORS.has(name)) {
      const message = error instanceof Error ? error.message : '';
      return { delivered: false, permanent: true, error: message ? `${name}: ${message}` : name };
    }
    throw error;
  }
}
