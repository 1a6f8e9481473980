/**
 * Parse errors of the cluster query language, with the place in the expression they are about.
 */

export interface QuerySyntaxErrorDetails {
  /** The whole expression. */
  source: string;
  /** 0-based UTF-16 offset of the problem. */
  position: number;
  /** End (exclusive) of the offending text, for underlining; defaults to position + 1. */
  end?: number;
  /** What was expected there, e.g. `an operator (==, !=, in, …)`, `']'`. */
  expected: string;
  /** What was found: `"t2.small"`, or `the end of the expression`. */
  found?: string;
  /** The text the expected item was to follow, e.g. the subject before a missing operator. */
  after?: string;
  /** A full explanation replacing the `expected …, found …` sentence (used for unsupported regular expressions). */
  detail?: string;
}

/**
 * An invalid expression. `position` is a 0-based offset; the message counts characters from 1, as editors count
 * columns: `at character 29: expected an operator after "attribute:ecs.instance-type", found "t2.small"`.
 */
export class QuerySyntaxError extends Error {
  override readonly name = 'QuerySyntaxError';
  readonly source: string;
  readonly position: number;
  readonly end: number;
  readonly expected: string;
  readonly found: string | undefined;

  constructor(details: QuerySyntaxErrorDetails) {
    const sentence =
      details.detail ??
      `expected ${details.expected}${details.after === undefined ? '' : ` after ${quoteForMessage(details.after)}`}${details.found === undefined ? '' : `, found ${details.found}`}`;
    super(`at character ${details.position + 1}: ${sentence}`);
    this.source = details.source;
    this.position = details.position;
    this.end = Math.max(details.end ?? details.position + 1, details.position + 1);
    this.expected = details.expected;
    this.found = details.found;
  }

  /**
   * Two lines for a terminal: the expression (a window of it around the position when long, on one line) and a
   * caret line under the offending text: `^^^^` (or a single `^` at the end of the expression).
   */
  excerpt(width = 100): string {
    return caretExcerpt(this.source, this.position, this.end, width);
  }
}

/** `"text"` for messages, shortened when long. */
export function quoteForMessage(text: string, max = 40): string {
  const shown = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return JSON.stringify(shown);
}

/** The expression with a caret line under [position, end); long expressions are windowed around the position. */
export function caretExcerpt(source: string, position: number, end = position + 1, width = 100): string {
  const flat = source.replace(/\s/g, ' ');
  let from = 0;
  let to = flat.length;
  if (flat.length > width) {
    from = Math.max(0, Math.min(position - Math.floor(width / 2), flat.length - width));
    to = Math.min(flat.length, from + width);
  }
  const prefix = from > 0 ? '…' : '';
  const suffix = to < flat.length ? '…' : '';
  const line = `${prefix}${flat.slice(from, to)}${suffix}`;
  const caretStart = prefix.length + Math.max(0, position - from);
  const caretEnd = prefix.length + Math.min(to, Math.max(end, position + 1)) - from;
  const carets = '^'.repeat(Math.max(1, caretEnd - caretStart));
  return `${line.trimEnd() === '' ? '(empty expression)' : line}\n${' '.repeat(caretStart)}${carets}`;
}
