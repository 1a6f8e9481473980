import type * as z from 'zod/mini';
import { appAutoScalingActivityEventSchema, APP_AUTOSCALING_SOURCE } from './appautoscaling.js';
import { ASG_ACTIVITY_DETAIL_TYPES, ASG_LIFECYCLE_DETAIL_TYPES, ASG_SOURCE, asgActivityEventSchema, asgLifecycleEventSchema } from './autoscaling.js';
import { EC2_SOURCE, rebalanceRecommendationEventSchema, spotInterruptionEventSchema } from './ec2.js';
import {
  ECS_SOURCE,
  ecsContainerInstanceStateChangeEventSchema,
  ecsDeploymentStateChangeEventSchema,
  ecsServiceActionEventSchema,
  ecsTaskStateChangeEventSchema,
} from './ecs.js';
import { cutString, EventParseError, eventParseError, stringField } from './errors.js';
import { SCHEDULED_RULE_SOURCE, SCHEDULER_SOURCE, scheduledRuleEventSchema, schedulerEventSchema } from './scheduled.js';

export type ParseResult<T> = { ok: true; event: T } | { ok: false; error: EventParseError };

/**
 * Validates `input` against `schema`. Never throws: a failure comes back as an {@link EventParseError} whose message
 * names every failing path, e.g. `detail.containers[0].exitCode: expected number, received string`.
 */
export function parseEvent<S extends z.ZodMiniType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  // reportInput: the "received …" part of messages needs the offending value (only kept on failure).
  const result = schema.safeParse(input, { reportInput: true });
  return result.success ? { ok: true, event: result.data } : { ok: false, error: eventParseError(input, result.error) };
}

/** Every event ecs-ops consumes, by kind: its schema, source and detail-type(s). */
const KNOWN = {
  'asg-lifecycle': { schema: asgLifecycleEventSchema, source: ASG_SOURCE, detailTypes: ASG_LIFECYCLE_DETAIL_TYPES },
  'asg-activity': { schema: asgActivityEventSchema, source: ASG_SOURCE, detailTypes: ASG_ACTIVITY_DETAIL_TYPES },
  'spot-interruption': { schema: spotInterruptionEventSchema, source: EC2_SOURCE, detailTypes: ['EC2 Spot Instance Interruption Warning'] },
  'rebalance-recommendation': {
    schema: rebalanceRecommendationEventSchema,
    source: EC2_SOURCE,
    detailTypes: ['EC2 Instance Rebalance Recommendation'],
  },
  'ecs-task-state-change': { schema: ecsTaskStateChangeEventSchema, source: ECS_SOURCE, detailTypes: ['ECS Task State Change'] },
  'ecs-container-instance-state-change': {
    schema: ecsContainerInstanceStateChangeEventSchema,
    source: ECS_SOURCE,
    detailTypes: ['ECS Container Instance State Change'],
  },
  'ecs-service-action': { schema: ecsServiceActionEventSchema, source: ECS_SOURCE, detailTypes: ['ECS Service Action'] },
  'ecs-deployment-state-change': { schema: ecsDeploymentStateChangeEventSchema, source: ECS_SOURCE, detailTypes: ['ECS Deployment State Change'] },
  'scheduled-rule': { schema: scheduledRuleEventSchema, source: SCHEDULED_RULE_SOURCE, detailTypes: ['Scheduled Event'] },
  scheduler: { schema: schedulerEventSchema, source: SCHEDULER_SOURCE, detailTypes: ['Scheduled Event'] },
  'app-autoscaling-scaled-to-max': {
    schema: appAutoScalingActivityEventSchema,
    source: APP_AUTOSCALING_SOURCE,
    detailTypes: ['Application Auto Scaling Scaling Activity State Change'],
  },
} as const satisfies Record<string, { schema: z.ZodMiniType; source: string; detailTypes: readonly string[] }>;

export type KnownEventKind = keyof typeof KNOWN;
export const KNOWN_EVENT_KINDS = Object.keys(KNOWN) as KnownEventKind[];

/** A parsed event tagged with its kind: `switch (e.kind)` narrows `e.event`. */
export type KnownEvent = { [K in KnownEventKind]: { kind: K; event: z.output<(typeof KNOWN)[K]['schema']> } }[KnownEventKind];

export type KnownEventResult = ParseResult<KnownEvent>;

const routeKey = (source: string, detailType: string): string => `${source}\u0000${detailType}`;

// One map lookup per event instead of trying each schema in turn.
const ROUTES = new Map<string, KnownEventKind>(
  KNOWN_EVENT_KINDS.flatMap((kind) => KNOWN[kind].detailTypes.map((detailType) => [routeKey(KNOWN[kind].source, detailType), kind] as const)),
);

/** The kind of event `source` + `detailType` is, if ecs-ops consumes it. */
export function knownEventKind(source: string, detailType: string): KnownEventKind | undefined {
  return ROUTES.get(routeKey(source, detailType));
}

/**
 * Routes an EventBridge event by `source` + `detail-type` to its schema and parses it: on success `result.event` is
 * `{ kind, event }`, and `switch (result.event.kind)` narrows `result.event.event`. Unknown types (a rule
 * matching more than ecs-ops handles) fail with an error naming both.
 */
export function parseKnownEvent(input: unknown): KnownEventResult {
  const source = stringField(input, 'source');
  const detailType = stringField(input, 'detail-type');
  if (source === undefined || detailType === undefined) {
    const issues = [
      ...(source === undefined ? [{ path: 'source', message: 'expected string (not an EventBridge event?)' }] : []),
      ...(detailType === undefined ? [{ path: 'detail-type', message: 'expected string (not an EventBridge event?)' }] : []),
    ];
    return { ok: false, error: new EventParseError(input, issues) };
  }
  const kind = knownEventKind(source, detailType);
  if (kind === undefined) {
    const id = cutString(stringField(input, 'id'));
    const [shownType, shownSource] = [cutString(detailType), cutString(source)];
    const message = `unknown event type: detail-type "${shownType}" from source "${shownSource}" is not an event ecs-ops consumes${id === undefined ? '' : ` (event ${id})`}`;
    const issue = { path: 'detail-type', message: `unknown for source "${shownSource}": received "${shownType}"` };
    return { ok: false, error: new EventParseError(input, [issue], { message }) };
  }
  const result = parseEvent<z.ZodMiniType>(KNOWN[kind].schema, input);
  if (!result.ok) return result;
  // The route guarantees the schema matches the kind; TypeScript cannot correlate the two through the map.
  return { ok: true, event: { kind, event: result.event } as KnownEvent };
}
