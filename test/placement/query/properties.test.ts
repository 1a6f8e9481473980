import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContainerInstance } from '../../../lib/placement/model.js';
import {
  compileQuery,
  parseQuery,
  printQuery,
  QuerySyntaxError,
  SUBJECTS,
  SUBJECT_NAMES,
  TaskGroupIndex,
  withoutPositions,
  type ArgumentNode,
  type ConditionNode,
  type QueryNode,
  type SubjectName,
  type ValueNode,
} from '../../../lib/placement/query/index.js';

const at = { start: 0, end: 0 };

interface Pools {
  attributeName: fc.Arbitrary<string>;
  string: fc.Arbitrary<string>;
  regex: fc.Arbitrary<string>;
  number: fc.Arbitrary<string>;
  version: fc.Arbitrary<string>;
  date: fc.Arbitrary<string>;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const anyDate = fc
  .tuple(
    fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
    fc.constantFrom('date', 'local', 'Z', '+00:00', '-05:30', '+14:00'),
  )
  .map(([d, form]) => {
    const day = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    if (form === 'date') return day;
    const time = `${day}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    return form === 'local' ? time : `${time}${form}`;
  });

/** Strings with the characters that stress quoting: quotes, backslashes, spaces, brackets, &&, ||, non-ASCII. */
const trickyString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: fc.constantFrom('a', 'Z', '1', ' ', "'", '"', '\\', '(', ')', '[', ']', ',', '&', '|', '!', '=', ':', '.', '\t', 'é', '😀'), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

const REGEXES = [
  't2.*',
  '(t2|m5)\\..*',
  '[a-c]+',
  "it's",
  '"quoted"',
  "'single'",
  '[ ]x',
  'a b',
  '\\Q(\\E',
  '(?i)prod',
  '[])]',
  '.*',
  'x{2,3}',
  '\\p{Alpha}+\\d?',
  '(?<name>a)|b',
  'service:.*',
];

const SYNTAX_POOLS: Pools = {
  attributeName: fc.stringMatching(/^[A-Za-z0-9\-_/\\.]{1,16}$/),
  string: trickyString,
  regex: fc.constantFrom(...REGEXES),
  number: fc.oneof(
    fc.nat().map(String),
    fc.integer({ min: -50, max: -1 }).map(String),
    fc.tuple(fc.nat(99), fc.nat(99)).map(([a, b]) => `${a}.${b}`),
  ),
  version: fc.array(fc.nat(200), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.')),
  date: anyDate,
};

function valueArbitrary(subject: SubjectName, pools: Pools): fc.Arbitrary<string> {
  switch (SUBJECTS[subject].argument) {
    case 'boolean':
      return fc.constantFrom('true', 'false');
    case 'number':
      return pools.number;
    case 'version':
      return pools.version;
    case 'date':
      return pools.date;
    case 'string':
      return pools.string;
  }
}

const value = (text: string): ValueNode => ({ type: 'value', value: text, ...at });

function conditionArbitrary(pools: Pools): fc.Arbitrary<ConditionNode> {
  return fc
    .constantFrom(...SUBJECT_NAMES)
    .chain((name) =>
      fc.tuple(fc.constant(name), fc.constantFrom(...SUBJECTS[name].operators), name === 'attribute' ? pools.attributeName.map((n): string | undefined => n) : fc.constant(undefined)),
    )
    .chain(([name, operator, attribute]) => {
      const argument: fc.Arbitrary<ArgumentNode | undefined> =
        operator === 'exists' || operator === '!exists'
          ? fc.constant(undefined)
          : operator === 'in' || operator === '!in'
            ? fc.array(valueArbitrary(name, pools), { minLength: 1, maxLength: 3 }).map((items): ArgumentNode => ({ type: 'list', items: items.map(value), ...at }))
            : operator === '=~' || operator === '!~'
              ? pools.regex.map(value)
              : valueArbitrary(name, pools).map(value);
      return argument.map((arg): ConditionNode => {
        const node: ConditionNode = {
          type: 'condition',
          subject: { type: 'subject', name, ...(attribute === undefined ? {} : { attribute }), ...at },
          operator: { type: 'operator', operator, ...at },
          ...at,
        };
        if (arg) node.argument = arg;
        return node;
      });
    });
}

function queryArbitrary(pools: Pools): fc.Arbitrary<QueryNode> {
  const condition = conditionArbitrary(pools);
  const { node } = fc.letrec<{ node: QueryNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      condition,
      fc.record({ type: fc.constant('not' as const), operand: tie('node'), ...{ start: fc.constant(0), end: fc.constant(0) } }),
      fc.record({ type: fc.constantFrom('and' as const, 'or' as const), left: tie('node'), right: tie('node'), start: fc.constant(0), end: fc.constant(0) }),
    ),
  }));
  return node;
}

// Small pools so that generated expressions select some instances and not others.
const STACKS = ['prod', 'dev', 'qa'];
const TYPES = ['t2.small', 't2.medium', 'm5.large'];
const IDS = ['i-1', 'i-2', 'i-3'];
const GROUPS = ['service:web', 'service:batch', 'database'];
const VERSIONS = ['1.9.0', '1.14.5', '1.100.0'];
const DATES = ['2018-02-13', '2018-06-18T22:28:28Z', '2019-01-01T00:00:00+02:00'];

const SEMANTIC_POOLS: Pools = {
  attributeName: fc.constantFrom('stack', 'ecs.instance-type', 'disk'),
  string: fc.constantFrom(...STACKS, ...TYPES, ...IDS, ...GROUPS, '10', '9'),
  regex: fc.constantFrom('t2.*', 'pr.*', 'i-[12]', 'service:.*', '.*a.*', 'true', '[0-9]+'),
  number: fc.constantFrom('0', '1', '2', '2.5'),
  version: fc.constantFrom(...VERSIONS, '1.14'),
  date: fc.constantFrom(...DATES),
};

const instanceArbitrary = (index: number): fc.Arbitrary<{ instance: ContainerInstance; groups: string[] }> =>
  fc
    .record(
      {
        ec2InstanceId: fc.constantFrom(...IDS),
        agentConnected: fc.boolean(),
        agentVersion: fc.constantFrom(...VERSIONS, 'garbage'),
        registeredAt: fc.constantFrom('2018-02-12T23:59:59Z', '2018-02-13T12:00:00Z', '2018-06-18T22:28:28.999Z', '2019-01-01T00:00:00Z'),
        runningTasksCount: fc.nat(3),
        stack: fc.constantFrom(...STACKS, null),
        type: fc.constantFrom(...TYPES),
        disk: fc.constantFrom('9', '10', '100', 'big'),
        groups: fc.subarray(GROUPS),
      },
      { requiredKeys: ['groups', 'type'] },
    )
    .map((r) => {
      const attributes = [{ name: 'ecs.instance-type', value: r.type }];
      if (r.stack !== undefined) attributes.push(r.stack === null ? ({ name: 'stack' } as { name: string; value: string }) : { name: 'stack', value: r.stack });
      if (r.disk !== undefined) attributes.push({ name: 'disk', value: r.disk });
      const instance: ContainerInstance = {
        containerInstanceArn: `arn:aws:ecs:us-east-1:123456789012:container-instance/c/${index}`,
        ec2InstanceId: r.ec2InstanceId,
        agentConnected: r.agentConnected,
        versionInfo: r.agentVersion === undefined ? undefined : { agentVersion: r.agentVersion },
        registeredAt: r.registeredAt,
        runningTasksCount: r.runningTasksCount,
        attributes,
      };
      return { instance, groups: r.groups };
    });

const fleetArbitrary = fc.integer({ min: 1, max: 8 }).chain((size) => fc.tuple(...Array.from({ length: size }, (_, i) => instanceArbitrary(i))));

function contextOf(fleet: { instance: ContainerInstance; groups: string[] }[]): TaskGroupIndex {
  const index = new TaskGroupIndex();
  for (const { instance, groups } of fleet) for (const group of groups) index.add(instance.containerInstanceArn!, group);
  return index;
}

function selected(query: QueryNode, fleet: { instance: ContainerInstance; groups: string[] }[]): Set<number> {
  const compiled = compileQuery(query);
  const context = contextOf(fleet);
  return new Set(fleet.flatMap(({ instance }, i) => (compiled.matches(instance, context) ? [i] : [])));
}

const RUNS = { numRuns: 300 };

describe('properties', () => {
  it('parseQuery(printQuery(ast)) equals ast (ignoring positions)', () => {
    fc.assert(
      fc.property(queryArbitrary(SYNTAX_POOLS), (ast) => {
        const printed = printQuery(ast);
        expect(withoutPositions(parseQuery(printed))).toEqual(withoutPositions(ast));
        expect(printQuery(parseQuery(printed))).toBe(printed);
      }),
      { numRuns: 1000 },
    );
  });

  it('not e selects exactly the complement of e', () => {
    fc.assert(
      fc.property(queryArbitrary(SEMANTIC_POOLS), fleetArbitrary, (e, fleet) => {
        const inE = selected(e, fleet);
        const inNotE = selected({ type: 'not', operand: e, ...at }, fleet);
        expect([...inNotE].sort()).toEqual(fleet.map((_, i) => i).filter((i) => !inE.has(i)));
      }),
      RUNS,
    );
  });

  it('a and b selects the intersection, a or b the union', () => {
    fc.assert(
      fc.property(queryArbitrary(SEMANTIC_POOLS), queryArbitrary(SEMANTIC_POOLS), fleetArbitrary, (a, b, fleet) => {
        const inA = selected(a, fleet);
        const inB = selected(b, fleet);
        const all = fleet.map((_, i) => i);
        expect([...selected({ type: 'and', left: a, right: b, ...at }, fleet)].sort()).toEqual(all.filter((i) => inA.has(i) && inB.has(i)));
        expect([...selected({ type: 'or', left: a, right: b, ...at }, fleet)].sort()).toEqual(all.filter((i) => inA.has(i) || inB.has(i)));
      }),
      RUNS,
    );
  });

  it('the printed text selects what the tree selects', () => {
    fc.assert(
      fc.property(queryArbitrary(SEMANTIC_POOLS), fleetArbitrary, (ast, fleet) => {
        expect(selected(parseQuery(printQuery(ast)), fleet)).toEqual(selected(ast, fleet));
      }),
      RUNS,
    );
  });

  it('the semantic pools exercise both outcomes', () => {
    const outcomes = new Set<boolean>();
    fc.assert(
      fc.property(queryArbitrary(SEMANTIC_POOLS), fleetArbitrary, (ast, fleet) => {
        const n = selected(ast, fleet).size;
        outcomes.add(n > 0);
        outcomes.add(n === fleet.length);
      }),
      { numRuns: 100 },
    );
    expect(outcomes).toEqual(new Set([true, false]));
  });

  it('any text either parses or fails with a QuerySyntaxError inside the text', () => {
    const word = fc.constantFrom('attribute:x', 'agentVersion', 'task:group', 'not', 'and', 'or', '==', '!=', 'in', '!exists', '=~', '(', ')', '[', ']', ',', "'", '"', '\\', 'a', '1.2', '2018-06-18', 'true', '&&', '||', '!', ' ', '*+', '(?>', '[a&&b]');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.array(word, { maxLength: 12 }).map((w) => w.join(' ')), fc.array(word, { maxLength: 12 }).map((w) => w.join(''))), (text) => {
        try {
          parseQuery(text);
        } catch (error) {
          expect(error).toBeInstanceOf(QuerySyntaxError);
          const e = error as QuerySyntaxError;
          expect(e.position).toBeGreaterThanOrEqual(0);
          expect(e.position).toBeLessThanOrEqual(text.length);
          expect(e.message).toMatch(/^at character \d+: /);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
