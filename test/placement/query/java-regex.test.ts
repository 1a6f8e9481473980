/**
 * Java regular expressions (java.util.regex.Pattern, full match as String.matches) translated to JavaScript. The
 * expected results are Java's.
 */
import { describe, expect, it } from 'vitest';
import { parseQuery, QuerySyntaxError, RegexTranslationError, translateJavaRegex } from '../../../lib/placement/query/index.js';

function javaMatches(pattern: string, value: string): boolean {
  const { source, flags } = translateJavaRegex(pattern);
  return new RegExp(source, flags).test(value);
}

function rejection(pattern: string): RegexTranslationError {
  try {
    translateJavaRegex(pattern);
  } catch (error) {
    if (error instanceof RegexTranslationError) return error;
    throw error;
  }
  throw new Error(`accepted: ${pattern}`);
}

describe('accepted constructs behave as in Java', () => {
  const cases: [pattern: string, value: string, matches: boolean][] = [
    // literals and escapes
    ['t2\\.small', 't2.small', true],
    ['t2\\.small', 't2xsmall', false],
    ['a\\tb', 'a\tb', true],
    ['\\x41\\x{1F600}', 'A😀', true],
    ['\\u0041', 'A', true],
    ['\\uD83D\\uDE00', '😀', true],
    ['\\uD83D\\uDE00?', '', true],
    ['\\0101\\07', 'A\x07', true],
    ['\\cA', '\x01', true],
    ['\\e\\a\\f', '\x1b\x07\x0c', true],
    ['a\\-b\\#c\\@', 'a-b#c@', true],
    ['\\Q.*(\\E+', '.*((', true],
    ['\\Q.*(\\E', '.x(', false],
    ['\\Qa.b', 'a.b', true],
    ['x\\Q\\Ey', 'xy', true],
    ['a]b}', 'a]b}', true],
    ['😀+', '😀😀', true],
    // dot and line terminators
    ['a.c', 'abc', true],
    ['a.c', 'a\nc', false],
    ['a.c', 'a\u0085c', false],
    ['a.c', 'a\u2028c', false],
    ['(?s)a.c', 'a\u0085c', true],
    ['(?s:a.)c', 'a\nc', true],
    // predefined classes: Java's \s is ASCII, \h and \v are Java's sets
    ['\\s', '\u00a0', false],
    ['\\s', '\x0b', true],
    ['\\S', '\u00a0', true],
    ['\\h', '\u00a0', true],
    ['\\h', '\n', false],
    ['\\v', '\n', true],
    ['\\v', '\u2028', true],
    ['\\v', ' ', false],
    ['\\V', 'x', true],
    ['\\d+', '0123', true],
    ['\\d', '٣', false],
    ['\\w+', 'ab_9', true],
    ['\\w', 'é', false],
    ['\\W', 'é', true],
    ['.*\\bxl\\b.*', 'm5 xl', true],
    ['.*\\Bxl.*', 'm5xl', true],
    // anchors: $ matches before a final line terminator (outside MULTILINE)
    ['^abc$', 'abc', true],
    ['a$\\n', 'a\n', true],
    ['a$\\r\\n', 'a\r\n', true],
    ['a$\\r', 'a\r', true],
    ['a$\\n', 'a\nb', false],
    ['a$', 'a\n', false],
    ['a\\r$\\n', 'a\r\n', false],
    ['(?m)a$\\nb', 'a\nb', true],
    ['(?m)a\\n^b', 'a\nb', true],
    ['(?m)a\\n^', 'a\n', false],
    ['a\\n^b', 'a\nb', false],
    ['(?m)a\\r^\\n', 'a\r\n', false],
    // case-insensitivity: ASCII only, scoped like Java
    ['(?i)abc', 'ABC', true],
    ['(?i)é', 'É', false],
    ['(?i)[a-c]+', 'AbC', true],
    ['(?i)[^a-c]', 'B', false],
    ['(?i)[Z-a]+', 'zA_', true],
    ['(?i)\\Qab\\E', 'AB', true],
    ['a(?i)b', 'aB', true],
    ['a(?i)b', 'AB', false],
    ['(a(?i)b)c', 'aBc', true],
    ['(a(?i)b)c', 'aBC', false],
    ['(?i:ab)c', 'ABc', true],
    ['(?i:ab)c', 'ABC', false],
    ['(?i)a(?-i)b', 'Ab', true],
    ['(?i)a(?-i)b', 'AB', false],
    ['a(?i)b|c', 'C', true],
    ['(?im)a$', 'A', true],
    // classes
    ['[]a]+', ']a', true],
    ['[^]a]', 'b', true],
    ['[^]a]', ']', false],
    ['[a-]+', 'a-', true],
    ['[-a]', '-', true],
    ['[a&b]', '&', true],
    ['[a[bc]]+', 'abc', true],
    ['[a[^b]]', 'x', true],
    ['[a[^b]]', 'b', false],
    ['[^\\s]', ' ', false],
    ['[^\\s]', 'x', true],
    ['[\\s\\d]+', ' 1\t', true],
    ['[\\x41-\\x43]+', 'ABC', true],
    ['[\\Q-]\\E]+', '-]', true],
    ['[.*+?(){}|^$/\\\\]+', '.*+?(){}|^$/\\', true],
    ['[😀-😂]', '😁', true],
    // POSIX and Unicode properties
    ['\\p{Alpha}+', 'abcXYZ', true],
    ['\\p{Alpha}', 'é', false],
    ['\\p{Lower}\\p{Upper}', 'aB', true],
    ['\\p{Punct}+', '!-/:@[`{~', true],
    ['\\P{Digit}', 'x', true],
    ['\\p{XDigit}+', '09afAF', true],
    ['\\p{Space}', '\x0b', true],
    ['\\p{ASCII}', '\x7f', true],
    ['\\p{Cntrl}', '\x7f', true],
    ['\\p{Graph}', ' ', false],
    ['\\p{Print}', ' ', true],
    ['\\p{Blank}', '\t', true],
    ['\\p{Alnum}+', 'a1', true],
    ['\\p{L}+', 'éÉ日本', true],
    ['\\pL', 'x', true],
    ['\\PL', '1', true],
    ['\\p{IsLu}', 'É', true],
    ['\\p{gc=Nd}', '٣', true],
    ['\\p{general_category=Nd}', '5', true],
    ['\\p{IsAlphabetic}', 'é', true],
    ['\\p{IsWhite_Space}', '\u00a0', true],
    ['\\p{L1}', 'ÿ', true],
    ['\\p{L1}', 'Ā', false],
    ['\\p{LD}+', 'a1', true],
    ['[\\p{L}&&]'.replace('&&', ''), 'a', true],
    ['[^\\p{L}]', 'a', false],
    // groups and quantifiers
    ['(t2|m5)\\.(small|large)', 'm5.large', true],
    ['(?:ab)+', 'abab', true],
    ['(?<family>[a-z]+)\\d', 'c5', true],
    ['a{2}', 'aa', true],
    ['a{2}', 'aaa', false],
    ['a{2,}', 'aaaa', true],
    ['a{2,3}', 'aaaa', false],
    ['a{0}b', 'b', true],
    ['a+?b', 'aab', true],
    ['a??b', 'ab', true],
    ['a{1,2}?', 'aa', true],
    ['(?=t2).*', 't2.small', true],
    ['(?!t2).*', 't2.small', false],
    ['.*(?<=large)', 'm5.xlarge', true],
    ['.*(?<!large)', 'm5.xlarge', false],
    ['a|', '', true],
    ['', '', true],
    ['()', '', true],
  ];

  it.each(cases)('%j on %j: %s', (pattern, value, expected) => {
    expect(javaMatches(pattern, value)).toBe(expected);
  });

  it('produces full-match JavaScript with the v flag', () => {
    expect(translateJavaRegex('t2.*')).toEqual({ source: '^(?:t2[^\\n\\r\\u{85}\\u{2028}\\u{2029}]*)$', flags: 'v' });
    expect(translateJavaRegex('(?i)a').source).toBe('^(?:[aA])$');
  });
});

describe('rejected constructs, with their offset in the pattern', () => {
  const cases: [pattern: string, offset: number, message: RegExp][] = [
    // Java-only: JavaScript cannot express them identically
    ['a*+', 1, /possessive quantifier "\*\+"/],
    ['a{2}+', 1, /possessive quantifier "\{2\}\+"/],
    ['x(?>a|ab)c', 1, /atomic group/],
    ['\\Aabc', 0, /"\\A" is not supported/],
    ['abc\\z', 3, /"\\z" is not supported/],
    ['abc\\Z', 3, /"\\Z" is not supported/],
    ['\\Ga', 0, /"\\G" is not supported/],
    ['(?x)a b', 2, /embedded flag "x" is not supported.*COMMENTS/],
    ['(?iu)a', 3, /embedded flag "u" is not supported.*UNICODE_CASE/],
    ['(?d)a', 2, /embedded flag "d"/],
    ['(?U)\\w', 2, /embedded flag "U"/],
    ['(?-x:a)', 3, /embedded flag "x"/],
    ['(?q)a', 2, /unknown embedded flag "q"/],
    ['\\p{javaLowerCase}', 0, /java\.lang\.Character/],
    ['[a-z&&[^e]]', 4, /class intersection/],
    ['\\p{IsLatin}', 0, /not supported/],
    ['\\p{InGreek}', 0, /Unicode block/],
    ['(a)\\1', 3, /backreference "\\1"/],
    ['(?<n>a)\\k<n>', 7, /backreferences are not supported/],
    ['a\\R', 1, /linebreak/],
    ['\\X', 0, /grapheme cluster/],
    ['\\N{LATIN SMALL LETTER A}', 0, /named characters/],
    ['\\b{g}', 0, /grapheme boundary/],
    ['[^a[b]]', 3, /nested class inside a negated class/],
    ['(?i)\\p{Lower}', 4, /under \(\?i\)/],
    ['(?i)[\\p{Lu}]', 5, /under \(\?i\)/],
    ['^*', 1, /nothing it can repeat/],
    ['(?=a)*', 5, /nothing it can repeat/],
    // invalid Java
    ['*a', 0, /dangling "\*"/],
    ['a|+', 2, /dangling "\+"/],
    ['{2}', 0, /dangling "\{"/],
    ['a{', 1, /invalid repetition/],
    ['a{x}', 1, /invalid repetition/],
    ['a{3,2}', 1, /maximum is below the minimum/],
    ['(ab', 0, /unclosed group/],
    ['ab)', 2, /unmatched "\)"/],
    ['[ab', 0, /unclosed character class/],
    ['[]', 0, /unclosed character class/],
    ['ab\\', 2, /trailing backslash/],
    ['\\y', 0, /unknown escape "\\y"/],
    ['[\\y]', 1, /not supported inside a character class/],
    ['[z-a]', 1, /the end is below the start/],
    ['[a-\\d]', 1, /both ends of a range/],
    ['\\x4', 0, /hexadecimal escape/],
    ['\\x{110000}', 0, /beyond U\+10FFFF/],
    ['\\u12', 0, /Unicode escape/],
    ['\\0', 0, /octal escape/],
    ['\\c', 0, /control escape/],
    ['(?<1a>x)', 0, /invalid group name/],
    ['(?<n>a)(?<n>b)', 7, /duplicate group name "n"/],
    ['(?', 0, /unknown group construct/],
    ['\\E', 0, /without a preceding "\\Q"/],
    ['\\p{Nope}', 0, /not supported/],
    ['\\p{Alpha', 0, /unclosed property/],
    ['\\p1', 0, /invalid property/],
  ];

  it.each(cases)('%j at %i', (pattern, offset, message) => {
    const error = rejection(pattern);
    expect(error.offset).toBe(offset);
    expect(error.message).toMatch(message);
  });

  it('the parser reports them at their position in the expression (bare and quoted)', () => {
    const at = (expression: string) => {
      try {
        parseQuery(expression);
      } catch (error) {
        if (error instanceof QuerySyntaxError) return { position: error.position, end: error.end, message: error.message };
      }
      throw new Error('parsed');
    };
    expect(at('attribute:ecs.instance-type =~ [a-z&&[^e]]')).toEqual({
      position: 35,
      end: 37,
      message: 'at character 36: invalid regular expression "[a-z&&[^e]]": class intersection "&&" is not supported',
    });
    const quoted = "agentConnected == true and attribute:x =~ 'a b(?>c)'";
    expect(at(quoted)).toMatchObject({ position: quoted.indexOf('(?>'), end: quoted.indexOf('(?>') + 3 });
    expect(at('ec2InstanceId !~ \\Ai-.*')).toMatchObject({ position: 17, end: 19 });
    expect(at('task:group =~ "service:(web|api"')).toMatchObject({ position: 23, message: expect.stringContaining('unclosed group') as unknown });
  });
});
