/**
 * Contracts of the events ecs-ops consumes: zod schemas (validate at the edge of every handler), the types inferred
 * from them, and small helpers that read what handlers act on.
 *
 * Cold start (issue #19, figures in docs/performance.md): the schemas are `zod/mini` (a quarter of classic zod's
 * bytes) and every schema is wrapped in `z.lazy`, so a family is built the first time an event of that family is
 * parsed, not when a function is imported. Wrap new schemas the same way.
 */
export { eventEnvelope, knownString, type KnownString } from './envelope.js';
export { EventParseError, formatPath, type EventIssue } from './errors.js';
export {
  parseEvent,
  parseKnownEvent,
  knownEventKind,
  KNOWN_EVENT_KINDS,
  type ParseResult,
  type KnownEvent,
  type KnownEventKind,
  type KnownEventResult,
} from './parse.js';
export {
  ASG_SOURCE,
  ASG_LIFECYCLE_DETAIL_TYPES,
  ASG_ACTIVITY_DETAIL_TYPES,
  ASG_LOCATIONS,
  ASG_ACTIVITY_STATUS_CODES,
  ASG_SNS_EVENTS,
  LIFECYCLE_TRANSITIONS,
  asgLifecycleDetailSchema,
  asgLifecycleEventSchema,
  asgActivityDetailSchema,
  asgActivityEventSchema,
  asgSnsNotificationSchema,
  isWarmPoolDestination,
  type AsgLifecycleDetailType,
  type AsgActivityDetailType,
  type LifecycleTransition,
  type AsgLifecycleDetail,
  type AsgLifecycleEvent,
  type AsgActivityDetail,
  type AsgActivityEvent,
  type AsgSnsNotification,
} from './autoscaling.js';
export {
  EC2_SOURCE,
  SPOT_INSTANCE_ACTIONS,
  spotInterruptionDetailSchema,
  spotInterruptionEventSchema,
  rebalanceRecommendationDetailSchema,
  rebalanceRecommendationEventSchema,
  type SpotInterruptionDetail,
  type SpotInterruptionEvent,
  type RebalanceRecommendationDetail,
  type RebalanceRecommendationEvent,
} from './ec2.js';
export {
  ECS_SOURCE,
  TASK_STATUSES,
  LAUNCH_TYPES,
  STOP_CODES,
  CONTAINER_INSTANCE_STATUSES,
  ECS_EVENT_TYPES,
  SERVICE_ACTION_EVENT_NAMES,
  DEPLOYMENT_EVENT_NAMES,
  ecsContainerSchema,
  ecsTaskStateChangeDetailSchema,
  ecsTaskStateChangeEventSchema,
  ecsResourceSchema,
  ecsContainerInstanceStateChangeDetailSchema,
  ecsContainerInstanceStateChangeEventSchema,
  ecsServiceActionDetailSchema,
  ecsServiceActionEventSchema,
  ecsDeploymentStateChangeDetailSchema,
  ecsDeploymentStateChangeEventSchema,
  serviceFromArn,
  clusterNameFromArn,
  serviceOfEvent,
  CIRCUIT_BREAKER_ROLLBACK_PREFIX,
  isCircuitBreakerRollback,
  type EcsContainer,
  type EcsTaskStateChangeDetail,
  type EcsTaskStateChangeEvent,
  type EcsResource,
  type EcsContainerInstanceStateChangeDetail,
  type EcsContainerInstanceStateChangeEvent,
  type EcsEventType,
  type EcsServiceActionDetail,
  type EcsServiceActionEvent,
  type EcsDeploymentStateChangeDetail,
  type EcsDeploymentStateChangeEvent,
  type EcsServiceRef,
} from './ecs.js';
export {
  SCHEDULED_RULE_SOURCE,
  SCHEDULER_SOURCE,
  scheduledRuleEventSchema,
  schedulerDetailSchema,
  schedulerEventSchema,
  ecsOpsScheduleInputSchema,
  parseSchedulerInvocation,
  type ScheduledRuleEvent,
  type SchedulerEvent,
  type EcsOpsScheduleInput,
  type SchedulerInvocation,
  type SchedulerInvocationKind,
} from './scheduled.js';
export {
  APP_AUTOSCALING_SOURCE,
  appAutoScalingActivityDetailSchema,
  appAutoScalingActivityEventSchema,
  type AppAutoScalingActivityDetail,
  type AppAutoScalingActivityEvent,
} from './appautoscaling.js';
