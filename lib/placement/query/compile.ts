/**
 * Compiles a query tree to closures, once: regular expressions translated and built, dates, versions and numbers
 * parsed, `in` lists turned into Sets. Evaluating then does no parsing and no allocation.
 *
 * Attribute lookups go through a prepared view of the instance (a Map of its attributes, its agent version and
 * registration time parsed), built on first use and cached per instance object in a WeakMap. The view is rebuilt when
 * `attributes`, `versionInfo.agentVersion` or `registeredAt` is replaced; changing the attributes array in place is
 * not noticed (treat instances as snapshots, or replace the array). `agentConnected`, `ec2InstanceId`,
 * `runningTasksCount` and `containerInstanceArn` are read from the instance on every evaluation.
 *
 * Choices where ECS is silent (evaluation; the syntax choices are in ./parser.ts):
 * 1. A subject the instance lacks — attribute absent, attribute without a value (capabilities), no ec2InstanceId
 *    (ECS Anywhere), no agentConnected, no runningTasksCount, unreadable agentVersion or registeredAt — makes every
 *    operator false except `!exists`. So `attribute:stack != prod` skips instances without `stack` (the documented
 *    example), and so do `!in` and `!~`. `exists` is true for a value-less attribute.
 * 2. `==`, `!=`, `in`, `!in` compare strings exactly (case-sensitive; `1.0` is not `1`). `>`, `>=`, `<`, `<=` on
 *    attribute values compare numerically when both sides are decimal numbers, else by UTF-16 code units.
 * 3. `=~` / `!~` are full matches (Java's String.matches): `t2.*` matches `t2.small`, `t2` does not match `xt2`.
 * 4. agentVersion compares numerically component by component, missing components being 0 (`1.14` == `1.14.0`,
 *    1.14.5 < 1.100.0); an instance's agent version is read by its leading digits (`1.85.0-rc1` is 1.85.0).
 * 5. registeredAt: a date-time without zone is UTC. For `==` / `!=` an argument stands for an interval at its own
 *    precision — the UTC day for `2018-06-18`, the second for the date-times — so `registeredAt == 2018-06-18` is
 *    "registered that day". Ordering operators compare with the instant the argument names (a date is its
 *    midnight), as a timestamp comparison would; registration times keep their milliseconds.
 * 6. agentConnected compares as the string `true` / `false` (so `=~ t.*` works).
 * 7. task:group looks at the set of groups on the instance given by the QueryContext (no context: no tasks).
 *    `==`, `in`, `=~` hold when some group matches; `!=`, `!in`, `!~` are their exact negations — true for an
 *    instance without tasks, so `task:group != database` means the documented `not(task:group == database)`;
 *    `exists` means at least one task. contextFromTasks counts tasks that are STOPPED in neither lastStatus nor
 *    desiredStatus and have a containerInstanceArn and a group; the placement engine adds the tasks it places.
 */
import type { ContainerInstance } from '../model.js';
import { timestampMillis } from '../model.js';
import type { ConditionNode, Operator, QueryNode, ValueNode } from './ast.js';
import { EMPTY_CONTEXT, type QueryContext } from './context.js';
import { javaRegex } from './java-regex.js';
import { parseQuery } from './parser.js';
import { printQuery } from './print.js';
import { compareVersions, parseAgentVersion, parseDate, parseNumber, parseVersion, type DateInterval } from './values.js';

export interface CompiledQuery {
  /** The expression text (for a tree, its canonical text). */
  readonly source: string;
  readonly ast: QueryNode;
  /** Whether the instance satisfies the expression; `context` gives the task groups seen by `task:group`. */
  matches(instance: ContainerInstance, context?: QueryContext): boolean;
}

/** What the evaluator reads from an instance besides its plain fields. */
export interface InstanceView {
  /** Attribute values by name; `null` for an attribute without a value (capabilities). */
  readonly attributes: ReadonlyMap<string, string | null>;
  /** `versionInfo.agentVersion` parsed (see parseAgentVersion); undefined when absent or unreadable. */
  readonly agentVersion: readonly number[] | undefined;
  /** `registeredAt` in epoch milliseconds; NaN when absent or unreadable. */
  readonly registeredAt: number;
}

interface CachedView extends InstanceView {
  readonly attributesSource: unknown;
  readonly versionSource: string | undefined;
  readonly registeredSource: unknown;
}

const views = new WeakMap<ContainerInstance, CachedView>();

function buildView(instance: ContainerInstance): CachedView {
  const attributes = new Map<string, string | null>();
  for (const attribute of instance.attributes ?? []) {
    if (attribute.name !== undefined && !attributes.has(attribute.name)) attributes.set(attribute.name, attribute.value ?? null);
  }
  const version = instance.versionInfo?.agentVersion;
  return {
    attributes,
    agentVersion: parseAgentVersion(version),
    registeredAt: timestampMillis(instance.registeredAt),
    attributesSource: instance.attributes,
    versionSource: version,
    registeredSource: instance.registeredAt,
  };
}

/** The instance's prepared view, cached per instance object (see the module comment for when it is rebuilt). */
export function prepareInstance(instance: ContainerInstance): InstanceView {
  const cached = views.get(instance);
  if (
    cached !== undefined &&
    cached.attributesSource === instance.attributes &&
    cached.versionSource === instance.versionInfo?.agentVersion &&
    cached.registeredSource === instance.registeredAt
  ) {
    return cached;
  }
  const view = buildView(instance);
  views.set(instance, view);
  return view;
}

const UNUSED_VIEW: InstanceView = { attributes: new Map(), agentVersion: undefined, registeredAt: Number.NaN };

type Predicate = (instance: ContainerInstance, view: InstanceView, context: QueryContext) => boolean;

/** A full-match tester for a Java pattern, remembering results for the (few, repeated) values it sees. */
function regexTester(pattern: string): (value: string) => boolean {
  const regex = javaRegex(pattern);
  const memo = new Map<string, boolean>();
  return (value) => {
    let result = memo.get(value);
    if (result === undefined) {
      result = regex.test(value);
      if (memo.size < 10_000) memo.set(value, result);
    }
    return result;
  };
}

/** `compare(actual, argument) OP 0` as a function of the comparison result. */
function ordering(operator: Operator): (comparison: number) => boolean {
  switch (operator) {
    case '==':
      return (c) => c === 0;
    case '!=':
      return (c) => c !== 0;
    case '>':
      return (c) => c > 0;
    case '>=':
      return (c) => c >= 0;
    case '<':
      return (c) => c < 0;
    case '<=':
      return (c) => c <= 0;
    default:
      throw new Error(`not a comparison operator: ${operator}`);
  }
}

function valueOf(node: ConditionNode): string {
  const argument = node.argument;
  if (argument?.type !== 'value') throw new Error(`operator ${node.operator.operator} needs a value`);
  return argument.value;
}

function listOf(node: ConditionNode): readonly ValueNode[] {
  const argument = node.argument;
  if (argument?.type !== 'list') throw new Error(`operator ${node.operator.operator} needs a list`);
  return argument.items;
}

/**
 * The string-valued subjects (attribute values, ec2InstanceId, agentConnected as "true"/"false"): `read` gives the
 * value, or undefined when the instance has none; every operator but `!exists` is false without a value.
 */
function stringCondition(node: ConditionNode, read: (instance: ContainerInstance, view: InstanceView) => string | null | undefined): Predicate {
  const operator = node.operator.operator;
  switch (operator) {
    case '==': {
      const value = valueOf(node);
      return (i, v) => read(i, v) === value;
    }
    case '!=': {
      const value = valueOf(node);
      return (i, v) => {
        const actual = read(i, v);
        return typeof actual === 'string' && actual !== value;
      };
    }
    case 'in':
    case '!in': {
      const set = new Set(listOf(node).map((item) => item.value));
      const wanted = operator === 'in';
      return (i, v) => {
        const actual = read(i, v);
        return typeof actual === 'string' && set.has(actual) === wanted;
      };
    }
    case '=~':
    case '!~': {
      const test = regexTester(valueOf(node));
      const wanted = operator === '=~';
      return (i, v) => {
        const actual = read(i, v);
        return typeof actual === 'string' && test(actual) === wanted;
      };
    }
    default: {
      // Ordering on attribute values: numeric when both sides are numbers, else by UTF-16 code units.
      const value = valueOf(node);
      const number = parseNumber(value);
      const holds = ordering(operator);
      return (i, v) => {
        const actual = read(i, v);
        if (typeof actual !== 'string') return false;
        const actualNumber = number === undefined ? undefined : parseNumber(actual);
        if (number !== undefined && actualNumber !== undefined) return holds(actualNumber - number);
        return holds(actual < value ? -1 : actual > value ? 1 : 0);
      };
    }
  }
}

function dateCondition(operator: Operator, interval: DateInterval): (millis: number) => boolean {
  const { start, end } = interval;
  switch (operator) {
    case '==':
      return (t) => t >= start && t < end;
    case '!=':
      return (t) => t < start || t >= end;
    // Ordering compares with the instant the argument names (a date is its midnight UTC), as a timestamp comparison
    // in ECS would: `registeredAt > 2018-06-18` includes an instance registered at 22:28 that day.
    case '<':
      return (t) => t < start;
    case '<=':
      return (t) => t <= start;
    case '>':
      return (t) => t > start;
    default: // '>='
      return (t) => t >= start;
  }
}

function groupCondition(node: ConditionNode): Predicate {
  const groups = (i: ContainerInstance, c: QueryContext): ReadonlySet<string> | undefined =>
    i.containerInstanceArn === undefined ? undefined : c.groupsOnInstance(i.containerInstanceArn);
  const operator = node.operator.operator;
  switch (operator) {
    case 'exists':
      return (i, _v, c) => (groups(i, c)?.size ?? 0) > 0;
    case '!exists':
      return (i, _v, c) => (groups(i, c)?.size ?? 0) === 0;
    case '==':
    case '!=': {
      const value = valueOf(node);
      const wanted = operator === '==';
      return (i, _v, c) => (groups(i, c)?.has(value) ?? false) === wanted;
    }
    case 'in':
    case '!in': {
      const values = listOf(node).map((item) => item.value);
      const wanted = operator === 'in';
      return (i, _v, c) => {
        const set = groups(i, c);
        return (set !== undefined && values.some((value) => set.has(value))) === wanted;
      };
    }
    case '=~':
    case '!~': {
      const test = regexTester(valueOf(node));
      const wanted = operator === '=~';
      return (i, _v, c) => {
        const set = groups(i, c);
        if (set === undefined) return !wanted;
        for (const group of set) if (test(group)) return wanted;
        return !wanted;
      };
    }
    default:
      throw new Error(`task:group does not support ${operator}`);
  }
}

function compileCondition(node: ConditionNode): { predicate: Predicate; needsView: boolean } {
  const operator = node.operator.operator;
  const subject = node.subject;
  switch (subject.name) {
    case 'attribute': {
      const name = subject.attribute ?? '';
      if (operator === 'exists') return { predicate: (_i, v) => v.attributes.has(name), needsView: true };
      if (operator === '!exists') return { predicate: (_i, v) => !v.attributes.has(name), needsView: true };
      return { predicate: stringCondition(node, (_i, v) => v.attributes.get(name)), needsView: true };
    }
    case 'ec2InstanceId':
      return { predicate: stringCondition(node, (i) => i.ec2InstanceId), needsView: false };
    case 'agentConnected':
      return {
        predicate: stringCondition(node, (i) => (i.agentConnected === true ? 'true' : i.agentConnected === false ? 'false' : undefined)),
        needsView: false,
      };
    case 'agentVersion': {
      const version = parseVersion(valueOf(node)) ?? [];
      const holds = ordering(operator);
      return {
        predicate: (_i, v) => v.agentVersion !== undefined && holds(compareVersions(v.agentVersion, version)),
        needsView: true,
      };
    }
    case 'registeredAt': {
      const interval = parseDate(valueOf(node));
      if (typeof interval === 'string') throw new Error(`registeredAt: ${interval}`);
      const holds = dateCondition(operator, interval);
      return { predicate: (_i, v) => !Number.isNaN(v.registeredAt) && holds(v.registeredAt), needsView: true };
    }
    case 'runningTasksCount': {
      const number = parseNumber(valueOf(node)) ?? Number.NaN;
      const holds = ordering(operator);
      return {
        predicate: (i) => {
          const count = i.runningTasksCount;
          return typeof count === 'number' && holds(count - number);
        },
        needsView: false,
      };
    }
    case 'task:group':
      return { predicate: groupCondition(node), needsView: false };
  }
}

function compileNode(node: QueryNode): { predicate: Predicate; needsView: boolean } {
  switch (node.type) {
    case 'and': {
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      const [l, r] = [left.predicate, right.predicate];
      return { predicate: (i, v, c) => l(i, v, c) && r(i, v, c), needsView: left.needsView || right.needsView };
    }
    case 'or': {
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      const [l, r] = [left.predicate, right.predicate];
      return { predicate: (i, v, c) => l(i, v, c) || r(i, v, c), needsView: left.needsView || right.needsView };
    }
    case 'not': {
      const operand = compileNode(node.operand);
      const p = operand.predicate;
      return { predicate: (i, v, c) => !p(i, v, c), needsView: operand.needsView };
    }
    case 'condition':
      return compileCondition(node);
  }
}

function validateTree(node: QueryNode): void {
  switch (node.type) {
    case 'and':
    case 'or':
      validateTree(node.left);
      validateTree(node.right);
      return;
    case 'not':
      validateTree(node.operand);
      return;
    case 'condition':
      parseQuery(printQuery(node), { maxLength: Number.POSITIVE_INFINITY });
  }
}

/**
 * Parses (when given text) and compiles an expression. A tree is validated condition by condition: each is printed
 * and re-parsed, so an error points into the canonical text of the offending condition. The 2000-character limit
 * applies to text only (a tree's canonical text can be longer than the text it came from: `!a` prints `not(a)`).
 * Throws QuerySyntaxError.
 */
export function compileQuery(query: string | QueryNode): CompiledQuery {
  let source: string;
  let ast: QueryNode;
  if (typeof query === 'string') {
    source = query;
    ast = parseQuery(query);
  } else {
    validateTree(query);
    source = printQuery(query);
    ast = query;
  }
  const { predicate, needsView } = compileNode(ast);
  const matches = needsView
    ? (instance: ContainerInstance, context: QueryContext = EMPTY_CONTEXT) => predicate(instance, prepareInstance(instance), context)
    : (instance: ContainerInstance, context: QueryContext = EMPTY_CONTEXT) => predicate(instance, UNUSED_VIEW, context);
  return { source, ast, matches };
}

/** The instances that satisfy the query, in input order. */
export function selectInstances<T extends ContainerInstance>(compiled: CompiledQuery, instances: Iterable<T>, context: QueryContext = EMPTY_CONTEXT): T[] {
  const selected: T[] = [];
  for (const instance of instances) if (compiled.matches(instance, context)) selected.push(instance);
  return selected;
}
