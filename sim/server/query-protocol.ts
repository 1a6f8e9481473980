/**
 * AWS Query (EC2 Auto Scaling, SNS) — the server side.
 *
 * Request: `POST /`, `application/x-www-form-urlencoded`, `Action=<Operation>&Version=<version>&…` with the input
 * flattened the way the SDK's QueryShapeSerializer writes it: structure members by name (`a.b`), lists as
 * `<name>.member.<n>` (or `<name>.<n>` when flattened; an empty list is `<name>=`), maps as
 * `<name>.entry.<n>.<key>` / `.<value>` (key/value names from the schema, e.g. SNS `Name`/`Value`). `decodeQueryInput`
 * walks the operation's input schema to rebuild the input, typing numbers, booleans, timestamps and blobs.
 * Response: `text/xml`, `<OpResponse xmlns><OpResult>…</OpResult><ResponseMetadata><RequestId>` (no Result element when
 * the operation has no output), lists as `<member>` children, maps as `<entry><key/><value/></entry>`, timestamps
 * ISO-8601, booleans `true`/`false`.
 * Error: the status, `<ErrorResponse xmlns><Error><Type>Sender|Receiver</Type><Code/><Message/></Error><RequestId/>`.
 */
import { NormalizedSchema } from '@smithy/core/schema';
import type { $SchemaRef } from '@smithy/types';
import { types } from 'node:util';

export const XML_CONTENT_TYPE = 'text/xml';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// ---------------------------------------------------------------------------------------------------------- decoding

class Params {
  private readonly values = new Map<string, string>();

  constructor(params: URLSearchParams) {
    for (const [k, v] of params) if (k !== 'Action' && k !== 'Version') this.values.set(k, v);
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  /** Whether any parameter is `prefix` itself or lies under `prefix.`. */
  has(prefix: string): boolean {
    const under = `${prefix}.`;
    for (const key of this.values.keys()) if (key === prefix || key.startsWith(under)) return true;
    return false;
  }

  /** The indices n of parameters `<base>.<n>[.…]`, ascending. */
  indices(base: string): number[] {
    const under = `${base}.`;
    const found = new Set<number>();
    for (const key of this.values.keys()) {
      if (!key.startsWith(under)) continue;
      const segment = key.slice(under.length).split('.', 1)[0] ?? '';
      if (/^\d+$/.test(segment)) found.add(Number(segment));
    }
    return [...found].sort((a, b) => a - b);
  }
}

const join = (prefix: string, name: string): string => (prefix === '' ? name : `${prefix}.${name}`);

function decodeScalar(ns: NormalizedSchema, raw: string): unknown {
  if (ns.isBooleanSchema()) return raw.toLowerCase() === 'true';
  if (ns.isNumericSchema() || ns.isBigDecimalSchema()) return Number(raw);
  if (ns.isBigIntegerSchema()) return BigInt(raw);
  if (ns.isTimestampSchema()) return /^-?\d+(\.\d+)?$/.test(raw) ? new Date(Number(raw) * 1000) : new Date(raw);
  if (ns.isBlobSchema()) return new Uint8Array(Buffer.from(raw, 'base64'));
  return raw;
}

function decode(ns: NormalizedSchema, params: Params, prefix: string): unknown {
  if (ns.isStructSchema()) {
    if (prefix !== '' && !params.has(prefix)) return undefined;
    const out: Record<string, unknown> = {};
    for (const [name, member] of ns.structIterator()) {
      const value = decode(member, params, join(prefix, member.getMergedTraits().xmlName ?? name));
      if (value !== undefined) out[name] = value;
    }
    return out;
  }
  if (ns.isListSchema()) {
    if (params.get(prefix) === '') return [];
    const member = ns.getValueSchema();
    const base = ns.getMergedTraits().xmlFlattened ? prefix : `${prefix}.${member.getMergedTraits().xmlName ?? 'member'}`;
    const indices = params.indices(base);
    return indices.length === 0 ? undefined : indices.map((i) => decode(member, params, `${base}.${i}`));
  }
  if (ns.isMapSchema()) {
    const keyNs = ns.getKeySchema();
    const valueNs = ns.getValueSchema();
    const keyName = keyNs.getMergedTraits().xmlName ?? 'key';
    const valueName = valueNs.getMergedTraits().xmlName ?? 'value';
    const base = ns.getMergedTraits().xmlFlattened ? prefix : `${prefix}.entry`;
    const indices = params.indices(base);
    if (indices.length === 0) return undefined;
    const out: Record<string, unknown> = {};
    for (const i of indices) {
      const key = params.get(`${base}.${i}.${keyName}`);
      if (key === undefined || key === '__proto__') continue;
      out[key] = decode(valueNs, params, `${base}.${i}.${valueName}`);
    }
    return out;
  }
  if (ns.isUnitSchema()) return undefined;
  const raw = params.get(prefix);
  return raw === undefined ? undefined : decodeScalar(ns, raw);
}

/** The SDK input from the form parameters (`Action` and `Version` ignored), typed by the operation's input schema. */
export function decodeQueryInput(inputSchema: $SchemaRef, params: URLSearchParams): Record<string, unknown> {
  const ns = NormalizedSchema.of(inputSchema);
  const decoded = ns.isUnitSchema() ? {} : decode(ns, new Params(params), '');
  return isRecord(decoded) ? decoded : {};
}

// ---------------------------------------------------------------------------------------------------------- encoding

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
  '<': '&lt;',
  '>': '&gt;',
  '\r': '&#x0D;',
  '\n': '&#x0A;',
  '\u0085': '&#x85;',
  '\u2028': '&#x2028;',
};

/** Element text as AWS (and the SDK's own XML builder) escapes it: line breaks too, so they survive parsing. */
export function escapeXml(text: string): string {
  return text.replace(/[&"'<>\r\n\u0085\u2028]/g, (c) => XML_ESCAPES[c] ?? c);
}

function scalarText(ns: NormalizedSchema | undefined, value: unknown): string {
  if (types.isDate(value)) {
    const format = ns?.getSchema();
    if (format === 6) return value.toUTCString();
    if (format === 7) return String(value.getTime() / 1000);
    return value.toISOString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

const element = (tag: string, inner: string): string => `<${tag}>${inner}</${tag}>`;

/** The XML of one value under `tag`; `undefined`/`null` write nothing. */
function encode(ns: NormalizedSchema | undefined, value: unknown, tag: string): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    const member = ns?.isListSchema() ? ns.getValueSchema() : undefined;
    const memberTag = member?.getMergedTraits().xmlName ?? 'member';
    if (ns?.getMergedTraits().xmlFlattened) return value.map((item: unknown) => encode(member, item, tag)).join('');
    return element(tag, value.map((item: unknown) => encode(member, item, memberTag)).join(''));
  }
  if (isRecord(value) && !types.isDate(value) && !(value instanceof Uint8Array)) {
    if (ns?.isMapSchema()) {
      const keyNs = ns.getKeySchema();
      const valueNs = ns.getValueSchema();
      const keyTag = keyNs.getMergedTraits().xmlName ?? 'key';
      const valueTag = valueNs.getMergedTraits().xmlName ?? 'value';
      const entries = Object.entries(value).map(([k, v]) => encode(keyNs, k, keyTag) + encode(valueNs, v, valueTag));
      if (ns.getMergedTraits().xmlFlattened) return entries.map((e) => element(tag, e)).join('');
      return element(tag, entries.map((e) => element('entry', e)).join(''));
    }
    return element(tag, encodeMembers(ns, value));
  }
  return element(tag, escapeXml(scalarText(ns, value)));
}

/** The members of a structure, in schema order, then any the schema does not know (written generically). */
function encodeMembers(ns: NormalizedSchema | undefined, value: Record<string, unknown>): string {
  let out = '';
  const seen = new Set<string>();
  if (ns?.isStructSchema()) {
    for (const [name, member] of ns.structIterator()) {
      seen.add(name);
      out += encode(member, value[name], member.getMemberTraits().xmlName ?? name);
    }
  }
  for (const [name, v] of Object.entries(value)) if (!seen.has(name)) out += encode(undefined, v, name);
  return out;
}

/** The response document of a successful call. */
export function encodeQueryOutput(operation: string, outputSchema: $SchemaRef, output: unknown, xmlns: string, requestId: string): string {
  const ns = NormalizedSchema.of(outputSchema);
  const result = ns.isUnitSchema() ? '' : element(`${operation}Result`, isRecord(output) ? encodeMembers(ns, output) : '');
  return (
    `<${operation}Response xmlns="${xmlns}">${result}` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${operation}Response>`
  );
}

/**
 * The error document; the error shape's other members (`fields`) go inside `<Error>`, where the SDK reads them
 * (typed by `errorSchema` when the SDK models the error).
 */
export function encodeQueryError(
  code: string,
  message: string,
  fault: 'Sender' | 'Receiver',
  xmlns: string,
  requestId: string,
  fields: Readonly<Record<string, unknown>> = {},
  errorSchema?: $SchemaRef,
): string {
  const ns = errorSchema === undefined ? undefined : NormalizedSchema.of(errorSchema);
  return (
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${fault}</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message>${encodeMembers(ns, fields)}</Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}
