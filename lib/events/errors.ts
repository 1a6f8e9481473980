import type * as z from 'zod/mini';

/**
 * Parse failures of events, with paths in the form EventBridge users read (`detail.containers[0].exitCode`).
 * Kept apart from `parse.ts` (which imports every schema) so schema modules can raise these without an import cycle.
 */

export interface EventIssue {
  /** Path in dot/bracket form, e.g. `detail.containers[0].lastStatus`, `detail-type`, `detail.Details["Subnet ID"]`. */
  path: string;
  /** e.g. `expected string, received undefined`. */
  message: string;
}

export class EventParseError extends Error {
  override readonly name = 'EventParseError';
  /** The event's `id`, when the input has a string one. */
  readonly eventId: string | undefined;
  /** The event's `detail-type`, when the input has a string one. */
  readonly detailType: string | undefined;
  readonly issues: readonly EventIssue[];

  /**
   * @param options.subject what was parsed, for the message (default: `"<detail-type>" event`).
   * @param options.message the whole message, when the issues alone do not explain the failure.
   */
  constructor(input: unknown, issues: readonly EventIssue[], options: { subject?: string; message?: string } = {}) {
    // Cut: both end up in log lines and messages, and a bad event may carry a huge value there.
    const eventId = cutString(stringField(input, 'id'));
    const detailType = cutString(stringField(input, 'detail-type'));
    const subject = options.subject ?? (detailType === undefined ? 'event' : `"${detailType}" event`);
    const id = eventId === undefined ? '' : ` ${eventId}`;
    super(options.message ?? `invalid ${subject}${id}: ${summarizeIssues(issues)}`);
    this.eventId = eventId;
    this.detailType = detailType;
    this.issues = issues;
  }
}

/** Most issues listed in a message (an oversized array can fail on every element); `issues` keeps them all. */
export const MAX_LISTED_ISSUES = 10;

function summarizeIssues(issues: readonly EventIssue[]): string {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map(formatIssue).join('; ');
  return issues.length > MAX_LISTED_ISSUES ? `${listed}; and ${issues.length - MAX_LISTED_ISSUES} more` : listed;
}

function formatIssue(issue: EventIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

/** Longest envelope value (id, source, detail-type) quoted in errors: real ones are far shorter. */
export const MAX_ENVELOPE_VALUE = 256;

/** `value` cut to {@link MAX_ENVELOPE_VALUE} characters (with `…`), for messages and logs. */
export function cutString<T extends string | undefined>(value: T): T {
  return (value !== undefined && value.length > MAX_ENVELOPE_VALUE ? `${value.slice(0, MAX_ENVELOPE_VALUE)}…` : value) as T;
}

/** `input[key]` if `input` is an object and that field is a string. */
export function stringField(input: unknown, key: string): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const value = (input as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

// Keys written with a dot; hyphens allowed so `detail-type` and `detail.instance-id` read as AWS writes them.
const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `['detail', 'containers', 0, 'exitCode']` → `detail.containers[0].exitCode`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && PLAIN_KEY.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function describeInput(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const MAX_QUOTED = 80;

/** Scalars quoted (long strings cut: they end up in log lines and alerts), anything else by its type. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value);
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : describeInput(value);
}

/**
 * One zod issue as an {@link EventIssue}. The messages are built here rather than taken from zod's locale so they
 * stay stable (`expected string, received undefined`); parse with `reportInput: true` to get the `received` part.
 */
export function toEventIssue(issue: z.core.$ZodIssue): EventIssue {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return { path, message: `expected ${issue.expected}, received ${describeInput(issue.input)}` };
    case 'invalid_value': {
      const expected = issue.values.map((value) => describeValue(value)).join(' | ');
      return { path, message: `expected ${issue.values.length === 1 ? expected : `one of ${expected}`}, received ${describeValue(issue.input)}` };
    }
    case 'invalid_format':
      return { path, message: `expected ${issue.format} format, received ${describeValue(issue.input)}` };
    // zod/mini carries no locale (its own message would be "Invalid input"): size limits are worded here too.
    case 'too_small':
    case 'too_big': {
      const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const words = issue.code === 'too_small' ? (issue.inclusive === false ? 'more than' : 'at least') : issue.inclusive === false ? 'less than' : 'at most';
      const bound = `${words} ${String(limit)}`;
      const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' items' : '';
      return { path, message: `expected ${issue.origin} of ${bound}${unit}, received ${describeValue(issue.input)}` };
    }
    default:
      return { path, message: issue.message };
  }
}

/** An {@link EventParseError} for `input` from the issues zod reported. */
export function eventParseError(input: unknown, error: z.core.$ZodError, subject?: string): EventParseError {
  return new EventParseError(input, error.issues.map(toEventIssue), subject === undefined ? {} : { subject });
}
