/**
 * The ECS task placement engine: `place(request)` plans where ECS would put tasks. See README-section.md.
 */
export { place, defaultGroup } from './place.js';
export { FailureReason, PlacementValidationError } from './errors.js';
export { mulberry32 } from './random.js';
export {
  DEFAULT_ENI_LIMIT,
  ENI_LIMITS,
  eniLimit,
  parseCpu,
  parseMemory,
  remainingResources,
  taskRequirements,
  type RemainingResources,
  type TaskRequirements,
} from './requirements.js';
export { MAX_CONSTRAINTS, MAX_EXPRESSION_LENGTH, MAX_STRATEGIES, defaultStrategies, parseStrategy, validatePlacement, type StrategyRule } from './validate.js';
export type {
  CompileExpression,
  EniLimit,
  InstanceGroupsContext,
  InstancePredicate,
  Placement,
  PlaceOptions,
  PlacementFailure,
  PlacementTask,
  PlaceRequest,
  PlaceResult,
} from './types.js';
