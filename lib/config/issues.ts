/**
 * Turns zod issues into messages a person can act on, located on the YAML node they are about.
 */
import * as z from 'zod';
import type { Document, LineCounter } from 'yaml';
import { durationSeconds } from './schema.js';
import { formatPath, type ConfigError } from './errors.js';
import { locate, nodePosition } from './yaml-locate.js';

type Schema = z.core.$ZodType;
type Issue = z.core.$ZodIssue;

interface IssueContext {
  doc: Document;
  lineCounter: LineCounter;
  data: unknown;
  schema: Schema;
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading the value and the schema at a path

function valueAt(data: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return { found: false, value: undefined };
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return { found: true, value: current };
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'nonoptional', 'readonly', 'catch']);

/** Strips optional/default/... wrappers; with `pipes`, also looks through pipes to their input side. */
function unwrap(schema: Schema, pipes: boolean): Schema {
  let current = schema;
  for (let i = 0; i < 50; i++) {
    const def = current._zod.def;
    if (WRAPPERS.has(def.type)) current = (def as z.core.$ZodOptionalDef).innerType;
    else if (pipes && def.type === 'pipe') current = (def as z.core.$ZodPipeDef).in;
    else break;
  }
  return current;
}

function objectShape(schema: Schema): Record<string, Schema> | undefined {
  const def = schema._zod.def;
  return def.type === 'object' ? (def as z.core.$ZodObjectDef).shape : undefined;
}

/** The object member of a union that `value` is meant to be (by discriminator, else the first one that has `key`). */
function unionMember(schema: Schema, value: unknown, key: PropertyKey | undefined): Schema | undefined {
  const def = schema._zod.def as z.core.$ZodUnionDef & { discriminator?: string };
  const options = def.options.map((option) => unwrap(option, true));
  const discriminator = def.discriminator;
  if (discriminator !== undefined && value !== null && typeof value === 'object') {
    const tag: unknown = (value as Record<string, unknown>)[discriminator];
    const match = options.find((option) => {
      const literal = objectShape(option)?.[discriminator];
      const values = literal ? (literal._zod.def as Partial<z.core.$ZodLiteralDef<z.core.util.Literal>>).values : undefined;
      return values?.includes(tag as z.core.util.Literal) ?? false;
    });
    if (match) return match;
  }
  if (typeof key === 'string') return options.find((option) => objectShape(option)?.[key] !== undefined);
  return undefined;
}

/** The schema for `path` (wrappers removed, pipes kept so durations stay recognisable). */
function schemaAt(root: Schema, data: unknown, path: readonly PropertyKey[]): Schema | undefined {
  let schema: Schema | undefined = root;
  let value = data;
  for (const segment of path) {
    schema = stepInto(unwrap(schema, true), value, segment);
    if (!schema) return undefined;
    value = valueAt(value, [segment]).value;
  }
  return schema && unwrap(schema, false);
}

function stepInto(schema: Schema, value: unknown, segment: PropertyKey): Schema | undefined {
  const def = schema._zod.def;
  switch (def.type) {
    case 'object':
      return typeof segment === 'string' ? (def as z.core.$ZodObjectDef).shape[segment] : undefined;
    case 'array':
      return (def as z.core.$ZodArrayDef).element;
    case 'record':
      return (def as z.core.$ZodRecordDef).valueType;
    case 'union': {
      const member = unionMember(schema, value, segment);
      return member ? stepInto(member, value, segment) : undefined;
    }
    default:
      return undefined;
  }
}

/** Keys the object at `path` accepts (for "did you mean"). */
function knownKeys(ctx: IssueContext, path: readonly PropertyKey[]): string[] {
  const schema = schemaAt(ctx.schema, ctx.data, path);
  if (!schema) return [];
  let object = unwrap(schema, true);
  if (object._zod.def.type === 'union') object = unionMember(object, valueAt(ctx.data, path).value, undefined) ?? object;
  const shape = objectShape(object);
  if (shape) return Object.keys(shape);
  // z.partialRecord(z.enum([...]), ...): the enum values are the keys.
  const def = object._zod.def;
  if (def.type === 'record') {
    const keyDef = (def as z.core.$ZodRecordDef).keyType._zod.def;
    if (keyDef.type === 'enum') return Object.values((keyDef as z.core.$ZodEnumDef).entries).map(String);
  }
  return [];
}

function isDuration(schema: Schema | undefined): boolean {
  if (!schema) return false;
  if (schema === durationSeconds) return true;
  const def = schema._zod.def;
  return def.type === 'pipe' && (def as z.core.$ZodPipeDef).in === durationSeconds;
}

// ---------------------------------------------------------------------------------------------------------------------
// Wording

function truncate(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A value as it appears in a message: `"drain"`, `42`, `true`, `a list`, `an empty value`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(truncate(value));
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  array: 'a list',
  tuple: 'a list',
  null: 'an empty value',
};

function describeExpected(expected: string): string {
  return EXPECTED[expected] ?? expected;
}

function quoteAll(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(' | ');
}

function plural(count: number | bigint, noun: string): string {
  return `${count} ${noun}${count === 1 || count === 1n ? '' : 's'}`;
}

const UNIT_NAMES: [number, string][] = [
  [86400, 'd'],
  [3600, 'h'],
  [60, 'm'],
  [1, 's'],
];

/** 900 → `15m`, 172800 → `2d`, 90 → `90s`. */
export function formatDuration(seconds: number): string {
  for (const [size, unit] of UNIT_NAMES) if (seconds !== 0 && seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The closest candidate to a likely typo, if one is close enough. */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const allowed = Math.max(1, Math.floor(input.length / 3));
  if (best !== undefined && bestDistance <= allowed) return best;
  // Otherwise a long shared prefix: `webhookUrl` → `webhookParameter`.
  const needed = Math.max(4, Math.ceil(input.length / 2));
  let longest: string | undefined;
  let longestPrefix = 0;
  for (const candidate of candidates) {
    const lowerCandidate = candidate.toLowerCase();
    let prefix = 0;
    while (prefix < lower.length && lower[prefix] === lowerCandidate[prefix]) prefix++;
    if (prefix >= needed && prefix > longestPrefix) {
      longest = candidate;
      longestPrefix = prefix;
    }
  }
  return longest;
}

function didYouMean(input: unknown, candidates: readonly unknown[]): string {
  if (typeof input !== 'string') return '';
  const match = suggest(input, candidates.filter((c): c is string => typeof c === 'string'));
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}

/** Appends `, got <value>` unless the message already names the value or the value is not a scalar. */
function withGot(message: string, value: unknown): string {
  if (value === null || value === undefined || typeof value === 'object') return message;
  const shown = describeValue(value);
  return message.includes(shown) ? message : `${message}, got ${shown}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Issues → errors

function rangeMessage(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, value: unknown, duration: boolean): string {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  const bound = small ? 'at least' : 'at most';
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `expected ${bound} ${plural(limit, 'item')}, got ${Array.isArray(value) ? value.length : describeValue(value)}`;
    case 'string':
      return `expected ${bound} ${plural(limit, 'character')}, got ${typeof value === 'string' ? value.length : describeValue(value)}`;
    default: {
      if (duration && typeof limit === 'number') {
        const got = typeof value === 'number' ? formatDuration(value) : describeValue(value);
        return `expected a duration of ${bound} ${formatDuration(limit)}, got ${got}`;
      }
      const operator = small ? (issue.inclusive === false ? '>' : '>=') : issue.inclusive === false ? '<' : '<=';
      return `expected a number ${operator} ${String(limit)}, got ${describeValue(value)}`;
    }
  }
}

interface Message {
  path: readonly PropertyKey[];
  message: string;
  /** Point at this key's node rather than its value (unknown keys). */
  atKey?: boolean;
}

function messagesFor(issue: Issue, ctx: IssueContext): Message[] {
  const path = issue.path;
  const { found, value } = valueAt(ctx.data, path);
  const last = path.at(-1);
  const lastName = typeof last === 'symbol' ? (last.description ?? '') : String(last);
  const missing = !found && path.length > 0;

  switch (issue.code) {
    case 'invalid_type': {
      if (missing) return [{ path, message: `missing required key "${lastName}" (expected ${describeExpected(issue.expected)})` }];
      if (path.length === 0) return [{ path, message: `expected a mapping at the top of the file, got ${describeValue(value)}` }];
      return [{ path, message: `expected ${describeExpected(issue.expected)}, got ${describeValue(value)}` }];
    }
    case 'invalid_value': {
      if (missing) return [{ path, message: `missing required key "${lastName}": expected ${quoteAll(issue.values)}` }];
      const expected = issue.values.length === 1 ? quoteAll(issue.values) : `one of ${quoteAll(issue.values)}`;
      return [{ path, message: `expected ${expected}, got ${describeValue(value)}${didYouMean(value, issue.values)}` }];
    }
    case 'unrecognized_keys': {
      const known = knownKeys(ctx, path);
      return issue.keys.map((key) => {
        const hint = didYouMean(key, known);
        const list = hint === '' && known.length > 0 && known.length <= 12 ? `; expected one of ${known.join(', ')}` : '';
        return { path: [...path, key], message: `unknown key "${key}"${hint}${list}`, atKey: true };
      });
    }
    case 'invalid_union': {
      if (issue.discriminator !== undefined && 'options' in issue) {
        const options = issue.options ?? [];
        if (missing) return [{ path, message: `missing required key "${lastName}": expected one of ${quoteAll(options)}` }];
        return [{ path, message: `unknown ${lastName} ${describeValue(value)}: expected one of ${quoteAll(options)}${didYouMean(value, options)}` }];
      }
      if (missing) return [{ path, message: `missing required key "${lastName}"` }];
      if (isDuration(schemaAt(ctx.schema, ctx.data, path))) {
        return [{ path, message: `expected a duration like 90s, 15m, 2h or 1d (or a whole number of seconds), got ${describeValue(value)}` }];
      }
      const expected = issue.errors.flatMap((branch) => {
        const only = branch.length === 1 ? branch[0] : undefined;
        return only?.code === 'invalid_type' && only.path.length === 0 ? [describeExpected(only.expected)] : [];
      });
      if (expected.length === issue.errors.length && expected.length > 0) {
        return [{ path, message: `expected ${[...new Set(expected)].join(' or ')}, got ${describeValue(value)}` }];
      }
      return [{ path, message: `${issue.message}, got ${describeValue(value)}` }];
    }
    case 'too_small':
    case 'too_big': {
      if (missing) return [{ path, message: `missing required key "${lastName}"` }];
      return [{ path, message: rangeMessage(issue, value, isDuration(schemaAt(ctx.schema, ctx.data, path))) }];
    }
    case 'invalid_format': {
      const pattern = (issue as { pattern?: string }).pattern;
      const generic = issue.message.startsWith('Invalid');
      const message = generic && pattern !== undefined ? `expected a string matching ${pattern}` : generic ? `expected a valid ${issue.format}` : issue.message;
      return [{ path, message: withGot(message, value) }];
    }
    case 'invalid_key':
    case 'invalid_element': {
      const inner = issue.issues.map((i) => i.message).join('; ');
      return [{ path, message: `invalid ${issue.code === 'invalid_key' ? 'key' : 'entry'}: ${inner}` }];
    }
    case 'not_multiple_of':
      return [{ path, message: `expected a multiple of ${String(issue.divisor)}, got ${describeValue(value)}` }];
    case 'custom':
    default:
      return [{ path, message: withGot(issue.message, value) }];
  }
}

/** One or more located, readable errors for a zod issue. */
export function issueToErrors(issue: Issue, ctx: IssueContext): ConfigError[] {
  return messagesFor(issue, ctx).map(({ path, message, atKey }) => {
    const located = locate(ctx.doc, path);
    const position = atKey && located.resolved && located.keyNode ? nodePosition(located.keyNode, undefined, ctx.lineCounter) : nodePosition(located.node, located.keyNode, ctx.lineCounter);
    return { path: formatPath(path), ...(position && { line: position.line, column: position.column }), message };
  });
}
