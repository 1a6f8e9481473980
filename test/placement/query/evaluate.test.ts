import { describe, expect, it } from 'vitest';
import type { ContainerInstance, Task } from '../../../lib/placement/model.js';
import {
  compileQuery,
  contextFromTasks,
  EMPTY_CONTEXT,
  parseQuery,
  prepareInstance,
  printQuery,
  QuerySyntaxError,
  selectInstances,
  taskCounts,
  type QueryContext,
} from '../../../lib/placement/query/index.js';
import { fleet, fleetTasks, I1, I2, I3, I4, I5, I6, I7, I8, instance, label, select } from './support.js';

function matches(expression: string, target: ContainerInstance, context?: QueryContext): boolean {
  return compileQuery(expression).matches(target, context);
}

describe('attribute:<name>', () => {
  const stackProd = instance({ attrs: { stack: 'prod' } });
  const stackDev = instance({ attrs: { stack: 'dev' } });
  const noStack = instance({ attrs: { other: 'prod' } });
  const valueless = instance({ attrs: { stack: null } });
  const table: [expression: string, prod: boolean, dev: boolean, missing: boolean, valueless: boolean][] = [
    ['attribute:stack == prod', true, false, false, false],
    ['attribute:stack != prod', false, true, false, false],
    ['attribute:stack in [prod, qa]', true, false, false, false],
    ['attribute:stack !in [prod, qa]', false, true, false, false],
    ['attribute:stack =~ pr.*', true, false, false, false],
    ['attribute:stack !~ pr.*', false, true, false, false],
    ['attribute:stack exists', true, true, false, true],
    ['attribute:stack !exists', false, false, true, false],
    ['attribute:stack > m', true, false, false, false],
    ['attribute:stack >= prod', true, false, false, false],
    ['attribute:stack < m', false, true, false, false],
    ['attribute:stack <= dev', false, true, false, false],
  ];
  it.each(table)('%s: prod %s, dev %s, missing %s, value-less %s', (expression, prod, dev, missing, none) => {
    expect([stackProd, stackDev, noStack, valueless].map((i) => matches(expression, i))).toEqual([prod, dev, missing, none]);
  });

  it('values are case-sensitive; names too', () => {
    expect(matches('attribute:stack == PROD', stackProd)).toBe(false);
    expect(matches('attribute:Stack == prod', stackProd)).toBe(false);
  });

  it('ordering is numeric when both sides are numbers, else by code units', () => {
    const disk = (value: string) => instance({ attrs: { 'disk-gb': value } });
    expect(matches('attribute:disk-gb > 20', disk('100'))).toBe(true); // '100' < '20' as strings
    expect(matches('attribute:disk-gb < 20', disk('9'))).toBe(true); // '9' > '20' as strings
    expect(matches('attribute:disk-gb >= 2.5', disk('2.50'))).toBe(true);
    expect(matches('attribute:disk-gb == 2.5', disk('2.50'))).toBe(false); // equality is on strings
    expect(matches('attribute:disk-gb < 20', disk('lots'))).toBe(false); // 'lots' > '20' as strings
    expect(matches('attribute:disk-gb > abc', disk('9'))).toBe(false); // '9' < 'abc'
    expect(select('attribute:disk-gb > 10')).toEqual([I3, I4]);
  });

  it("the first of duplicate attribute names wins (as model.ts's attributeValue)", () => {
    const dup: ContainerInstance = { attributes: [{ name: 'a', value: '1' }, { name: 'a', value: '2' }] };
    expect(matches('attribute:a == 1', dup)).toBe(true);
    expect(matches('attribute:a == 2', dup)).toBe(false);
  });

  it('an instance without attributes', () => {
    expect(matches('attribute:a exists', {})).toBe(false);
    expect(matches('attribute:a !exists', {})).toBe(true);
  });

  it('quoted values with spaces and backslashes', () => {
    expect(select("attribute:team == 'data platform'")).toEqual([I2]);
    expect(select("attribute:location in ['store 42', 'store 43']")).toEqual([I8]);
    expect(select('attribute:com.example.path == C:\\data\\ecs')).toEqual([I7]);
    expect(select("attribute:com.example.path == 'C:\\\\data\\\\ecs'")).toEqual([I7]);
  });
});

describe('ec2InstanceId', () => {
  it.each([
    ['ec2InstanceId == i-abcd1234', [I5]],
    ['ec2InstanceId != i-abcd1234', [I1, I2, I3, I4, I6, I7]],
    ['ec2InstanceId in [i-abcd1234, i-nope]', [I5]],
    ['ec2InstanceId !in [i-abcd1234, i-wxyx7890]', [I1, I2, I3, I4, I7]],
    ['ec2InstanceId =~ i-0a1b.*', [I1, I2, I3, I4, I7]],
    ['ec2InstanceId !~ i-0a1b.*', [I5, I6]],
  ])('%s (ECS Anywhere, without one, never matches)', (expression, selected) => {
    expect(select(expression)).toEqual(selected);
  });
});

describe('agentConnected', () => {
  it.each([
    ['agentConnected == true', [I1, I2, I3, I4, I6, I7, I8]],
    ['agentConnected == false', [I5]],
    ['agentConnected != true', [I5]],
    ['agentConnected in [false]', [I5]],
    ['agentConnected !in [true]', [I5]],
    ['agentConnected =~ f.*', [I5]],
    ['agentConnected !~ t.*', [I5]],
  ])('%s', (expression, selected) => {
    expect(select(expression)).toEqual(selected);
  });

  it('an instance without agentConnected matches neither == true nor != true', () => {
    expect(matches('agentConnected == true', {})).toBe(false);
    expect(matches('agentConnected != true', {})).toBe(false);
  });
});

describe('agentVersion: version-aware comparison', () => {
  const agent = (version: string | undefined): ContainerInstance => ({ versionInfo: { agentVersion: version } });
  it.each([
    ['1.14.5', '<', '1.100.0', true],
    ['1.100.0', '>', '1.14.5', true],
    ['1.9.0', '<', '1.14.5', true],
    ['1.14.4', '<', '1.14.5', true],
    ['1.14.5', '<', '1.14.5', false],
    ['1.14.5', '<=', '1.14.5', true],
    ['1.14', '==', '1.14.0', true],
    ['1.14.0', '==', '1.14', true],
    ['1.14.0.1', '>', '1.14', true],
    ['2', '>', '1.999.999', true],
    ['1.14.5', '!=', '1.14.6', true],
    ['1.14.5', '>=', '1.14.6', false],
    ['1.85.0-rc1', '==', '1.85.0', true],
    ['v1.85.0', '==', '1.85.0', true],
    ['1.010.0', '==', '1.10.0', true],
  ])('agent %s %s %s: %s', (actual, operator, argument, expected) => {
    expect(matches(`agentVersion ${operator} ${argument}`, agent(actual))).toBe(expected);
  });

  it('an absent or unreadable agent version never matches', () => {
    for (const version of [undefined, 'unknown', '']) {
      expect(matches('agentVersion < 99', agent(version))).toBe(false);
      expect(matches('agentVersion != 1.0', agent(version))).toBe(false);
    }
    expect(matches('agentVersion != 1.0', {})).toBe(false);
  });

  it('on the fleet', () => {
    expect(select('agentVersion >= 1.20.0')).toEqual([I3, I4, I6, I7, I8]);
    expect(select('agentVersion == 1.100')).toEqual([I3]);
  });
});

describe('registeredAt: the 4 date formats', () => {
  const at = (registeredAt: ContainerInstance['registeredAt']): ContainerInstance => ({ registeredAt });
  const t = '2018-06-18T22:28:28.500Z';

  it.each([
    ['2018-06-18T22:28:28+00:00', '==', true],
    ['2018-06-18T22:28:28Z', '==', true],
    ['2018-06-18T22:28:28', '==', true],
    ['2018-06-18', '==', true],
    ['2018-06-19T00:28:28+02:00', '==', true],
    ['2018-06-18T17:28:28-05:00', '==', true],
    ['2018-06-18T22:28:29Z', '<', true],
    ['2018-06-18T22:28:28Z', '<', false],
    // Ordering compares with the instant named: 22:28:28.500 is after 22:28:28.
    ['2018-06-18T22:28:28Z', '<=', false],
    ['2018-06-18T22:28:28Z', '>', true],
    ['2018-06-18T22:28:28Z', '>=', true],
    ['2018-06-18T22:28:27Z', '>', true],
    ['2018-06-18', '<', false],
    ['2018-06-18', '<=', false],
    ['2018-06-18', '>', true],
    ['2018-06-18', '>=', true],
    ['2018-06-18', '!=', false],
    ['2018-06-19', '<', true],
    ['2018-06-17', '>', true],
    ['2018-06-17', '!=', true],
  ])(`registered ${t}: registeredAt %s … %s → %s`, (argument, operator, expected) => {
    expect(matches(`registeredAt ${operator} ${argument}`, at(t))).toBe(expected);
  });

  it('reads registeredAt as a Date, an ISO string with microseconds, or epoch seconds', () => {
    const millis = Date.UTC(2018, 5, 18, 22, 28, 28, 500);
    for (const value of [new Date(millis), '2018-06-18T22:28:28.500000+00:00', millis / 1000]) {
      expect(matches('registeredAt == 2018-06-18T22:28:28Z', at(value))).toBe(true);
    }
    expect(matches('registeredAt < 2030-01-01', at('not a date'))).toBe(false);
    expect(matches('registeredAt != 2030-01-01', at(undefined))).toBe(false);
  });

  it('on the fleet (one instance registered at epoch seconds 1609459200 = 2021-01-01)', () => {
    expect(select('registeredAt == 2018-06-18')).toEqual([I3]);
    expect(select('registeredAt >= 2018-02-13 and registeredAt < 2018-06-19')).toEqual([I2, I3]);
    expect(select('registeredAt > 2018-06-18 and registeredAt < 2018-06-19')).toEqual([I3]);
    expect(select('registeredAt == 2021-01-01T00:00:00Z')).toEqual([I7]);
  });
});

describe('runningTasksCount', () => {
  it.each([
    ['runningTasksCount == 0', [I2, I7]],
    ['runningTasksCount != 0', [I1, I3, I4, I5, I6, I8]],
    ['runningTasksCount > 2', [I3, I6]],
    ['runningTasksCount >= 2', [I3, I5, I6]],
    ['runningTasksCount < 1', [I2, I7]],
    ['runningTasksCount <= 1', [I1, I2, I4, I7, I8]],
    ['runningTasksCount < 1.5', [I1, I2, I4, I7, I8]],
  ])('%s', (expression, selected) => {
    expect(select(expression)).toEqual(selected);
  });

  it('an instance without runningTasksCount never matches', () => {
    expect(matches('runningTasksCount >= 0', {})).toBe(false);
    expect(matches('runningTasksCount != 0', {})).toBe(false);
  });
});

describe('task:group', () => {
  it.each([
    ['task:group == service:production', [I1, I3]],
    ['task:group != service:production', [I2, I4, I5, I6, I7, I8]],
    ['not(task:group == service:production)', [I2, I4, I5, I6, I7, I8]],
    ['task:group in [database, service:web]', [I3, I6]],
    ['task:group !in [database, service:web]', [I1, I2, I4, I5, I7, I8]],
    ['task:group =~ service:.*', [I1, I3, I6]],
    ['task:group !~ service:.*', [I2, I4, I5, I7, I8]],
    ['task:group exists', [I1, I3, I6, I8]],
    ['task:group !exists', [I2, I4, I5, I7]],
    ['task:group == family:edge-agent', [I8]],
  ])('%s', (expression, selected) => {
    expect(select(expression)).toEqual(selected);
  });

  it('counts tasks STOPPED in neither lastStatus nor desiredStatus (a stopping task no longer counts)', () => {
    // tasks.json: a database task on I2 with desiredStatus STOPPED, a STOPPED family:nginx task on I5,
    // a PENDING service:web task on I6, a Fargate service:production task without containerInstanceArn.
    expect(select('task:group == database')).toEqual([I3]);
    expect(select('task:group == family:nginx')).toEqual([]);
    expect(select('task:group == service:web')).toEqual([I6]);
    const states: [string | undefined, string | undefined, boolean][] = [
      ['RUNNING', 'RUNNING', true],
      ['PENDING', 'RUNNING', true],
      ['PROVISIONING', 'RUNNING', true],
      [undefined, undefined, true],
      ['RUNNING', 'STOPPED', false],
      ['STOPPED', 'STOPPED', false],
      ['DEACTIVATING', 'STOPPED', false],
      ['stopped', 'RUNNING', false],
    ];
    for (const [lastStatus, desiredStatus, counts] of states) expect(taskCounts({ lastStatus, desiredStatus }), `${lastStatus}/${desiredStatus}`).toBe(counts);
  });

  it('without a context no instance has tasks', () => {
    const instances = fleet();
    expect(selectInstances(compileQuery('task:group == service:production'), instances).length).toBe(0);
    expect(selectInstances(compileQuery('not(task:group == service:production)'), instances, EMPTY_CONTEXT).length).toBe(8);
  });

  it('a context reflecting placements in progress (TaskGroupIndex.add, clone)', () => {
    const index = contextFromTasks(fleetTasks());
    const compiled = compileQuery('not(task:group == service:batch)');
    const instances = fleet();
    expect(selectInstances(compiled, instances, index).length).toBe(8);
    const trial = index.clone().add(instances[0]!.containerInstanceArn!, 'service:batch');
    expect(selectInstances(compiled, instances, trial).map(label)).toEqual([I2, I3, I4, I5, I6, I7, I8]);
    expect(selectInstances(compiled, instances, index).length).toBe(8);
  });

  it('any QueryContext implementation works', () => {
    const context: QueryContext = { groupsOnInstance: (arn) => new Set(arn.endsWith('/1') ? ['g'] : []) };
    expect(matches('task:group == g', instance(), context)).toBe(true);
    expect(matches('task:group == g', instance({ containerInstanceArn: 'x/2' }), context)).toBe(false);
    expect(matches('task:group != g', { containerInstanceArn: undefined }, context)).toBe(true);
  });

  it('contextFromTasks skips tasks without instance or group', () => {
    const tasks: Task[] = [{ group: 'g', lastStatus: 'RUNNING' }, { containerInstanceArn: 'a', lastStatus: 'RUNNING' }, { containerInstanceArn: 'a', group: 'h' }];
    const context = contextFromTasks(tasks);
    expect([...context.groupsOnInstance('a')]).toEqual(['h']);
    expect(context.groupsOnInstance('b').size).toBe(0);
  });
});

describe('=~ is a full match (Java String.matches)', () => {
  const type = (value: string) => instance({ attrs: { 'ecs.instance-type': value } });
  it.each([
    ['t2.*', 't2.small', true],
    ['t2.*', 'xt2.small', false],
    ['t2', 't2.small', false],
    ['t2\\..*', 't2.small', true],
    ['t2\\..*', 't2xsmall', false],
    ['(t2|m5)\\.(small|large)', 'm5.large', true],
    ['.*large', 'm5.2xlarge', true],
    ['[cm]5\\.[0-9]*x?large', 'c5.2xlarge', true],
  ])('%s against %s: %s', (pattern, value, expected) => {
    expect(matches(`attribute:ecs.instance-type =~ ${pattern}`, type(value))).toBe(expected);
    expect(matches(`attribute:ecs.instance-type !~ ${pattern}`, type(value))).toBe(!expected);
  });
});

describe('compileQuery, selectInstances, prepareInstance', () => {
  it('compiles text or a tree; source is the text (canonical text for a tree)', () => {
    const text = 'attribute:stack equals prod AND runningTasksCount > 0';
    expect(compileQuery(text).source).toBe(text);
    const fromTree = compileQuery(parseQuery(text));
    expect(fromTree.source).toBe('attribute:stack == prod and runningTasksCount > 0');
    expect(selectInstances(fromTree, fleet()).map(label)).toEqual([I1, I3, I5]);
  });

  it('validates a hand-built tree', () => {
    const tree = parseQuery('runningTasksCount == 1');
    if (tree.type !== 'condition' || tree.argument?.type !== 'value') throw new Error('shape');
    tree.argument.value = 'one';
    expect(() => compileQuery(tree)).toThrow(QuerySyntaxError);
  });

  it('deep nesting within the 2000-character limit parses, compiles and evaluates', () => {
    const bangs = `${'!'.repeat(1980)}attribute:x exists`; // 1980 nots: even, so the same as the condition
    const tree = parseQuery(bangs);
    expect(printQuery(tree).length).toBeGreaterThan(2000); // canonical not(…) is longer than the text
    expect(compileQuery(tree).matches(instance({ attrs: { x: null } }))).toBe(true);
    expect(compileQuery(`${'('.repeat(990)}attribute:x exists${')'.repeat(990)}`).matches({})).toBe(false);
    expect(compileQuery(`attribute:x =~ ${'('.repeat(990)}${')'.repeat(990)}`).matches(instance({ attrs: { x: '' } }))).toBe(true);
  });

  it('selects in input order and keeps the element type', () => {
    const instances = fleet().reverse();
    const selected = selectInstances(compileQuery('attribute:stack == prod'), instances);
    expect(selected.map(label)).toEqual([I5, I3, I1]);
    expect(selected[0]).toBe(instances[3]);
  });

  it('caches the prepared view per instance and rebuilds it when attributes or versions are replaced', () => {
    const target = instance({ attrs: { stack: 'prod' }, versionInfo: { agentVersion: '1.2.3' } });
    const view = prepareInstance(target);
    expect(prepareInstance(target)).toBe(view);
    expect(view.attributes.get('stack')).toBe('prod');
    expect(view.agentVersion).toEqual([1, 2, 3]);
    const compiled = compileQuery('attribute:stack == prod');
    expect(compiled.matches(target)).toBe(true);
    target.attributes = [{ name: 'stack', value: 'dev' }];
    expect(compiled.matches(target)).toBe(false);
    target.versionInfo = { agentVersion: '2.0.0' };
    expect(compileQuery('agentVersion >= 2').matches(target)).toBe(true);
    target.runningTasksCount = 4;
    expect(compileQuery('runningTasksCount == 4').matches(target)).toBe(true);
  });

  it('the example of the benchmark', () => {
    expect(
      select(
        'attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone in [us-east-1a, us-east-1b] and runningTasksCount < 10 and not(task:group == service:production)',
      ),
    ).toEqual([I2, I5]);
  });
});
