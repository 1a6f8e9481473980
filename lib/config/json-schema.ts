/**
 * JSON Schema (draft 2020-12) of the config file, generated from ConfigSchema, for editors
 * (`# yaml-language-server: $schema=./schema/ecs-ops.config.schema.json`). It describes what may be *written*
 * (io: 'input'): keys with defaults are optional and durations accept `15m` as well as seconds.
 * Cross-checks (unique names, declared clusters, time zones) are beyond JSON Schema; `ecs-ops config check` does them.
 */
import * as z from 'zod';
import { ConfigSchema, DURATION_PATTERN, durationSeconds } from './schema.js';
import { formatDuration } from './issues.js';

/** Where the committed schema lives, relative to the repository root. */
export const JSON_SCHEMA_PATH = 'schema/ecs-ops.config.schema.json';

type JsonObject = Record<string, unknown>;

/** The zod schema of a duration setting (`durationSeconds` itself, or piped into bounds), with its bounds in seconds. */
function durationBounds(schema: z.core.$ZodType): { minimum?: number; maximum?: number } | undefined {
  if (schema === durationSeconds) return {};
  const def = schema._zod.def;
  if (def.type !== 'pipe') return undefined;
  const pipe = def as z.core.$ZodPipeDef;
  if (pipe.in !== durationSeconds) return undefined;
  const out = z.toJSONSchema(pipe.out) as JsonObject;
  return {
    ...(typeof out.minimum === 'number' && { minimum: Math.max(0, out.minimum) }),
    ...(typeof out.maximum === 'number' && out.maximum < Number.MAX_SAFE_INTEGER && { maximum: out.maximum }),
  };
}

function replaceContents(target: JsonObject, contents: JsonObject): void {
  for (const key of Object.keys(target)) Reflect.deleteProperty(target, key);
  Object.assign(target, contents);
}

function durationJsonSchema(bounds: { minimum?: number; maximum?: number }): JsonObject {
  const { minimum = 0, maximum } = bounds;
  const range =
    maximum !== undefined
      ? `; between ${formatDuration(minimum)} and ${formatDuration(maximum)}`
      : minimum > 0
        ? `; at least ${formatDuration(minimum)}`
        : '';
  const source = DURATION_PATTERN.source; // ^...$, applied to the trimmed string
  return {
    description: `A duration: a whole number of seconds, or a number with a unit s, m, h or d (90s, 15m, 2h, 1d)${range}.`,
    oneOf: [
      { type: 'integer', minimum, ...(maximum !== undefined && { maximum }) },
      { type: 'string', pattern: `^\\s*${source.slice(1, -1)}\\s*$` },
    ],
  };
}

function override(ctx: { zodSchema: z.core.$ZodType; jsonSchema: JsonObject }): void {
  const { zodSchema, jsonSchema } = ctx;
  const bounds = durationBounds(zodSchema);
  if (bounds) {
    replaceContents(jsonSchema, durationJsonSchema(bounds));
    return;
  }
  const def = zodSchema._zod.def;
  if (def.type === 'default' || def.type === 'optional') {
    // A described duration setting: its own description, then how durations are written.
    const bounds = durationBounds((def as z.core.$ZodDefaultDef).innerType);
    const own = z.globalRegistry.get(zodSchema)?.description;
    if (bounds && own !== undefined) jsonSchema.description = `${own} ${String(durationJsonSchema(bounds).description)}`;
  }
  if (def.type === 'default') {
    // zod drops defaults of transforming schemas in input mode; a duration's default (seconds) is a valid input.
    const { innerType, defaultValue } = def as z.core.$ZodDefaultDef;
    if (durationBounds(innerType) && typeof defaultValue === 'number') jsonSchema.default = formatDuration(defaultValue);
  }
  // `.int()` adds the safe-integer range; it only clutters editor hovers.
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
}

/** The JSON Schema of `ecs-ops.config.yml`. */
export function configJsonSchema(): JsonObject {
  const generated = z.toJSONSchema(ConfigSchema, { target: 'draft-2020-12', io: 'input', override }) as JsonObject;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'ecs-ops configuration',
    description:
      'ecs-ops.config.yml: the clusters ecs-ops looks after, notification channels, alerts, drain, placement policies, ' +
      'scheduled tasks and digests. Validate with `ecs-ops config check`.',
    ...rest,
  };
}

/** The committed file's exact contents (stable key order, two-space indent, trailing newline). */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
