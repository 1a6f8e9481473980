/**
 * The lexer of the cluster query language. The language is context-sensitive (a value such as `service:web`, a date
 * `2018-06-18T22:28:28+00:00` or a regular expression `(t2|m5)\..*` would lex as operators and parentheses anywhere
 * else), so the parser tells the lexer what it expects next: an expression token, an operator, a value or a
 * regular expression.
 */
import { OPERATOR_SPELLINGS, type Operator } from './ast.js';

export type Token =
  | { kind: 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'comma' | 'and' | 'or' | 'not' | 'eof'; text: string; start: number; end: number }
  /** A bare word: a subject in expression mode, a value in value and regex modes. */
  | { kind: 'word'; text: string; start: number; end: number }
  /** A quoted value; `value` has the quotes removed (and escapes resolved, except in regex mode). */
  | { kind: 'string'; text: string; value: string; start: number; end: number }
  | { kind: 'operator'; text: string; operator: Operator; start: number; end: number }
  /** Anything the current mode does not expect (for the error message). */
  | { kind: 'other'; text: string; start: number; end: number };

/** Whitespace between tokens: anything JavaScript's `\s` matches (including no-break spaces pasted from docs). */
export function isSpace(c: string | undefined): boolean {
  return c !== undefined && /\s/.test(c);
}

/** Characters that end a subject word (besides whitespace). */
const SUBJECT_STOP = new Set(Array.from('()[],\'"=!<>~&|'));
/** Characters that end a bare value (besides whitespace, `&&` and `||`). */
const VALUE_STOP = new Set(Array.from('()[],\'"'));

export class QueryLexer {
  position = 0;

  constructor(readonly source: string) {}

  skipSpace(): void {
    while (isSpace(this.source[this.position])) this.position++;
  }

  private make<K extends 'lparen' | 'rparen' | 'lbracket' | 'rbracket' | 'comma' | 'and' | 'or' | 'not' | 'eof' | 'other' | 'word'>(
    kind: K,
    start: number,
    end: number,
  ): { kind: K; text: string; start: number; end: number } {
    this.position = end;
    return { kind, text: this.source.slice(start, end), start, end };
  }

  private punctuation(start: number): Token | undefined {
    const c = this.source[start];
    if (c === undefined) return this.make('eof', start, start);
    if (c === '(') return this.make('lparen', start, start + 1);
    if (c === ')') return this.make('rparen', start, start + 1);
    if (c === '[') return this.make('lbracket', start, start + 1);
    if (c === ']') return this.make('rbracket', start, start + 1);
    if (c === ',') return this.make('comma', start, start + 1);
    return undefined;
  }

  /** Where a run of characters ends: at whitespace or a stop character. */
  private runEnd(start: number, stop: ReadonlySet<string>, stopAtLogical: boolean): number {
    let i = start;
    for (;;) {
      const c = this.source[i];
      if (c === undefined || isSpace(c) || stop.has(c)) return i;
      if (stopAtLogical && (c === '&' || c === '|') && this.source[i + 1] === c) return i;
      i++;
    }
  }

  /** At the start of an expression or after a condition: `(`, `)`, `not`/`!`, `and`/`&&`, `or`/`||`, a subject word. */
  nextExpressionToken(): Token {
    this.skipSpace();
    const start = this.position;
    const punct = this.punctuation(start);
    if (punct) return punct;
    const two = this.source.slice(start, start + 2);
    if (two === '&&') return this.make('and', start, start + 2);
    if (two === '||') return this.make('or', start, start + 2);
    const c = this.source[start] ?? '';
    if (c === '!' && two !== '!=' && two !== '!~') return this.make('not', start, start + 1);
    const end = this.runEnd(start, SUBJECT_STOP, false);
    if (end === start) return this.make('other', start, this.runEnd(start + 1, SUBJECT_STOP, false));
    const word = this.source.slice(start, end).toLowerCase();
    if (word === 'and') return this.make('and', start, end);
    if (word === 'or') return this.make('or', start, end);
    if (word === 'not') return this.make('not', start, end);
    return this.make('word', start, end);
  }

  /** An operator in any spelling (case-insensitive), or an `other` token with what is there instead. */
  nextOperator(): Token {
    this.skipSpace();
    const start = this.position;
    const rest = this.source.slice(start, start + 2);
    for (const symbol of ['==', '!=', '>=', '<=', '=~', '!~'] as const) {
      if (rest === symbol) return this.operator(start, start + 2, symbol);
    }
    const c = this.source[start];
    if (c === '>' || c === '<') return this.operator(start, start + 1, c);
    const wordStart = c === '!' ? start + 1 : start;
    let end = wordStart;
    while (/[A-Za-z_]/.test(this.source[end] ?? '')) end++;
    const spelled = this.source.slice(start, end).toLowerCase();
    const operator = OPERATOR_SPELLINGS[spelled];
    const boundary = this.source[end];
    if (end > wordStart && operator !== undefined && (boundary === undefined || !/[A-Za-z0-9_.:\-/\\]/.test(boundary))) {
      return this.operator(start, end, operator);
    }
    return this.other(start);
  }

  private operator(start: number, end: number, operator: Operator): Token {
    this.position = end;
    return { kind: 'operator', text: this.source.slice(start, end), operator, start, end };
  }

  /** What is at `start`, as one token's worth of text, for error messages. */
  other(start: number): Token {
    const c = this.source[start];
    if (c === undefined) return this.make('eof', start, start);
    let end = this.runEnd(start, VALUE_STOP, true);
    if (end === start) end = start + 1;
    return this.make('other', start, end);
  }

  /** A value: quoted (`'…'` or `"…"`, backslash escapes the quote and itself) or bare; or punctuation. */
  nextValue(): Token {
    this.skipSpace();
    const start = this.position;
    const c = this.source[start];
    if (c === "'" || c === '"') return this.quoted(start, c, false);
    const punct = this.punctuation(start);
    if (punct) return punct;
    const end = this.runEnd(start, VALUE_STOP, true);
    if (end === start) return this.other(start);
    return this.make('word', start, end);
  }

  /**
   * A Java regular expression: quoted (taken as written: backslashes kept, `\'` does not end the string) or bare.
   * A bare one ends at whitespace or at a `)` that closes no `(` of its own.
   */
  nextRegex(): Token {
    this.skipSpace();
    const start = this.position;
    const c = this.source[start];
    if (c === "'" || c === '"') return this.quoted(start, c, true);
    if (c === undefined) return this.make('eof', start, start);
    const end = bareRegexEnd(this.source, start);
    if (end === start) return this.other(start);
    return this.make('word', start, end);
  }

  /** A quoted string; on a missing closing quote, an `other` token spanning to the end (the parser reports it). */
  private quoted(start: number, quote: string, raw: boolean): Token {
    let value = '';
    let i = start + 1;
    for (;;) {
      const c = this.source[i];
      if (c === undefined) {
        this.position = i;
        return { kind: 'other', text: this.source.slice(start), start, end: i };
      }
      if (c === quote) break;
      if (c === '\\' && i + 1 < this.source.length) {
        const next = this.source[i + 1] ?? '';
        if (raw) value += c + next;
        else value += next === quote || next === '\\' || next === '"' || next === "'" ? next : c + next;
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    this.position = i + 1;
    return { kind: 'string', text: this.source.slice(start, i + 1), value, start, end: i + 1 };
  }
}

/**
 * Where a bare regular expression starting at `start` ends: at whitespace, at `&&` / `||` outside its own groups, or
 * at a `)` closing no `(` of the expression's own (so `not(attribute:x =~ (a|b).*)` works). Escapes, `\Q…\E` and classes are skipped as units.
 */
export function bareRegexEnd(source: string, start: number): number {
  let i = start;
  let depth = 0;
  let classDepth = 0;
  while (i < source.length) {
    const c = source[i];
    if (isSpace(c)) break;
    if (c === '\\') {
      if (source[i + 1] === 'Q') {
        i += 2;
        while (i < source.length && !isSpace(source[i]) && !(source[i] === '\\' && source[i + 1] === 'E')) i++;
        if (source[i] === '\\') i += 2;
        continue;
      }
      i += isSpace(source[i + 1]) || i + 1 >= source.length ? 1 : 2;
      continue;
    }
    if (c === '[') {
      classDepth++;
      i++;
      if (source[i] === '^') i++;
      if (source[i] === ']') i++; // a leading ] is a literal in Java
      continue;
    }
    if (classDepth > 0) {
      if (c === ']') classDepth--;
      i++;
      continue;
    }
    // `&&` / `||` outside the pattern's own groups end it, as they end bare values: `t2.*||attribute:x==y`.
    if (depth === 0 && (c === '&' || c === '|') && source[i + 1] === c) break;
    if (c === '(') depth++;
    if (c === ')') {
      if (depth === 0) break;
      depth--;
    }
    i++;
  }
  return i;
}
