/**
 * Translates a Java regular expression (java.util.regex.Pattern, as `=~` / `!~` take) into a JavaScript RegExp (`v`
 * flag) that accepts exactly the same strings under full-match semantics (Java's `String.matches`).
 *
 * What is translated, and how:
 * - Literals, `\t \n \r \f \a \e \0oct \xhh \x{h…} \uhhhh` (escaped surrogate pairs combine), `\cX`, `\Q…\E` (quoted
 *   literally, also inside classes), escaped punctuation.
 * - `.` excludes Java's line terminators (\n \r \u0085 \u2028 \u2029), not JavaScript's; `(?s)` makes it match all.
 * - `^` and `$` follow Java: without `(?m)`, `$` also matches before a line terminator at the very end; with `(?m)`,
 *   `^` matches after any terminator but never at the end of input, and `$` before any terminator; `\r\n` is one
 *   terminator. (Attribute values never contain line terminators, but the translation is exact anyway.)
 * - `\d \D \w \W \b \B` mean the same ASCII classes in both (Java 19+ `\b`); `\s \S \h \H \v \V` are expanded to
 *   Java's sets (JavaScript's `\s` and `\v` differ).
 * - Classes: ranges, negation, a leading `]` taken literally, nested classes (union) inside non-negated classes.
 * - POSIX `\p{Lower} \p{Upper} \p{ASCII} \p{Alpha} \p{Digit} \p{Alnum} \p{Punct} \p{Graph} \p{Print} \p{Blank}
 *   \p{Cntrl} \p{XDigit} \p{Space}` (US-ASCII, as in Java), Unicode general categories (`\p{L}`, `\pL`, `\p{IsLu}`,
 *   `\p{gc=Nd}`, `\p{general_category=Nd}`), `\p{L1}`, `\p{LD}`, `\p{all}` and a few binary properties
 *   (`\p{IsAlphabetic}`, `\p{IsLetter}`, `\p{IsLowercase}`, …), and their `\P` negations. JavaScript's Unicode
 *   tables follow the engine's Unicode version, which can be newer than the JVM's.
 * - Groups `( )`, `(?: )`, `(?<name> )`, look-ahead and look-behind (JavaScript also accepts unbounded look-behind,
 *   which Java rejects), quantifiers greedy and lazy, alternation.
 * - Embedded flags `(?i)`, `(?m)`, `(?s)`, their negations and the scoped form `(?i-s: )`, with Java's scoping (to
 *   the end of the enclosing group). `(?i)` is Java's ASCII-only case folding: translated by expanding ASCII letters
 *   (`a` → `[aA]`, `[a-c]` → `[a-cA-C]`).
 *
 * Rejected (with the offset of the construct), because JavaScript cannot express them identically: possessive
 * quantifiers `*+`, atomic groups `(?>…)`, `\A \G \Z \z`, `\R \X \N{…} \b{g}`, backreferences `\1 \k<name>` (Java
 * fails an unset group's backreference, JavaScript matches it empty), flags `d u x U`, `\p{javaXxx}`, scripts and
 * blocks (`\p{IsLatin}`, `\p{InGreek}`), class intersection `&&`, nested classes inside negated classes,
 * case-sensitive classes (`\p{Lower}`, `\p{Lu}`, …) under `(?i)`, quantified anchors and look-arounds.
 */

export class RegexTranslationError extends Error {
  override readonly name = 'RegexTranslationError';

  constructor(
    /** Offset in the pattern. */
    readonly offset: number,
    /** End (exclusive) of the offending construct in the pattern. */
    readonly end: number,
    message: string,
  ) {
    super(message);
  }
}

export interface TranslatedRegex {
  /** JavaScript source anchored for a full match: `^(?:…)$`. */
  source: string;
  flags: 'v';
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
}

interface Atom {
  src: string;
  quantifiable: boolean;
}

const LT = '\\n\\r\\u{85}\\u{2028}\\u{2029}';
const DOT = `[^${LT}]`;
const DOT_ALL = '[\\s\\S]';
const NOT_INSIDE_CRLF = '(?<!\\r(?=\\n))';
const CARET_MULTILINE = `(?!$)(?:^|(?<=[${LT}])${NOT_INSIDE_CRLF})`;
const DOLLAR = `(?:$|(?=\\r\\n$)|(?=[${LT}]$)${NOT_INSIDE_CRLF})`;
const DOLLAR_MULTILINE = `(?:$|(?=[${LT}])${NOT_INSIDE_CRLF})`;

/** Java's `\s`, `\h`, `\v` as JavaScript class bodies. */
const SPACE = '\\t\\n\\u{b}\\f\\r\\u{20}';
const HORIZONTAL = '\\u{20}\\t\\u{a0}\\u{1680}\\u{180e}\\u{2000}-\\u{200a}\\u{202f}\\u{205f}\\u{3000}';
const VERTICAL = '\\n\\u{b}\\f\\r\\u{85}\\u{2028}\\u{2029}';

const POSIX: Readonly<Record<string, string>> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\u{0}-\\u{7f}',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '\\u{21}-\\u{2f}\\u{3a}-\\u{40}\\u{5b}-\\u{60}\\u{7b}-\\u{7e}',
  Graph: '\\u{21}-\\u{7e}',
  Print: '\\u{20}-\\u{7e}',
  Blank: '\\u{20}\\t',
  Cntrl: '\\u{0}-\\u{1f}\\u{7f}',
  XDigit: '0-9a-fA-F',
  Space: SPACE,
  L1: '\\u{0}-\\u{ff}',
  all: '\\s\\S',
  LD: '\\p{L}\\p{Nd}',
};

const CATEGORIES = new Set([
  'L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'LC',
  'M', 'Mn', 'Mc', 'Me',
  'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po',
  'S', 'Sm', 'Sc', 'Sk', 'So',
  'Z', 'Zs', 'Zl', 'Zp',
  'C', 'Cc', 'Cf', 'Co', 'Cs', 'Cn',
]);

/** Java binary properties (after `Is`) with an identical JavaScript property. */
const BINARY: Readonly<Record<string, string>> = {
  Alphabetic: 'Alphabetic',
  Ideographic: 'Ideographic',
  Letter: 'L',
  Lowercase: 'Lowercase',
  Uppercase: 'Uppercase',
  Titlecase: 'Lt',
  Punctuation: 'P',
  Control: 'Cc',
  White_Space: 'White_Space',
  WhiteSpace: 'White_Space',
  Digit: 'Nd',
};

/** Property names whose meaning under Java's CASE_INSENSITIVE differs from JavaScript's: rejected under (?i). */
const CASE_SENSITIVE_PROPERTIES = new Set(['Lower', 'Upper', 'Lu', 'Ll', 'Lt', 'LC', 'Lowercase', 'Uppercase', 'Titlecase']);

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function isAsciiLetter(cp: number): boolean {
  return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
}

function isAsciiAlnum(cp: number): boolean {
  return isAsciiLetter(cp) || (cp >= 0x30 && cp <= 0x39);
}

const PLAIN_OUTSIDE_CLASS = new Set(Array.from(' !"#%&\',-:;<=>@_`~', (c) => c.codePointAt(0)));
const SYNTAX = new Set(Array.from('^$\\.*+?()[]{}|/', (c) => c.codePointAt(0)));

/** A code point as a JavaScript pattern character (outside classes). */
function literalOutside(cp: number): string {
  if (isAsciiAlnum(cp) || PLAIN_OUTSIDE_CLASS.has(cp)) return String.fromCodePoint(cp);
  if (SYNTAX.has(cp)) return `\\${String.fromCodePoint(cp)}`;
  return hex(cp);
}

/** A code point as a `v`-mode class member. */
function literalInClass(cp: number): string {
  return isAsciiAlnum(cp) ? String.fromCodePoint(cp) : hex(cp);
}

function otherCase(cp: number): number {
  return cp ^ 0x20;
}

type ClassItem = { kind: 'char'; cp: number; start: number } | { kind: 'set'; src: string } | { kind: 'chars'; cps: number[] };

class Translator {
  private i = 0;
  private flags: Flags = { i: false, m: false, s: false };
  private readonly names = new Set<string>();

  constructor(private readonly p: string) {}

  translate(): string {
    const body = this.alternation(0);
    if (this.i < this.p.length) throw this.error(this.i, this.i + 1, 'unmatched ")" (write \\) for a literal parenthesis)');
    return body;
  }

  private error(start: number, end: number, message: string): RegexTranslationError {
    return new RegexTranslationError(start, end, message);
  }

  private cp(at = this.i): number | undefined {
    return this.p.codePointAt(at);
  }

  private char(at = this.i): string | undefined {
    return this.p[at];
  }

  private alternation(depth: number): string {
    let out = this.sequence(depth);
    while (this.char() === '|') {
      this.i++;
      out += `|${this.sequence(depth)}`;
    }
    return out;
  }

  private sequence(depth: number): string {
    let out = '';
    while (this.i < this.p.length) {
      const c = this.char();
      if (c === '|') break;
      if (c === ')') {
        if (depth === 0) throw this.error(this.i, this.i + 1, 'unmatched ")" (write \\) for a literal parenthesis)');
        break;
      }
      const atom = this.atom();
      if (atom === undefined) continue;
      out += atom.src + this.quantifier(atom);
    }
    return out;
  }

  private quantifier(atom: Atom): string {
    const start = this.i;
    const c = this.char();
    let q: string;
    if (c === '*' || c === '+' || c === '?') {
      q = c;
      this.i++;
    } else if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.p.slice(this.i));
      if (!match) {
        const close = this.p.indexOf('}', this.i);
        throw this.error(start, close < 0 ? this.p.length : close + 1, 'invalid repetition: expected {n}, {n,} or {n,m} (write \\{ for a literal brace)');
      }
      const min = Number(match[1]);
      const max = match[3] === undefined || match[3] === '' ? undefined : Number(match[3]);
      if (max !== undefined && max < min) throw this.error(start, start + match[0].length, `invalid repetition ${match[0]}: the maximum is below the minimum`);
      q = match[0];
      this.i += match[0].length;
    } else {
      return '';
    }
    if (!atom.quantifiable) throw this.error(start, this.i, `the quantifier "${this.p.slice(start, this.i)}" has nothing it can repeat (an anchor or look-around cannot be repeated)`);
    if (this.char() === '?') {
      this.i++;
      q += '?';
    } else if (this.char() === '+') {
      this.i++;
      throw this.error(start, this.i, `possessive quantifier "${this.p.slice(start, this.i)}" is not supported: JavaScript has no possessive quantifiers (use a greedy one)`);
    }
    return q;
  }

  private literal(cp: number): string {
    if (this.flags.i && isAsciiLetter(cp)) return `[${String.fromCodePoint(cp)}${String.fromCodePoint(otherCase(cp))}]`;
    return literalOutside(cp);
  }

  private atom(): Atom | undefined {
    const start = this.i;
    const cp = this.cp();
    if (cp === undefined) throw this.error(start, start, 'unexpected end of the regular expression');
    switch (cp) {
      case 0x28: // (
        return this.group();
      case 0x5b: // [
        return { src: this.characterClass(), quantifiable: true };
      case 0x2e: // .
        this.i++;
        return { src: this.flags.s ? DOT_ALL : DOT, quantifiable: true };
      case 0x5e: // ^
        this.i++;
        return { src: this.flags.m ? CARET_MULTILINE : '^', quantifiable: false };
      case 0x24: // $
        this.i++;
        return { src: this.flags.m ? DOLLAR_MULTILINE : DOLLAR, quantifiable: false };
      case 0x5c: // \
        return this.escape();
      case 0x2a: // *
      case 0x2b: // +
      case 0x3f: // ?
        throw this.error(start, start + 1, `dangling "${String.fromCodePoint(cp)}": nothing before it to repeat (write \\${String.fromCodePoint(cp)} for the character)`);
      case 0x7b: // {
        throw this.error(start, start + 1, 'dangling "{": nothing before it to repeat (write \\{ for the character)');
      default:
        this.i += cp > 0xffff ? 2 : 1;
        return { src: this.literal(cp), quantifiable: true };
    }
  }

  private group(): Atom | undefined {
    const open = this.i;
    this.i++;
    let prefix = '(';
    let quantifiable = true;
    const saved = { ...this.flags };
    if (this.char() === '?') {
      this.i++;
      const c = this.char();
      if (c === ':') {
        this.i++;
        prefix = '(?:';
      } else if (c === '=' || c === '!') {
        this.i++;
        prefix = `(?${c}`;
        quantifiable = false;
      } else if (c === '<' && (this.char(this.i + 1) === '=' || this.char(this.i + 1) === '!')) {
        prefix = `(?<${this.char(this.i + 1) ?? ''}`;
        this.i += 2;
        quantifiable = false;
      } else if (c === '<') {
        const match = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(this.p.slice(this.i));
        if (!match?.[1]) throw this.error(open, this.i + 1, 'invalid group name: expected (?<name>…) with a name of ASCII letters and digits starting with a letter');
        if (this.names.has(match[1])) throw this.error(open, this.i + match[0].length, `duplicate group name "${match[1]}"`);
        this.names.add(match[1]);
        prefix = `(?<${match[1]}>`;
        this.i += match[0].length;
      } else if (c === '>') {
        throw this.error(open, this.i + 1, 'atomic group "(?>…)" is not supported: JavaScript has no atomic groups');
      } else {
        const flagsStart = this.i;
        const match = /^([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(this.p.slice(this.i));
        if (!match) throw this.error(open, this.i + 1, 'unknown group construct "(?" (expected (?:, (?=, (?!, (?<=, (?<!, (?<name> or embedded flags like (?i))');
        const on = match[1] ?? '';
        const off = match[2] ?? '';
        for (let k = 0; k < on.length + off.length; k++) {
          const flag = (on + off)[k] ?? '';
          const at = flagsStart + (k < on.length ? k : k + 1);
          if (flag === 'i' || flag === 'm' || flag === 's') continue;
          if ('duxU'.includes(flag)) {
            throw this.error(at, at + 1, `embedded flag "${flag}" is not supported: JavaScript cannot reproduce Java's ${flagName(flag)} (only i, m and s are)`);
          }
          throw this.error(at, at + 1, `unknown embedded flag "${flag}" (Java knows i, d, m, s, u, x, U; i, m and s are supported)`);
        }
        for (const flag of on) this.flags[flag as keyof Flags] = true;
        for (const flag of off) this.flags[flag as keyof Flags] = false;
        this.i += match[0].length;
        if (match[3] === ')') return undefined; // (?i): applies to the rest of the enclosing group
        prefix = '(?:';
        const inner = this.alternation(1);
        this.closeGroup(open);
        this.flags = saved;
        return { src: `${prefix}${inner})`, quantifiable: true };
      }
    }
    const inner = this.alternation(1);
    this.closeGroup(open);
    this.flags = saved;
    return { src: `${prefix}${inner})`, quantifiable };
  }

  private closeGroup(open: number): void {
    if (this.char() !== ')') throw this.error(open, open + 1, 'unclosed group: this "(" has no ")"');
    this.i++;
  }

  /** After a backslash: the code point of a character escape, or undefined when it is not one. */
  private characterEscape(start: number): number | undefined {
    const c = this.char();
    const simple: Record<string, number> = { t: 0x09, n: 0x0a, r: 0x0d, f: 0x0c, a: 0x07, e: 0x1b };
    if (c !== undefined && c in simple) {
      this.i++;
      return simple[c];
    }
    if (c === '0') {
      const match = /^0([0-3][0-7]{2}|[0-7]{1,2})/.exec(this.p.slice(this.i));
      if (!match?.[1]) throw this.error(start, this.i + 1, 'invalid octal escape: \\0 must be followed by 1 to 3 octal digits');
      this.i += match[0].length;
      return parseInt(match[1], 8);
    }
    if (c === 'x') {
      const braced = /^x\{([0-9a-fA-F]+)\}/.exec(this.p.slice(this.i));
      if (braced?.[1]) {
        const cp = parseInt(braced[1], 16);
        if (cp > 0x10ffff) throw this.error(start, this.i + braced[0].length, 'invalid \\x{…} escape: beyond U+10FFFF');
        this.i += braced[0].length;
        return cp;
      }
      const match = /^x([0-9a-fA-F]{2})/.exec(this.p.slice(this.i));
      if (!match?.[1]) throw this.error(start, this.i + 1, 'invalid hexadecimal escape: expected \\xhh or \\x{h…}');
      this.i += match[0].length;
      return parseInt(match[1], 16);
    }
    if (c === 'u') {
      const match = /^u([0-9a-fA-F]{4})/.exec(this.p.slice(this.i));
      if (!match?.[1]) throw this.error(start, this.i + 1, 'invalid Unicode escape: expected \\uhhhh');
      this.i += match[0].length;
      const unit = parseInt(match[1], 16);
      const low = /^\\u(d[c-f][0-9a-f]{2})/i.exec(this.p.slice(this.i));
      if (unit >= 0xd800 && unit <= 0xdbff && low?.[1]) {
        this.i += low[0].length;
        return (unit - 0xd800) * 0x400 + (parseInt(low[1], 16) - 0xdc00) + 0x10000;
      }
      return unit;
    }
    if (c === 'c') {
      const next = this.cp(this.i + 1);
      if (next === undefined) throw this.error(start, this.i + 1, 'invalid control escape: \\c must be followed by a character');
      this.i += next > 0xffff ? 3 : 2;
      return next ^ 64;
    }
    return undefined;
  }

  /** `\Q…\E`: the code points quoted (the backslash and Q already consumed). */
  private quoted(): number[] {
    const end = this.p.indexOf('\\E', this.i);
    const text = this.p.slice(this.i, end < 0 ? this.p.length : end);
    this.i = end < 0 ? this.p.length : end + 2;
    return Array.from(text, (ch) => ch.codePointAt(0) ?? 0);
  }

  private escape(): Atom | undefined {
    const start = this.i;
    this.i++;
    const cp = this.cp();
    if (cp === undefined) throw this.error(start, start + 1, 'trailing backslash: nothing to escape');
    const c = String.fromCodePoint(cp);
    const code = this.characterEscape(start);
    if (code !== undefined) return { src: this.literal(code), quantifiable: true };
    const end2 = start + 2;
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        this.i++;
        return { src: `\\${c}`, quantifiable: true };
      case 's':
      case 'S':
      case 'h':
      case 'H':
      case 'v':
      case 'V':
        this.i++;
        return { src: predefinedClass(c), quantifiable: true };
      case 'b':
      case 'B':
        if (c === 'b' && this.char(this.i + 1) === '{') throw this.error(start, this.p.indexOf('}', start) + 1 || this.p.length, 'grapheme boundary "\\b{g}" is not supported by JavaScript');
        this.i++;
        return { src: `\\${c}`, quantifiable: false };
      case 'A':
      case 'G':
      case 'Z':
      case 'z':
        throw this.error(start, end2, `"\\${c}" is not supported: ${c === 'A' ? 'use ^ (the match is always against the whole value)' : c === 'G' ? 'JavaScript has no \\G' : 'use $ (the match is always against the whole value)'}`);
      case 'R':
      case 'X':
        throw this.error(start, end2, `"\\${c}" is not supported: JavaScript has no ${c === 'R' ? 'linebreak matcher' : 'grapheme cluster matcher'}`);
      case 'N':
        throw this.error(start, end2, 'named characters "\\N{…}" are not supported: write the character or \\x{h…}');
      case 'k':
        throw this.error(start, end2, 'backreferences are not supported: Java fails a reference to an unset group where JavaScript matches it empty');
      case 'p':
      case 'P':
        this.i++;
        return { src: this.property(c === 'P', start), quantifiable: true };
      case 'Q': {
        this.i++;
        const cps = this.quoted();
        if (cps.length === 0) return undefined;
        return { src: cps.map((q) => this.literal(q)).join(''), quantifiable: true };
      }
      case 'E':
        throw this.error(start, end2, '"\\E" without a preceding "\\Q"');
      default:
        if (cp >= 0x31 && cp <= 0x39) throw this.error(start, end2, `backreference "\\${c}" is not supported: Java fails a reference to an unset group where JavaScript matches it empty`);
        if (isAsciiLetter(cp)) throw this.error(start, end2, `unknown escape "\\${c}"`);
        this.i += cp > 0xffff ? 2 : 1;
        return { src: this.literal(cp), quantifiable: true };
    }
  }

  /** `\p{…}` / `\pL` with `this.i` after the p; returns a class or property escape usable in and out of classes. */
  private property(negated: boolean, start: number): string {
    let name: string;
    if (this.char() === '{') {
      const close = this.p.indexOf('}', this.i);
      if (close < 0) throw this.error(start, this.p.length, 'unclosed property: "\\p{" has no "}"');
      name = this.p.slice(this.i + 1, close);
      this.i = close + 1;
    } else {
      const cp = this.cp();
      if (cp === undefined || !isAsciiLetter(cp)) throw this.error(start, this.i + 1, 'invalid property: expected \\p{Name} or \\pL');
      name = String.fromCodePoint(cp);
      this.i++;
    }
    const end = this.i;
    const p = negated ? 'P' : 'p';
    if (name.startsWith('java')) throw this.error(start, end, `"\\${p}{${name}}" is not supported: java.lang.Character properties have no JavaScript equivalent`);
    if (this.flags.i && CASE_SENSITIVE_PROPERTIES.has(name.replace(/^(Is|gc=|general_category=)/, ''))) {
      throw this.error(start, end, `"\\${p}{${name}}" under (?i) is not supported: Java's case-insensitive meaning of it differs`);
    }
    const posix = POSIX[name];
    if (posix !== undefined) return `[${negated ? '^' : ''}${posix}]`;
    const category = name.replace(/^(Is|gc=|general_category=)/, '');
    if (CATEGORIES.has(category)) return `\\${p}{${category}}`;
    const binary = name.startsWith('Is') ? BINARY[name.slice(2)] : undefined;
    if (binary !== undefined) return `\\${p}{${binary}}`;
    if (/^(In|blk=|block=)/.test(name)) throw this.error(start, end, `Unicode block "\\${p}{${name}}" is not supported: JavaScript has no block properties`);
    throw this.error(start, end, `"\\${p}{${name}}" is not supported (supported: POSIX classes like \\p{Alpha}, general categories like \\p{Lu}, \\p{IsAlphabetic})`);
  }

  private characterClass(): string {
    const open = this.i;
    this.i++;
    let negated = false;
    if (this.char() === '^') {
      negated = true;
      this.i++;
    }
    const parts: string[] = [];
    let first = true;
    for (;;) {
      const c = this.char();
      if (c === undefined) throw this.error(open, open + 1, 'unclosed character class: this "[" has no "]"');
      if (c === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      if (c === '[') {
        if (negated) throw this.error(this.i, this.i + 1, 'a nested class inside a negated class is not supported (its meaning changed between Java versions)');
        parts.push(this.characterClass());
        continue;
      }
      if (c === '&' && this.char(this.i + 1) === '&') throw this.error(this.i, this.i + 2, 'class intersection "&&" is not supported');
      const item = this.classItem();
      if (item.kind === 'char' && this.char() === '-' && this.char(this.i + 1) !== ']' && this.char(this.i + 1) !== undefined) {
        const dash = this.i;
        this.i++;
        if (this.char() === '[') throw this.error(dash, dash + 1, 'ambiguous "-" before a nested class: write \\- for the character');
        const high = this.classItem();
        if (high.kind !== 'char') throw this.error(item.start, this.i, 'invalid range: both ends of a range must be single characters');
        if (high.cp < item.cp) throw this.error(item.start, this.i, `invalid range "${this.p.slice(item.start, this.i)}": the end is below the start`);
        parts.push(this.range(item.cp, high.cp));
        continue;
      }
      if (item.kind === 'set') parts.push(item.src);
      else if (item.kind === 'char') parts.push(this.classChar(item.cp));
      else parts.push(item.cps.map((q) => this.classChar(q)).join(''));
    }
    return `[${negated ? '^' : ''}${parts.join('')}]`;
  }

  private classChar(cp: number): string {
    const own = literalInClass(cp);
    return this.flags.i && isAsciiLetter(cp) ? own + literalInClass(otherCase(cp)) : own;
  }

  private range(low: number, high: number): string {
    let src = `${literalInClass(low)}-${literalInClass(high)}`;
    if (this.flags.i) {
      for (const [from, to] of [
        [0x41, 0x5a],
        [0x61, 0x7a],
      ] as const) {
        const a = Math.max(low, from);
        const b = Math.min(high, to);
        if (a <= b) src += `${literalInClass(otherCase(a))}-${literalInClass(otherCase(b))}`;
      }
    }
    return src;
  }

  private classItem(): ClassItem {
    const start = this.i;
    const cp = this.cp();
    if (cp === undefined) throw this.error(start, start, 'unexpected end of the regular expression');
    if (cp !== 0x5c) {
      this.i += cp > 0xffff ? 2 : 1;
      return { kind: 'char', cp, start };
    }
    this.i++;
    const next = this.cp();
    if (next === undefined) throw this.error(start, start + 1, 'trailing backslash: nothing to escape');
    const code = this.characterEscape(start);
    if (code !== undefined) return { kind: 'char', cp: code, start };
    const c = String.fromCodePoint(next);
    if ('dDwW'.includes(c)) {
      this.i++;
      return { kind: 'set', src: `\\${c}` };
    }
    if ('sShHvV'.includes(c)) {
      this.i++;
      return { kind: 'set', src: predefinedClass(c) };
    }
    if (c === 'p' || c === 'P') {
      this.i++;
      return { kind: 'set', src: this.property(c === 'P', start) };
    }
    if (c === 'Q') {
      this.i++;
      return { kind: 'chars', cps: this.quoted() };
    }
    if (isAsciiAlnum(next)) throw this.error(start, start + 2, `"\\${c}" is not supported inside a character class`);
    this.i += next > 0xffff ? 2 : 1;
    return { kind: 'char', cp: next, start };
  }
}

function predefinedClass(c: string): string {
  switch (c) {
    case 's':
      return `[${SPACE}]`;
    case 'S':
      return `[^${SPACE}]`;
    case 'h':
      return `[${HORIZONTAL}]`;
    case 'H':
      return `[^${HORIZONTAL}]`;
    case 'v':
      return `[${VERTICAL}]`;
    default:
      return `[^${VERTICAL}]`;
  }
}

function flagName(flag: string): string {
  switch (flag) {
    case 'd':
      return 'UNIX_LINES';
    case 'u':
      return 'UNICODE_CASE';
    case 'x':
      return 'COMMENTS';
    default:
      return 'UNICODE_CHARACTER_CLASS';
  }
}

/**
 * Translates a Java pattern into JavaScript source anchored for a full match. Throws RegexTranslationError (with the
 * offset in the pattern) for what Java rejects and for what JavaScript cannot reproduce.
 */
export function translateJavaRegex(pattern: string): TranslatedRegex {
  const body = new Translator(pattern).translate();
  const source = `^(?:${body})$`;
  try {
    new RegExp(source, 'v');
  } catch (error) {
    throw new RegexTranslationError(0, pattern.length, `cannot be translated to JavaScript (${error instanceof Error ? error.message : String(error)})`);
  }
  return { source, flags: 'v' };
}

/** The compiled RegExp for a Java pattern (full match). */
export function javaRegex(pattern: string): RegExp {
  const { source, flags } = translateJavaRegex(pattern);
  return new RegExp(source, flags);
}
