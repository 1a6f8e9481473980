/**
 * Canonical text of a query tree: symbolic operators (`==`, `!exists`, `in`, `=~`), `and` / `or` / `not(…)`,
 * parentheses only where the tree needs them, values bare when they can be, else single-quoted. The text parses back
 * to the same tree (positions aside).
 */
import { subjectText, type ConditionNode, type QueryNode, type ValueNode } from './ast.js';
import { bareRegexEnd, isSpace } from './lexer.js';

const PRECEDENCE = { or: 1, and: 2, not: 3, condition: 3 } as const;

/** True when `value` reads back as the same value without quotes. */
export function isBareValue(value: string): boolean {
  if (value === '' || value.includes('&&') || value.includes('||')) return false;
  for (const c of value) if (isSpace(c) || '()[],\'"'.includes(c)) return false;
  return true;
}

/** A value in single quotes, with `\` and `'` escaped. */
export function quoteValue(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** Whether the pattern, read raw between these quotes, reads back identically (no unescaped quote, no odd trailing \). */
function fitsQuotes(pattern: string, quote: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i + 1 >= pattern.length) return false;
      i++;
      continue;
    }
    if (c === quote) return false;
  }
  return true;
}

/**
 * A regular expression argument: bare when it reads back whole, else quoted. Inside quotes a pattern is taken as
 * written, so a pattern with both kinds of unescaped quote gets `\'` (the same pattern to Java: `\'` matches `'`).
 */
export function printRegex(pattern: string): string {
  const first = pattern[0];
  if (pattern !== '' && first !== "'" && first !== '"' && bareRegexEnd(pattern, 0) === pattern.length) return pattern;
  if (fitsQuotes(pattern, "'")) return `'${pattern}'`;
  if (fitsQuotes(pattern, '"')) return `"${pattern}"`;
  let escaped = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '\\') {
      escaped += c + (pattern[i + 1] ?? '\\');
      i++;
    } else escaped += c === "'" ? "\\'" : c;
  }
  return `'${escaped}'`;
}

function printValue(value: ValueNode): string {
  return isBareValue(value.value) ? value.value : quoteValue(value.value);
}

function printCondition(node: ConditionNode): string {
  const head = `${subjectText(node.subject)} ${node.operator.operator}`;
  const argument = node.argument;
  if (argument === undefined) return head;
  if (argument.type === 'list') return `${head} [${argument.items.map(printValue).join(', ')}]`;
  if (node.operator.operator === '=~' || node.operator.operator === '!~') return `${head} ${printRegex(argument.value)}`;
  return `${head} ${printValue(argument)}`;
}

function print(node: QueryNode, minimum: number): string {
  const text = printNode(node);
  return PRECEDENCE[node.type] < minimum ? `(${text})` : text;
}

function printNode(node: QueryNode): string {
  switch (node.type) {
    case 'or':
      return `${print(node.left, PRECEDENCE.or)} or ${print(node.right, PRECEDENCE.or + 1)}`;
    case 'and':
      return `${print(node.left, PRECEDENCE.and)} and ${print(node.right, PRECEDENCE.and + 1)}`;
    case 'not':
      return `not(${printNode(node.operand)})`;
    case 'condition':
      return printCondition(node);
  }
}

/**
 * The canonical text of a tree (from parseQuery, or built by hand). It can be longer than the text the tree was parsed
 * from (`!a` becomes `not(a)`, aliases become symbols), so near the 2000-character limit it may exceed it.
 */
export function printQuery(node: QueryNode): string {
  return printNode(node);
}
