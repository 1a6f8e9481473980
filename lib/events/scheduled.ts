import * as z from 'zod/mini';
import { eventEnvelope } from './envelope.js';
import { cutString, EventParseError, eventParseError, stringField } from './errors.js';

/**
 * What a schedule delivers to an ecs-ops function. Three shapes reach the same handlers:
 * - an EventBridge scheduled rule: `Scheduled Event` from `aws.events`, `detail` `{}`, `resources[0]` the rule ARN;
 * - EventBridge Scheduler's default payload (target without Input): `Scheduled Event` from `aws.scheduler`, with
 *   `detail` the STRING `"{}"`, `resources[0]` the schedule ARN;
 * - ecs-ops's own Scheduler input: `{ "schedule": "<name>", "scheduledTime": "<aws.scheduler.scheduled-time>" }`.
 * {@link parseSchedulerInvocation} normalizes all three.
 */

const SCHEDULED_EVENT = 'Scheduled Event';
export const SCHEDULED_RULE_SOURCE = 'aws.events';
export const SCHEDULER_SOURCE = 'aws.scheduler';

export const scheduledRuleEventSchema = z.lazy(() => z.extend(eventEnvelope(SCHEDULED_EVENT, SCHEDULED_RULE_SOURCE, z.looseObject({})), {
  // The scheduled time is what the guarded tasks key on, so here `time` is required.
  time: z.string(),
}));
export type ScheduledRuleEvent = z.output<typeof scheduledRuleEventSchema>;

/** Scheduler serializes `detail` as a JSON string; parse it so handlers see an object like everywhere else. */
function parseJsonString(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value; // the object schema then reports "expected object, received string"
  }
}

export const schedulerDetailSchema = z.lazy(() => z.pipe(z.transform(parseJsonString), z.looseObject({})));

export const schedulerEventSchema = z.lazy(() => z.extend(eventEnvelope(SCHEDULED_EVENT, SCHEDULER_SOURCE, schedulerDetailSchema), {
  time: z.string(),
}));
/** `detail` is the parsed object (the wire format is the string `"{}"`). */
export type SchedulerEvent = z.output<typeof schedulerEventSchema>;

/**
 * ecs-ops's own Scheduler target input. `scheduledTime` comes from the `<aws.scheduler.scheduled-time>` context
 * attribute; ecs-ops writes this template itself, so it is held to ISO 8601 (an unreplaced placeholder fails here).
 */
export const ecsOpsScheduleInputSchema = z.lazy(() => z.looseObject({
  schedule: z.string().check(z.minLength(1)),
  scheduledTime: z.iso.datetime({ offset: true }),
}));
export type EcsOpsScheduleInput = z.output<typeof ecsOpsScheduleInputSchema>;

export type SchedulerInvocationKind = 'ecs-ops' | 'scheduler-default' | 'scheduled-rule';

export interface SchedulerInvocation {
  kind: SchedulerInvocationKind;
  /** Schedule name (ecs-ops input), or the schedule/rule name from `resources[0]`. */
  schedule?: string;
  /** Scheduler schedule group, when known from the schedule ARN. */
  scheduleGroup?: string;
  /** When the invocation was scheduled for: `scheduledTime`, or the event `time`. */
  scheduledTime: string;
}

/** `…:schedule/<group>/<name>` (Scheduler) or `…:rule/[<bus>/]<name>` (EventBridge rule) → names. */
function scheduleFromArn(arn: string | undefined): { schedule?: string; scheduleGroup?: string } {
  const resource = arn?.split(':')[5];
  if (resource === undefined) return {};
  const [type, ...names] = resource.split('/');
  const name = names.at(-1);
  if (name === undefined || name === '') return {};
  if (type === 'schedule' && names.length === 2 && names[0] !== '') return { schedule: name, scheduleGroup: names[0] };
  if (type === 'rule') return { schedule: name };
  return {};
}

/**
 * Normalizes whatever a schedule delivered (see the module comment) to `{ kind, schedule?, scheduledTime }`.
 * Inputs with a `source` are parsed as EventBridge events of that source; anything else as ecs-ops input.
 * @throws EventParseError naming the failing fields.
 */
export function parseSchedulerInvocation(input: unknown): SchedulerInvocation {
  const source = stringField(input, 'source');
  if (source === SCHEDULER_SOURCE) {
    const result = schedulerEventSchema.safeParse(input, { reportInput: true });
    if (!result.success) throw eventParseError(input, result.error);
    return { kind: 'scheduler-default', ...scheduleFromArn(result.data.resources[0]), scheduledTime: result.data.time };
  }
  if (source === SCHEDULED_RULE_SOURCE) {
    const result = scheduledRuleEventSchema.safeParse(input, { reportInput: true });
    if (!result.success) throw eventParseError(input, result.error);
    return { kind: 'scheduled-rule', ...scheduleFromArn(result.data.resources[0]), scheduledTime: result.data.time };
  }
  if (source !== undefined) {
    throw new EventParseError(input, [{ path: 'source', message: `expected "${SCHEDULER_SOURCE}" or "${SCHEDULED_RULE_SOURCE}", received "${cutString(source)}"` }], {
      subject: 'schedule invocation',
    });
  }
  const result = ecsOpsScheduleInputSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw eventParseError(input, result.error, 'schedule invocation');
  return { kind: 'ecs-ops', schedule: result.data.schedule, scheduledTime: result.data.scheduledTime };
}
