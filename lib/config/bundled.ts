import { ConfigSchema, type EcsOpsConfig } from './schema.js';

/** Replaced at package time by esbuild `define` with the validated config (see serverless.yml and lib/deploy). */
declare const __ECS_OPS_CONFIG__: string | undefined;

let cached: EcsOpsConfig | undefined;

/**
 * The config bundled into this function. Validated again at cold start (cheap) so a bundle never runs on a config
 * its own schema would refuse.
 */
export function bundledConfig(): EcsOpsConfig {
  if (cached) return cached;
  const literal = typeof __ECS_OPS_CONFIG__ === 'string' ? __ECS_OPS_CONFIG__ : undefined;
  if (literal === undefined) throw new Error('ecs-ops: no config was bundled into this function; build it with `npm run package`');
  cached = ConfigSchema.parse(JSON.parse(literal));
  return cached;
}
