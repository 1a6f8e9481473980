/**
 * EventBridge event pattern matching, as documented in "Amazon EventBridge event patterns" and "Content filtering":
 * exact values, `prefix`, `suffix`, `wildcard`, `equals-ignore-case`, `anything-but`, `exists`, `numeric` and `$or`.
 * The simulator delivers events to the functions whose packaged rules match, so a pattern the tests trust is a
 * pattern EventBridge would evaluate the same way. Dev-only: never bundled into a function.
 */

export type EventPattern = { [key: string]: unknown };

type Matcher = Record<string, unknown>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wildcardToRegExp(pattern: string): RegExp {
  // `*` matches any run of characters; `\*` is a literal star.
  const parts = pattern.split(/(?<!\\)\*/).map((part) => part.replace(/\\\*/g, '*').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's');
}

function matchesNumeric(value: unknown, conditions: unknown[]): boolean {
  if (typeof value !== 'number') return false;
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const operator = conditions[i];
    const bound = conditions[i + 1] as number;
    const ok =
      operator === '=' ? value === bound : operator === '<' ? value < bound : operator === '<=' ? value <= bound : operator === '>' ? value > bound : operator === '>=' ? value >= bound : false;
    if (!ok) return false;
  }
  return true;
}

function stringOrIgnoreCase(spec: unknown, value: string, test: (v: string, s: string) => boolean): boolean {
  if (typeof spec === 'string') return test(value, spec);
  if (isPlainObject(spec) && typeof spec['equals-ignore-case'] === 'string') return test(value.toLowerCase(), spec['equals-ignore-case'].toLowerCase());
  return false;
}

/** Does one present event value (arrays are expanded by the caller) satisfy one element of a pattern array? */
function matchesElement(value: unknown, element: unknown): boolean {
  if (!isPlainObject(element)) return value === element;
  const matcher: Matcher = element;
  if ('exists' in matcher) return matcher.exists === true;
  if ('prefix' in matcher) return typeof value === 'string' && stringOrIgnoreCase(matcher.prefix, value, (v, s) => v.startsWith(s));
  if ('suffix' in matcher) return typeof value === 'string' && stringOrIgnoreCase(matcher.suffix, value, (v, s) => v.endsWith(s));
  if ('wildcard' in matcher) return typeof value === 'string' && typeof matcher.wildcard === 'string' && wildcardToRegExp(matcher.wildcard).test(value);
  if ('equals-ignore-case' in matcher) {
    return typeof value === 'string' && typeof matcher['equals-ignore-case'] === 'string' && value.toLowerCase() === matcher['equals-ignore-case'].toLowerCase();
  }
  if ('numeric' in matcher) return Array.isArray(matcher.numeric) && matchesNumeric(value, matcher.numeric);
  if ('anything-but' in matcher) {
    const excluded = matcher['anything-but'];
    if (Array.isArray(excluded)) return !excluded.includes(value);
    if (isPlainObject(excluded)) return !matchesElement(value, excluded);
    return value !== excluded;
  }
  throw new Error(`unsupported EventBridge matcher ${JSON.stringify(matcher)}`);
}

/** True when `event` matches `pattern` (every field of the pattern, `$or` branches as alternatives). */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (!isPlainObject(event)) return false;
  for (const [key, spec] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(spec) || !spec.some((branch) => isPlainObject(branch) && matchesPattern(branch, event))) return false;
      continue;
    }
    const value = event[key];
    if (Array.isArray(spec)) {
      if (value === undefined) {
        // A missing field matches only `{"exists": false}`.
        if (!spec.some((element) => isPlainObject(element) && element.exists === false)) return false;
        continue;
      }
      const values: unknown[] = Array.isArray(value) ? value : [value];
      if (!spec.some((element) => values.some((v) => matchesElement(v, element)))) return false;
    } else if (isPlainObject(spec)) {
      if (!matchesPattern(spec, value)) return false;
    } else {
      throw new Error(`invalid EventBridge pattern at "${key}": expected an array or an object`);
    }
  }
  return true;
}
