import { describe, expect, it } from 'vitest';
import {
  MAX_EXPRESSION_LENGTH,
  parseQuery,
  printQuery,
  QuerySyntaxError,
  withoutPositions,
  type ConditionNode,
  type QueryNode,
} from '../../../lib/placement/query/index.js';

/** The tree in a compact notation: and(…), or(…), not(…), and conditions in canonical text. */
function shape(node: QueryNode): string {
  switch (node.type) {
    case 'and':
    case 'or':
      return `${node.type}(${shape(node.left)}, ${shape(node.right)})`;
    case 'not':
      return `not(${shape(node.operand)})`;
    case 'condition':
      return `{${printQuery(node)}}`;
  }
}

function condition(expression: string): ConditionNode {
  const node = parseQuery(expression);
  if (node.type !== 'condition') throw new Error(`not a condition: ${expression}`);
  return node;
}

function syntaxError(expression: string): QuerySyntaxError {
  try {
    parseQuery(expression);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return error;
    throw error;
  }
  throw new Error(`parsed: ${expression}`);
}

describe('operators and their aliases', () => {
  it.each([
    ['==', 'equals', '=='],
    ['!=', 'not_equals', '!='],
    ['>', 'greater_than', '>'],
    ['>=', 'greater_than_equal', '>='],
    ['<', 'less_than', '<'],
    ['<=', 'less_than_equal', '<='],
  ])('%s and %s on attribute values', (symbol, word, canonical) => {
    expect(condition(`attribute:disk ${symbol} 10`).operator.operator).toBe(canonical);
    expect(condition(`attribute:disk ${word} 10`).operator.operator).toBe(canonical);
    expect(condition(`attribute:disk ${word.toUpperCase()} 10`).operator.operator).toBe(canonical);
  });

  it.each([
    ['exists', 'exists'],
    ['!exists', '!exists'],
    ['not_exists', '!exists'],
    ['NOT_EXISTS', '!exists'],
  ])('%s takes no argument', (spelling, canonical) => {
    const node = condition(`attribute:gpu ${spelling}`);
    expect(node.operator.operator).toBe(canonical);
    expect(node.argument).toBeUndefined();
  });

  it.each([
    ['in', 'in'],
    ['!in', '!in'],
    ['not_in', '!in'],
  ])('%s takes a list', (spelling, canonical) => {
    const node = condition(`attribute:ecs.availability-zone ${spelling} [us-east-1a, 'us-east-1b', "us-east-1c"]`);
    expect(node.operator.operator).toBe(canonical);
    expect(node.argument).toMatchObject({ type: 'list', items: [{ value: 'us-east-1a' }, { value: 'us-east-1b' }, { value: 'us-east-1c' }] });
  });

  it.each([
    ['=~', '=~'],
    ['matches', '=~'],
    ['!~', '!~'],
    ['not_matches', '!~'],
  ])('%s takes a regular expression', (spelling, canonical) => {
    const node = condition(`attribute:ecs.instance-type ${spelling} t2.*`);
    expect(node.operator.operator).toBe(canonical);
    expect(node.argument).toMatchObject({ type: 'value', value: 't2.*' });
  });

  it('symbolic operators need no spaces; word operators do', () => {
    expect(shape(parseQuery('runningTasksCount==1&&attribute:x!=y||attribute:z in[a,b]'))).toBe(
      'or(and({runningTasksCount == 1}, {attribute:x != y}), {attribute:z in [a, b]})',
    );
    expect(syntaxError('runningTasksCount equals1').expected).toMatch(/^an operator/);
  });
});

describe('subjects', () => {
  it.each([
    ['agentConnected == true', 'agentConnected'],
    ['agentVersion >= 1.20.0', 'agentVersion'],
    ['attribute:ecs.ami-id == ami-0fe5f366c083f59ca', 'attribute'],
    ['ec2InstanceId != i-1', 'ec2InstanceId'],
    ['registeredAt > 2018-06-18', 'registeredAt'],
    ['runningTasksCount <= 3', 'runningTasksCount'],
    ['task:group == service:web', 'task:group'],
  ])('%s', (expression, name) => {
    expect(condition(expression).subject.name).toBe(name);
  });

  it('subject names and the attribute: prefix are case-insensitive, attribute names are not', () => {
    expect(condition('AGENTCONNECTED == true').subject.name).toBe('agentConnected');
    expect(condition('Task:Group == x').subject.name).toBe('task:group');
    expect(condition('ATTRIBUTE:Stack == prod').subject).toMatchObject({ name: 'attribute', attribute: 'Stack' });
  });

  it('attribute names: built-in, capability, custom with / \\ _ .', () => {
    expect(condition('attribute:com.amazonaws.ecs.capability.docker-remote-api.1.17 exists').subject.attribute).toBe(
      'com.amazonaws.ecs.capability.docker-remote-api.1.17',
    );
    expect(condition('attribute:team/sub_team\\x.y-z == a').subject.attribute).toBe('team/sub_team\\x.y-z');
    expect(condition(`attribute:${'a'.repeat(128)} exists`).subject.attribute).toHaveLength(128);
  });

  it('the subject/operator table follows the documentation (task:group: our choice)', () => {
    const ok = [
      'agentConnected in [true, false]',
      'agentConnected =~ t.*',
      'ec2InstanceId !~ i-0.*',
      'task:group in [a, b]',
      'task:group exists',
      'task:group !exists',
      'task:group =~ service:.*',
    ];
    for (const expression of ok) expect(() => parseQuery(expression), expression).not.toThrow();
    const bad: [string, number][] = [
      ['runningTasksCount =~ x', 18],
      ['runningTasksCount in [1]', 18],
      ['agentVersion exists', 13],
      ['registeredAt in [2018-01-01]', 13],
      ['agentConnected > true', 15],
      ['ec2InstanceId exists', 14],
      ['task:group > a', 11],
    ];
    for (const [expression, position] of bad) {
      const error = syntaxError(expression);
      expect(error.position, expression).toBe(position);
      expect(error.expected, expression).toMatch(/^an operator supported by /);
    }
    expect(syntaxError('runningTasksCount =~ x').message).toBe(
      'at character 19: expected an operator supported by runningTasksCount (==, !=, >, >=, <, <=) after "runningTasksCount", found "=~"',
    );
  });
});

describe('values', () => {
  it('bare, single- or double-quoted; quotes allow spaces and punctuation', () => {
    expect(condition("attribute:team == 'data platform'").argument).toMatchObject({ value: 'data platform' });
    expect(condition('attribute:team == "data platform"').argument).toMatchObject({ value: 'data platform' });
    expect(condition("attribute:x == 'a,b[c](d)'").argument).toMatchObject({ value: 'a,b[c](d)' });
    expect(condition("attribute:x == ''").argument).toMatchObject({ value: '' });
    expect(condition('task:group == service:production').argument).toMatchObject({ value: 'service:production' });
    expect(condition('attribute:x == a@b/c\\d').argument).toMatchObject({ value: 'a@b/c\\d' });
  });

  it('inside quotes, backslash escapes quotes and itself; other backslashes stay', () => {
    expect(condition("attribute:x == 'it\\'s'").argument).toMatchObject({ value: "it's" });
    expect(condition('attribute:x == "say \\"hi\\""').argument).toMatchObject({ value: 'say "hi"' });
    expect(condition("attribute:x == 'a\\\\b'").argument).toMatchObject({ value: 'a\\b' });
    expect(condition("attribute:path == 'C:\\data\\ecs'").argument).toMatchObject({ value: 'C:\\data\\ecs' });
  });

  it('regular expressions: bare up to whitespace or an unmatched ")", quoted taken as written', () => {
    expect(condition('attribute:x =~ (t2|m5)\\..*').argument).toMatchObject({ value: '(t2|m5)\\..*' });
    expect(condition('attribute:x =~ [a-c](\\d)+').argument).toMatchObject({ value: '[a-c](\\d)+' });
    expect(condition("attribute:x =~ 'a b\\'c\\\\d'").argument).toMatchObject({ value: "a b\\'c\\\\d" });
    const not = parseQuery('not(attribute:x =~ (a|b).*)');
    expect(not.type === 'not' && not.operand.type === 'condition' && not.operand.argument).toMatchObject({ value: '(a|b).*' });
  });

  it('agentConnected takes true or false (any case), normalised', () => {
    expect(condition('agentConnected == TRUE').argument).toMatchObject({ value: 'true' });
    expect(condition('agentConnected in [False, true]').argument).toMatchObject({ items: [{ value: 'false' }, { value: 'true' }] });
    const error = syntaxError('agentConnected == yes');
    expect([error.position, error.expected]).toEqual([18, 'true or false']);
  });

  it('runningTasksCount takes a number', () => {
    expect(condition('runningTasksCount < 10').argument).toMatchObject({ value: '10' });
    expect(condition('runningTasksCount >= 2.5').argument).toMatchObject({ value: '2.5' });
    const error = syntaxError('runningTasksCount < ten');
    expect([error.position, error.expected, error.message]).toEqual([20, 'a number', 'at character 21: expected a number after "runningTasksCount <", found "ten"']);
  });

  it('agentVersion takes a version', () => {
    expect(condition('agentVersion < 1.14.5').argument).toMatchObject({ value: '1.14.5' });
    expect(condition('agentVersion == 2').argument).toMatchObject({ value: '2' });
    for (const bad of ['1.14.x', 'v1.14', '1..2', '1.14.5-beta']) {
      const error = syntaxError(`agentVersion < ${bad}`);
      expect([error.position, error.expected], bad).toEqual([15, 'a version (like 1.14.5)']);
    }
  });

  it('registeredAt takes the 4 documented date formats', () => {
    for (const date of ['2018-06-18T22:28:28+00:00', '2018-06-18T22:28:28-05:30', '2018-06-18T22:28:28Z', '2018-06-18T22:28:28', '2018-06-18']) {
      expect(condition(`registeredAt < ${date}`).argument, date).toMatchObject({ value: date });
    }
    expect(condition("registeredAt < '2018-06-18'").argument).toMatchObject({ value: '2018-06-18' });
    const cases: [string, string][] = [
      ['2018-06-18T22:28', 'not one of the formats'],
      ['2018-06-18T22:28:28.123Z', 'not one of the formats'],
      ['18-06-18', 'not one of the formats'],
      ['2018-13-01', 'month 13 does not exist'],
      ['2019-02-29', 'day 29 does not exist in 2019-02'],
      ['2018-06-18T24:00:00', 'time 24:00:00 does not exist'],
      ['2018-06-18T22:28:28+24:00', 'UTC offset +24:00 does not exist'],
    ];
    for (const [date, why] of cases) {
      const error = syntaxError(`registeredAt < ${date}`);
      expect(error.position, date).toBe(15);
      expect(error.expected, date).toMatch(/^a date \(2018-06-18, /);
      expect(error.message, date).toContain(why);
    }
    expect(() => parseQuery('registeredAt < 2020-02-29')).not.toThrow();
    // A date and a time with a space: the date is the value, the time is left over (quoting does not help either).
    expect(syntaxError('registeredAt < 2018-06-18 22:28:28').position).toBe(26);
    expect(syntaxError("registeredAt < '2018-06-18 22:28:28'").position).toBe(15);
  });
});

describe('compound expressions', () => {
  it('precedence: not > and > or; and/or are left-associative', () => {
    expect(shape(parseQuery('attribute:a exists or attribute:b exists and attribute:c exists'))).toBe(
      'or({attribute:a exists}, and({attribute:b exists}, {attribute:c exists}))',
    );
    expect(shape(parseQuery('not attribute:a exists and attribute:b exists'))).toBe('and(not({attribute:a exists}), {attribute:b exists})');
    expect(shape(parseQuery('attribute:a exists and attribute:b exists and attribute:c exists'))).toBe(
      'and(and({attribute:a exists}, {attribute:b exists}), {attribute:c exists})',
    );
    expect(shape(parseQuery('attribute:a exists or attribute:b exists or attribute:c exists'))).toBe(
      'or(or({attribute:a exists}, {attribute:b exists}), {attribute:c exists})',
    );
  });

  it('parentheses group: (expression1 or expression2) and expression3', () => {
    expect(shape(parseQuery('(attribute:a exists or attribute:b exists) and attribute:c exists'))).toBe(
      'and(or({attribute:a exists}, {attribute:b exists}), {attribute:c exists})',
    );
    expect(shape(parseQuery('((attribute:a exists))'))).toBe('{attribute:a exists}');
  });

  it('&& || ! are aliases of and or not; keywords are case-insensitive', () => {
    const expected = 'or(and(not({attribute:a exists}), {attribute:b exists}), {attribute:c exists})';
    expect(shape(parseQuery('!attribute:a exists && attribute:b exists || attribute:c exists'))).toBe(expected);
    expect(shape(parseQuery('NOT attribute:a exists AND attribute:b exists Or attribute:c exists'))).toBe(expected);
    expect(shape(parseQuery('not(task:group == database)'))).toBe('not({task:group == database})');
    expect(shape(parseQuery('!(task:group == database)'))).toBe('not({task:group == database})');
    expect(shape(parseQuery('not not agentConnected == true'))).toBe('not(not({agentConnected == true}))');
  });

  it('whitespace: tabs and newlines count', () => {
    expect(shape(parseQuery('\tattribute:a exists\n and\r\n(attribute:b\texists) '))).toBe('and({attribute:a exists}, {attribute:b exists})');
  });

  it('every node has its source span (parentheses excluded)', () => {
    const source = 'not(attribute:x in [a, b]) and (runningTasksCount > 1)';
    const root = parseQuery(source);
    expect(root).toMatchObject({ type: 'and', start: 0, end: source.length });
    if (root.type !== 'and' || root.left.type !== 'not' || root.left.operand.type !== 'condition') throw new Error('shape');
    const cond = root.left.operand;
    const text = (span: { start: number; end: number }) => source.slice(span.start, span.end);
    expect(text(root.left)).toBe('not(attribute:x in [a, b])');
    expect(text(cond)).toBe('attribute:x in [a, b]');
    expect(text(cond.subject)).toBe('attribute:x');
    expect(text(cond.operator)).toBe('in');
    expect(text(cond.argument!)).toBe('[a, b]');
    expect(cond.argument?.type === 'list' && cond.argument.items.map(text)).toEqual(['a', 'b']);
    expect(text(root.right)).toBe('runningTasksCount > 1');
  });
});

describe('syntax errors: position, expected, message', () => {
  const cases: [expression: string, position: number, expected: string, message: string][] = [
    [
      'attribute:ecs.instance-type t2.small',
      28,
      'an operator (==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~)',
      'at character 29: expected an operator (==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~) after "attribute:ecs.instance-type", found "t2.small"',
    ],
    [
      'attribute:ecs.instance-type',
      27,
      'an operator (==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~)',
      'at character 28: expected an operator (==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~) after "attribute:ecs.instance-type", found the end of the expression',
    ],
    [
      'instanceType == t2.small',
      0,
      'a subject (agentConnected, agentVersion, attribute:<name>, ec2InstanceId, registeredAt, runningTasksCount, task:group)',
      'at character 1: expected a subject (agentConnected, agentVersion, attribute:<name>, ec2InstanceId, registeredAt, runningTasksCount, task:group), found "instanceType"',
    ],
    [
      'agentConnected == true and',
      26,
      "a subject (agentConnected, agentVersion, attribute:<name>, ec2InstanceId, registeredAt, runningTasksCount, task:group), 'not' or '('",
      "at character 27: expected a subject (agentConnected, agentVersion, attribute:<name>, ec2InstanceId, registeredAt, runningTasksCount, task:group), 'not' or '(', found the end of the expression",
    ],
    ['attribute:x in [a, b', 20, "',' or ']'", "at character 21: expected ',' or ']', found the end of the expression"],
    ['attribute:x in [a b]', 18, "',' or ']'", 'at character 19: expected \',\' or \']\', found "b" (separate values with commas; quote values that contain spaces)'],
    ['attribute:x in a, b', 15, "'[' (a list: [a, b, c])", 'at character 16: expected \'[\' (a list: [a, b, c]) after "attribute:x in", found "a"'],
    ['attribute:x in []', 16, "a value (bare, or quoted: 'a value')", 'at character 17: expected a value (bare, or quoted: \'a value\') after "attribute:x in [", found "]"'],
    ['attribute:x in [a,]', 18, "a value (bare, or quoted: 'a value')", 'at character 19: expected a value (bare, or quoted: \'a value\') after "attribute:x in [… ,", found "]"'],
    ['attribute:x ==', 14, "a value (bare, or quoted: 'a value')", 'at character 15: expected a value (bare, or quoted: \'a value\') after "attribute:x ==", found the end of the expression'],
    ["attribute:x == 'abc", 19, 'a closing "\'"', 'at character 20: expected a closing "\'", found the end of the expression (the quote at character 16 is not closed)'],
    ['attribute:x == a b', 17, "'and', 'or' or the end of the expression", 'at character 18: expected \'and\', \'or\' or the end of the expression, found "b" (quote values that contain spaces: \'my value\')'],
    ['(attribute:x exists', 19, "')'", 'at character 20: expected \')\', found the end of the expression (the "(" at character 1 is not closed)'],
    ['(attribute:x exists attribute:y exists)', 20, "'and', 'or' or ')'", "at character 21: expected 'and', 'or' or ')', found \"attribute:y\" (quote values that contain spaces: 'my value')"],
    ['attribute:x exists)', 18, "'and', 'or' or the end of the expression", 'at character 19: expected \'and\', \'or\' or the end of the expression, found ")", which closes no "("'],
    ['and attribute:x exists', 0, "a subject (agentConnected, agentVersion, attribute:<name>, ec2InstanceId, registeredAt, runningTasksCount, task:group), 'not' or '('", "at character 1: expected a subject (agentConnected, agentVersion, attribute:<name>, ec2InstanceId, registeredAt, runningTasksCount, task:group), 'not' or '(', found \"and\""],
    ['attribute: == x', 10, 'an attribute name (1 to 128 letters, digits, "-", "_", "/", "\\" or ".")', 'at character 11: expected an attribute name (1 to 128 letters, digits, "-", "_", "/", "\\" or ".") after "attribute:", found "=="'],
    ['attribute:a@b exists', 11, 'an attribute name (1 to 128 letters, digits, "-", "_", "/", "\\" or ".")', 'at character 12: expected an attribute name (1 to 128 letters, digits, "-", "_", "/", "\\" or "."), found "@" in "attribute:a@b"'],
    ['attribute:x =~ a*+', 16, 'a regular expression JavaScript can evaluate exactly like Java', 'at character 17: invalid regular expression "a*+": possessive quantifier "*+" is not supported: JavaScript has no possessive quantifiers (use a greedy one)'],
    ['attribute:x =~', 14, 'a regular expression (Java syntax)', 'at character 15: expected a regular expression (Java syntax) after "attribute:x =~", found the end of the expression'],
  ];

  it.each(cases)('%s', (expression, position, expected, message) => {
    const error = syntaxError(expression);
    expect({ position: error.position, expected: error.expected, message: error.message }).toEqual({ position, expected, message });
    expect(error.source).toBe(expression);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('QuerySyntaxError');
  });

  it('an empty or blank expression is an error at character 1', () => {
    for (const blank of ['', '   ', '\n']) {
      const error = syntaxError(blank);
      expect(error.position).toBe(0);
      expect(error.message).toBe('at character 1: the expression is empty');
    }
  });

  it('attribute names longer than 128 characters', () => {
    const error = syntaxError(`attribute:${'a'.repeat(129)} exists`);
    expect([error.position, error.found]).toEqual([138, 'a name of 129 characters']);
  });

  it('excerpt(): the expression and carets under the offending text', () => {
    expect(syntaxError('attribute:ecs.instance-type t2.small').excerpt()).toBe(
      ['attribute:ecs.instance-type t2.small', '                            ^^^^^^^^'].join('\n'),
    );
    expect(syntaxError('runningTasksCount <').excerpt()).toBe(['runningTasksCount <', '                   ^'].join('\n'));
    expect(syntaxError('').excerpt()).toBe('(empty expression)\n^');
    const long = `${'attribute:a exists and '.repeat(20)}attribute:b exists attribute:c exists`;
    const excerpt = syntaxError(long).excerpt(60).split('\n');
    expect(excerpt[0]).toMatch(/^….{60}$/);
    expect(excerpt[1]!.indexOf('^')).toBe(excerpt[0]!.indexOf('attribute:c'));
  });
});

describe(`the ${MAX_EXPRESSION_LENGTH}-character limit`, () => {
  const unit = 'attribute:stack == prod or ';
  const pad = (length: number) => {
    const base = unit.repeat(Math.floor((length - 30) / unit.length));
    return `${base}attribute:x == ${'v'.repeat(length - base.length - 15)}`;
  };

  it(`accepts ${MAX_EXPRESSION_LENGTH} characters`, () => {
    const text = pad(MAX_EXPRESSION_LENGTH);
    expect(text).toHaveLength(2000);
    expect(() => parseQuery(text)).not.toThrow();
  });

  it(`rejects ${MAX_EXPRESSION_LENGTH + 1}, naming the limit`, () => {
    const error = syntaxError(pad(MAX_EXPRESSION_LENGTH + 1));
    expect(error.position).toBe(2000);
    expect(error.expected).toBe('an expression of at most 2000 characters');
    expect(error.message).toBe('at character 2001: the expression is 2001 characters long; ECS allows at most 2000');
  });
});

describe('printQuery', () => {
  it.each([
    ['attribute:ecs.instance-type equals t2.small', 'attribute:ecs.instance-type == t2.small'],
    ["ec2InstanceId in ['i-abcd1234', \"i-wxyx7890\"]", 'ec2InstanceId in [i-abcd1234, i-wxyx7890]'],
    ['!(task:group == database)', 'not(task:group == database)'],
    ['NOT attribute:a not_exists && (attribute:b exists || attribute:c exists)', 'not(attribute:a !exists) and (attribute:b exists or attribute:c exists)'],
    ['attribute:a exists and (attribute:b exists and attribute:c exists)', 'attribute:a exists and (attribute:b exists and attribute:c exists)'],
    ['(attribute:a exists and attribute:b exists) and attribute:c exists', 'attribute:a exists and attribute:b exists and attribute:c exists'],
    ["attribute:team == 'data platform'", "attribute:team == 'data platform'"],
    ['attribute:x == "it\'s"', "attribute:x == 'it\\'s'"],
    ["attribute:x == 'a\\\\b'", 'attribute:x == a\\b'],
    ["attribute:x == 'a\\\\b c'", "attribute:x == 'a\\\\b c'"],
    ["attribute:x == ''", "attribute:x == ''"],
    ["attribute:x == 'a&&b'", "attribute:x == 'a&&b'"],
    ["attribute:x matches 'a b'", "attribute:x =~ 'a b'"],
    ['attribute:x =~ "it\'s"', "attribute:x =~ it's"],
    ['attribute:x =~ "\'it\'s\'"', 'attribute:x =~ "\'it\'s\'"'],
    ['attribute:x =~ "\'a b"', 'attribute:x =~ "\'a b"'],
    ["attribute:x =~ '[ ]\"'", "attribute:x =~ '[ ]\"'"],
    ['AgentConnected == TRUE', 'agentConnected == true'],
  ])('%s → %s', (input, printed) => {
    expect(printQuery(parseQuery(input))).toBe(printed);
    expect(withoutPositions(parseQuery(printed))).toEqual(withoutPositions(parseQuery(input)));
  });
});

describe('bare regular expressions next to logical operators', () => {
  it('end at && and || outside their own groups, as bare values do', () => {
    const ast = parseQuery('attribute:ecs.instance-type =~ t2.*||attribute:stack==dev');
    expect(ast.type).toBe('or');
    expect(parseQuery('attribute:ecs.instance-type =~ t2.*&&agentConnected==true').type).toBe('and');
    expect(printQuery(parseQuery('attribute:x =~ (a||b)'))).toContain('(a||b)');
  });
});
