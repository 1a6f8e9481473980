/**
 * Validation of placement constraints and strategies, as ECS does before placing: limits, types, fields, expressions.
 */
import type { PlacementConstraint, PlacementStrategy, TaskDefinition } from '../model.js';
import { PlacementValidationError } from './errors.js';
import type { CompileExpression, InstancePredicate } from './types.js';

/** ECS: "You can specify a maximum of 10 constraints for each task. This limit includes constraints in the task definition and those specified at runtime." */
export const MAX_CONSTRAINTS = 10;
/** ECS: "You can specify a maximum of 5 strategy rules for each task." */
export const MAX_STRATEGIES = 5;
/** ECS: "The expression can have a maximum length of 2000 characters." */
export const MAX_EXPRESSION_LENGTH = 2000;

export type StrategyRule =
  | { kind: 'spread-instance'; field: string }
  | { kind: 'spread-attribute'; field: string; attribute: string }
  | { kind: 'binpack'; field: 'cpu' | 'memory' }
  | { kind: 'random' };

export interface CompiledConstraint {
  expression: string;
  predicate: InstancePredicate;
}

export interface ValidatedPlacement {
  memberOf: CompiledConstraint[];
  distinctInstance: boolean;
  /** The strategies to apply, in order: the request's, or the default for the group. */
  strategies: StrategyRule[];
  defaultStrategy: boolean;
}

/** ECS's default for services: spread on Availability Zone, then on instance; for RunTask: random. */
export function defaultStrategies(group: string): StrategyRule[] {
  return group.startsWith('service:')
    ? [
        { kind: 'spread-attribute', field: 'attribute:ecs.availability-zone', attribute: 'ecs.availability-zone' },
        { kind: 'spread-instance', field: 'instanceId' },
      ]
    : [{ kind: 'random' }];
}

function where(list: string, index: number): string {
  return `${list}[${index}]`;
}

export function parseStrategy(strategy: PlacementStrategy, at: string): StrategyRule {
  switch (strategy.type) {
    case 'random':
      return { kind: 'random' }; // ECS: "For the random placement strategy, this field is not used."
    case 'binpack': {
      const field = strategy.field?.toLowerCase();
      if (field === 'cpu' || field === 'memory') return { kind: 'binpack', field };
      throw new PlacementValidationError(
        strategy.field === undefined
          ? `${at}: binpack requires a field: cpu or memory.`
          : `${at}: invalid binpack field "${strategy.field}": expected cpu or memory.`,
      );
    }
    case 'spread': {
      const field = strategy.field;
      if (field === undefined || field.trim() === '') throw new PlacementValidationError(`${at}: spread requires a field: instanceId, host or attribute:<name>.`);
      if (field === 'instanceId' || field === 'host') return { kind: 'spread-instance', field };
      if (field.startsWith('attribute:') && field.length > 'attribute:'.length) {
        return { kind: 'spread-attribute', field, attribute: field.slice('attribute:'.length) };
      }
      throw new PlacementValidationError(`${at}: invalid spread field "${field}": expected instanceId, host or attribute:<name>.`);
    }
    case undefined:
      throw new PlacementValidationError(`${at}: placement strategy type is required: random, spread or binpack.`);
    default:
      throw new PlacementValidationError(`${at}: invalid placement strategy type "${strategy.type}": expected random, spread or binpack.`);
  }
}

function compileExpression(expression: string, at: string, compile: CompileExpression): InstancePredicate {
  try {
    return compile(expression);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = typeof error === 'object' && error !== null && 'position' in error && typeof error.position === 'number' ? error.position : undefined;
    throw new PlacementValidationError(`${at}: invalid memberOf expression: ${message}`, position === undefined ? { expression } : { expression, position }, {
      cause: error,
    });
  }
}

/**
 * Validates the task definition's and the runtime constraints (10 at most in all) and the strategies (5 at most),
 * compiling each memberOf expression once. Throws PlacementValidationError.
 */
export function validatePlacement(
  taskDefinition: TaskDefinition,
  group: string,
  runtimeConstraints: readonly PlacementConstraint[],
  strategies: readonly PlacementStrategy[],
  compile: CompileExpression,
): ValidatedPlacement {
  const definitionConstraints = taskDefinition.placementConstraints ?? [];
  const total = definitionConstraints.length + runtimeConstraints.length;
  if (total > MAX_CONSTRAINTS) {
    throw new PlacementValidationError(
      `Too many placement constraints: ${total} (task definition ${definitionConstraints.length}, runtime ${runtimeConstraints.length}); you can specify a maximum of ${MAX_CONSTRAINTS} constraints for each task, including those in the task definition.`,
    );
  }
  if (strategies.length > MAX_STRATEGIES) {
    throw new PlacementValidationError(`Too many placement strategies: ${strategies.length}; you can specify a maximum of ${MAX_STRATEGIES} strategy rules for each task.`);
  }

  const memberOf: CompiledConstraint[] = [];
  let distinctInstance = false;
  const all = [
    ...definitionConstraints.map((c, i) => ({ c, at: where('taskDefinition.placementConstraints', i), fromDefinition: true })),
    ...runtimeConstraints.map((c, i) => ({ c, at: where('placementConstraints', i), fromDefinition: false })),
  ];
  for (const { c, at, fromDefinition } of all) {
    switch (c.type) {
      case 'memberOf': {
        if (c.expression === undefined || c.expression.trim() === '') throw new PlacementValidationError(`${at}: memberOf requires an expression.`);
        if (c.expression.length > MAX_EXPRESSION_LENGTH) {
          throw new PlacementValidationError(`${at}: the expression can have a maximum length of ${MAX_EXPRESSION_LENGTH} characters; got ${c.expression.length}.`);
        }
        memberOf.push({ expression: c.expression, predicate: compileExpression(c.expression, at, compile) });
        break;
      }
      case 'distinctInstance':
        // RegisterTaskDefinition rejects it ("constraint.type 'distinctInstance' is not supported"): runtime only.
        if (fromDefinition) throw new PlacementValidationError(`${at}: constraint.type 'distinctInstance' is not supported in a task definition.`);
        // ECS's own message (InvalidParameterException), even for an empty expression.
        if (c.expression !== undefined) throw new PlacementValidationError(`${at}: distinctInstance expression should not be specified.`);
        distinctInstance = true;
        break;
      case undefined:
        throw new PlacementValidationError(`${at}: placement constraint type is required: memberOf or distinctInstance.`);
      default:
        throw new PlacementValidationError(`${at}: invalid placement constraint type "${c.type}": expected memberOf or distinctInstance.`);
    }
  }

  const rules = strategies.map((s, i) => parseStrategy(s, where('placementStrategy', i)));
  return rules.length > 0
    ? { memberOf, distinctInstance, strategies: rules, defaultStrategy: false }
    : { memberOf, distinctInstance, strategies: defaultStrategies(group), defaultStrategy: true };
}
