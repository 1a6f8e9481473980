import * as z from 'zod/mini';

/**
 * The EventBridge envelope shared by every event ecs-ops consumes.
 *
 * Objects are `looseObject`s everywhere in `lib/events`: AWS adds fields to events without notice, and an unknown
 * field must never make ecs-ops drop an event. Only the fields the toolkit acts on are required.
 */

/**
 * A string field whose documented values are `T`, but which accepts any string: AWS extends such sets (and its
 * documentation samples use placeholders), so an unknown value must not fail the event. The type keeps the known
 * values for autocompletion and exhaustive-ish `switch`es.
 */
export type KnownString<T extends string> = T | (string & {});

/** Schema for a {@link KnownString}; `known` documents the values and types the result, validation is `z.string()`. */
export function knownString<const T extends string>(_known: readonly T[]): z.ZodMiniType<KnownString<T>, string> {
  // `_known` is documentation only: validating against it would reject values AWS adds later.
  return z.string();
}

/**
 * Builds the schema of one EventBridge event: `detail-type` one of `detailType`, `source` exactly `source`,
 * `detail` validated by `detail`.
 *
 * Required: `id`, `detail-type`, `source`, `resources` (present in every AWS sample, used to name ASGs, services and
 * schedules) and `detail`. `version`, `account`, `time` and `region` are optional strings: the documented Fargate
 * Spot termination notice has no `time`/`region`, and many doc samples carry placeholders like
 * `"yyyy-mm-ddThh:mm:ssZ"` in `time`, so no ISO format is enforced here.
 */
export function eventEnvelope<const DT extends string, const S extends string, D extends z.ZodMiniType>(
  detailType: DT | readonly DT[],
  source: S,
  detail: D,
) {
  const detailTypes: readonly DT[] = typeof detailType === 'string' ? [detailType] : detailType;
  return z.looseObject({
    version: z.optional(z.string()),
    id: z.string(),
    'detail-type': z.literal(detailTypes),
    source: z.literal(source),
    account: z.optional(z.string()),
    time: z.optional(z.string()),
    region: z.optional(z.string()),
    resources: z.array(z.string()),
    detail,
  });
}
