/**
 * Recursive-descent parser of the ECS cluster query language:
 *
 *   query      := or EOF
 *   or         := and (('or' | '||') and)*            left-associative
 *   and        := unary (('and' | '&&') unary)*       left-associative
 *   unary      := ('not' | '!') unary | primary
 *   primary    := '(' or ')' | condition
 *   condition  := subject operator [argument]
 *   argument   := value | '[' value (',' value)* ']'  (the list for in / !in, nothing for exists / !exists)
 *
 * Subjects, operators and argument types are checked here, so that an expression that parses also compiles.
 *
 * Choices where ECS is silent (syntax; the evaluation choices are in ./compile.ts):
 * 1. Precedence: `not` > `and` > `or`; `and` and `or` are left-associative. `not a and b` is `(not a) and b`.
 *    `not`/`!` may touch its operand (`not(task:group == database)`, `!(…)`); `not not a` is allowed. Parentheses may
 *    wrap any expression, a single condition included.
 * 2. Case: keywords (`and`, `or`, `not`), word operators (`NOT_EQUALS`), subject names (`agentconnected`,
 *    `ATTRIBUTE:`, `Task:Group`) are case-insensitive; attribute names and values are case-sensitive, except the
 *    `true` / `false` of agentConnected (normalised to lower case).
 * 3. Whitespace: anything JavaScript's `\s` matches. It is optional around symbolic operators and parentheses
 *    (`runningTasksCount==1`, `attribute:x in[a,b]`) and needed between words.
 * 4. Values: bare when they have no whitespace, none of `( ) [ ] , ' "` and no `&&` / `||`; otherwise quoted with `'`
 *    or `"`. Inside quotes a backslash escapes a quote or a backslash (`'it\'s'`, `'a\\b'`); any other backslash is
 *    kept as is (`'C:\data'`). `''` is the empty value.
 * 5. Regular expressions (`=~`, `!~`): bare, they run to whitespace or to a `)` that closes no `(` of their own
 *    (`not(attribute:x =~ (t2|m5).*)` works); quoted, they are taken exactly as written — backslashes kept, `\'`
 *    does not end the string (and means `'` to Java). They must be valid Java and translatable (./java-regex.ts).
 * 6. `in` / `!in` take a bracketed, non-empty, comma-separated list; no trailing comma; a bare value is an error.
 * 7. Operators per subject: the documented lists; `task:group` takes ==, !=, in, !in, =~, !~, exists, !exists.
 * 8. Arguments are checked: runningTasksCount a decimal number (`10`, `-1`, `2.5`); agentVersion dot-separated
 *    integers (`1.14.5`, `1.14`, `2`); registeredAt exactly one of the 4 documented formats, a real calendar date and
 *    time, offsets as ±hh:mm; agentConnected `true` or `false` (anything else is a parse error, not "no match").
 * 9. The 2000-character limit counts UTF-16 code units (as Java's String.length does). Attribute names, built-in
 *    ones included, must be 1–128 characters of letters, digits, `-`, `_`, `/`, `\`, `.`.
 */
import {
  OPERATORS,
  SUBJECTS,
  type ArgumentNode,
  type ConditionNode,
  type Operator,
  type OperatorNode,
  type QueryNode,
  type SubjectName,
  type SubjectNode,
  type ValueNode,
} from './ast.js';
import { QuerySyntaxError, quoteForMessage } from './errors.js';
import { RegexTranslationError, translateJavaRegex } from './java-regex.js';
import { QueryLexer, type Token } from './lexer.js';
import { DATE_FORMATS, parseBoolean, parseDate, parseNumber, parseVersion } from './values.js';

/** ECS rejects expressions longer than this (UTF-16 code units, as Java's String.length counts). */
export const MAX_EXPRESSION_LENGTH = 2000;

export const SUBJECT_EXPECTED = 'a subject (agentConnected, agentVersion, attribute:<name>, ec2InstanceId, registeredAt, runningTasksCount, task:group)';
export const OPERATOR_EXPECTED = `an operator (${OPERATORS.join(', ')})`;
export const ATTRIBUTE_NAME_EXPECTED = 'an attribute name (1 to 128 letters, digits, "-", "_", "/", "\\" or ".")';

const ATTRIBUTE_NAME_CHAR = /[A-Za-z0-9\-_/\\.]/;
const MAX_ATTRIBUTE_NAME = 128;

/** Subjects by their lower-cased spelling (subjects, like keywords, are case-insensitive). */
const SUBJECT_BY_LOWER = new Map<string, SubjectName>(
  (Object.keys(SUBJECTS) as SubjectName[]).filter((name) => name !== 'attribute').map((name) => [name.toLowerCase(), name]),
);

function describe(token: Token): string {
  return token.kind === 'eof' ? 'the end of the expression' : quoteForMessage(token.text);
}

class Parser {
  private readonly lexer: QueryLexer;
  /** An expression token read ahead (expression-mode tokens only). */
  private peeked: Token | undefined;

  constructor(private readonly source: string) {
    this.lexer = new QueryLexer(source);
  }

  private error(token: Pick<Token, 'start' | 'end'> & { kind?: string; text?: string }, expected: string, after?: string, hint = ''): QuerySyntaxError {
    const found = token.kind === 'eof' ? 'the end of the expression' : quoteForMessage(token.text ?? this.source.slice(token.start, token.end));
    return new QuerySyntaxError({
      source: this.source,
      position: token.start,
      end: token.end,
      expected,
      found: found + hint,
      ...(after === undefined ? {} : { after }),
    });
  }

  private peek(): Token {
    this.peeked ??= this.lexer.nextExpressionToken();
    return this.peeked;
  }

  private take(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  parse(): QueryNode {
    const { node } = this.or(0);
    const token = this.peek();
    if (token.kind !== 'eof') throw this.unexpectedAfterCondition(token, 0);
    return node;
  }

  private unexpectedAfterCondition(token: Token, depth: number): QuerySyntaxError {
    const expected = depth > 0 ? "'and', 'or' or ')'" : "'and', 'or' or the end of the expression";
    const hint = token.kind === 'word' ? ' (quote values that contain spaces: \'my value\')' : '';
    if (token.kind === 'rparen' && depth === 0) {
      return new QuerySyntaxError({ source: this.source, position: token.start, expected, found: '")", which closes no "("', end: token.end });
    }
    return this.error(token, expected, undefined, hint);
  }

  /** Returns the node and its extent including any parentheses around it. */
  private or(depth: number): { node: QueryNode; start: number; end: number } {
    let left = this.and(depth);
    while (this.peek().kind === 'or') {
      this.take();
      const right = this.and(depth);
      left = { node: { type: 'or', left: left.node, right: right.node, start: left.start, end: right.end }, start: left.start, end: right.end };
    }
    return left;
  }

  private and(depth: number): { node: QueryNode; start: number; end: number } {
    let left = this.unary(depth);
    while (this.peek().kind === 'and') {
      this.take();
      const right = this.unary(depth);
      left = { node: { type: 'and', left: left.node, right: right.node, start: left.start, end: right.end }, start: left.start, end: right.end };
    }
    return left;
  }

  private unary(depth: number): { node: QueryNode; start: number; end: number } {
    const token = this.peek();
    if (token.kind === 'not') {
      this.take();
      const operand = this.unary(depth);
      return { node: { type: 'not', operand: operand.node, start: token.start, end: operand.end }, start: token.start, end: operand.end };
    }
    if (token.kind === 'lparen') {
      this.take();
      const inner = this.or(depth + 1);
      const close = this.peek();
      if (close.kind !== 'rparen') {
        throw close.kind === 'eof'
          ? new QuerySyntaxError({ source: this.source, position: close.start, expected: "')'", found: `the end of the expression (the "(" at character ${token.start + 1} is not closed)` })
          : this.unexpectedAfterCondition(close, depth + 1);
      }
      this.take();
      return { node: inner.node, start: token.start, end: close.end };
    }
    const node = this.condition();
    return { node, start: node.start, end: node.end };
  }

  private subject(token: Token): SubjectNode {
    if (token.kind !== 'word') {
      const expected = `${SUBJECT_EXPECTED}, 'not' or '('`;
      if (token.kind === 'eof' && this.source.trim() === '') {
        throw new QuerySyntaxError({ source: this.source, position: 0, expected, found: 'the end of the expression', detail: 'the expression is empty' });
      }
      throw this.error(token, expected);
    }
    const text = token.text;
    const colon = text.indexOf(':');
    if (colon >= 0 && text.slice(0, colon).toLowerCase() === 'attribute') {
      const nameStart = token.start + colon + 1;
      const name = text.slice(colon + 1);
      if (name === '') {
        throw new QuerySyntaxError({ source: this.source, position: nameStart, expected: ATTRIBUTE_NAME_EXPECTED, after: 'attribute:', found: this.nextFoundAfter(nameStart) });
      }
      for (let k = 0; k < name.length; k++) {
        const ch = name[k] ?? '';
        if (!ATTRIBUTE_NAME_CHAR.test(ch)) {
          throw new QuerySyntaxError({
            source: this.source,
            position: nameStart + k,
            expected: ATTRIBUTE_NAME_EXPECTED,
            found: `${quoteForMessage(ch)} in ${quoteForMessage(text)}`,
          });
        }
      }
      if (name.length > MAX_ATTRIBUTE_NAME) {
        throw new QuerySyntaxError({
          source: this.source,
          position: nameStart + MAX_ATTRIBUTE_NAME,
          end: token.end,
          expected: ATTRIBUTE_NAME_EXPECTED,
          found: `a name of ${name.length} characters`,
        });
      }
      return { type: 'subject', name: 'attribute', attribute: name, start: token.start, end: token.end };
    }
    const name = SUBJECT_BY_LOWER.get(text.toLowerCase());
    if (name === undefined) throw this.error(token, SUBJECT_EXPECTED);
    return { type: 'subject', name, start: token.start, end: token.end };
  }

  /** `"x"` for the text at `position`, or `the end of the expression`. */
  private nextFoundAfter(position: number): string {
    let i = position;
    while (/\s/.test(this.source[i] ?? '')) i++;
    return describe(this.lexer.other(i));
  }

  private condition(): ConditionNode {
    const subject = this.subject(this.take());
    const info = SUBJECTS[subject.name];
    const subjectText = this.source.slice(subject.start, subject.end);
    const opToken = this.lexer.nextOperator();
    if (opToken.kind !== 'operator') throw this.error(opToken, OPERATOR_EXPECTED, subjectText);
    const operator: OperatorNode = { type: 'operator', operator: opToken.operator, start: opToken.start, end: opToken.end };
    if (!info.operators.includes(operator.operator)) {
      throw this.error(opToken, `an operator supported by ${info.display} (${info.operators.join(', ')})`, subjectText);
    }
    const after = this.source.slice(subject.start, operator.end);
    const argument = this.argument(subject.name, operator.operator, after);
    const end = argument?.end ?? operator.end;
    const node: ConditionNode = { type: 'condition', subject, operator, start: subject.start, end };
    if (argument) node.argument = argument;
    return node;
  }

  private argument(subject: SubjectName, operator: Operator, after: string): ArgumentNode | undefined {
    if (operator === 'exists' || operator === '!exists') return undefined;
    if (operator === '=~' || operator === '!~') return this.regex(after);
    if (operator === 'in' || operator === '!in') {
      const open = this.lexer.nextValue();
      if (open.kind !== 'lbracket') throw this.error(open, "'[' (a list: [a, b, c])", after);
      const items: ValueNode[] = [];
      for (;;) {
        items.push(this.value(subject, this.lexer.nextValue(), items.length === 0 ? `${after} [` : `${after} [… ,`));
        const next = this.lexer.nextValue();
        if (next.kind === 'rbracket') return { type: 'list', items, start: open.start, end: next.end };
        if (next.kind !== 'comma') throw this.error(next, "',' or ']'", undefined, next.kind === 'word' ? ' (separate values with commas; quote values that contain spaces)' : '');
      }
    }
    return this.value(subject, this.lexer.nextValue(), after);
  }

  private value(subject: SubjectName, token: Token, after: string): ValueNode {
    const kind = SUBJECTS[subject].argument;
    if (token.kind !== 'word' && token.kind !== 'string') {
      if (token.kind === 'other' && (token.text.startsWith("'") || token.text.startsWith('"'))) {
        throw new QuerySyntaxError({ source: this.source, position: this.source.length, expected: `a closing ${token.text[0] === "'" ? '"\'"' : "'\"'"}`, found: `the end of the expression (the quote at character ${token.start + 1} is not closed)` });
      }
      throw this.error(token, expectedValue(kind), after);
    }
    const raw = token.kind === 'string' ? token.value : token.text;
    let value = raw;
    switch (kind) {
      case 'number':
        if (parseNumber(raw) === undefined) throw this.error(token, expectedValue(kind), after);
        break;
      case 'version':
        if (parseVersion(raw) === undefined) throw this.error(token, expectedValue(kind), after);
        break;
      case 'date': {
        const parsed = parseDate(raw);
        if (typeof parsed === 'string') throw this.error(token, expectedValue(kind), after, ` (${parsed})`);
        break;
      }
      case 'boolean': {
        const parsed = parseBoolean(raw);
        if (parsed === undefined) throw this.error(token, expectedValue(kind), after);
        value = parsed;
        break;
      }
      case 'string':
        break;
    }
    return { type: 'value', value, start: token.start, end: token.end };
  }

  private regex(after: string): ValueNode {
    const token = this.lexer.nextRegex();
    if (token.kind !== 'word' && token.kind !== 'string') {
      if (token.kind === 'other' && (token.text.startsWith("'") || token.text.startsWith('"'))) {
        throw new QuerySyntaxError({ source: this.source, position: this.source.length, expected: `a closing ${token.text[0] === "'" ? '"\'"' : "'\"'"}`, found: `the end of the expression (the quote at character ${token.start + 1} is not closed)` });
      }
      throw this.error(token, 'a regular expression (Java syntax)', after);
    }
    const pattern = token.kind === 'string' ? token.value : token.text;
    const offset = token.kind === 'string' ? token.start + 1 : token.start;
    try {
      translateJavaRegex(pattern);
    } catch (error) {
      if (!(error instanceof RegexTranslationError)) throw error;
      throw new QuerySyntaxError({
        source: this.source,
        position: offset + error.offset,
        end: offset + Math.max(error.end, error.offset + 1),
        expected: 'a regular expression JavaScript can evaluate exactly like Java',
        found: quoteForMessage(pattern.slice(error.offset, Math.max(error.end, error.offset + 1))),
        detail: `invalid regular expression ${quoteForMessage(pattern)}: ${error.message}`,
      });
    }
    return { type: 'value', value: pattern, start: token.start, end: token.end };
  }
}

function expectedValue(kind: string): string {
  switch (kind) {
    case 'number':
      return 'a number';
    case 'version':
      return 'a version (like 1.14.5)';
    case 'date':
      return `a date (${DATE_FORMATS})`;
    case 'boolean':
      return 'true or false';
    default:
      return "a value (bare, or quoted: 'a value')";
  }
}

export interface ParseOptions {
  /** The length limit (default MAX_EXPRESSION_LENGTH, as ECS); compileQuery lifts it to validate a tree's canonical text. */
  maxLength?: number;
}

/** Parses an expression into a tree with source positions; throws QuerySyntaxError. */
export function parseQuery(expression: string, options: ParseOptions = {}): QueryNode {
  if (expression.length > (options.maxLength ?? MAX_EXPRESSION_LENGTH)) {
    throw new QuerySyntaxError({
      source: expression,
      position: MAX_EXPRESSION_LENGTH,
      end: expression.length,
      expected: `an expression of at most ${MAX_EXPRESSION_LENGTH} characters`,
      detail: `the expression is ${expression.length} characters long; ECS allows at most ${MAX_EXPRESSION_LENGTH}`,
    });
  }
  return new Parser(expression).parse();
}
