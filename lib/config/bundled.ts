/**
 * The config bundled into each function as plain data. `npm run package` validates the config once (lib/deploy/
 * prepare.ts) and esbuild `define`s two literals from .ecs-ops/deploy.json: the validated config's JSON text and its
 * digest. The running function trusts that data: it checks the digest (a few microseconds) instead of re-parsing the
 * config with its schema, so the schema, zod's compile, the query-language compiler and the schedule-expression parser
 * stay out of bundles that do not otherwise need them (issue #19). This module must not import lib/config/schema.ts
 * at runtime.
 */
import { createHash } from 'node:crypto';
import type { EcsOpsConfig } from './schema.js';

/** Replaced at package time by esbuild `define` with the validated config's JSON text (see serverless.yml). */
declare const __ECS_OPS_CONFIG__: string | undefined;
/** Replaced at package time by esbuild `define` with {@link bundledConfigDigest} of that text. */
declare const __ECS_OPS_CONFIG_DIGEST__: string | undefined;

/**
 * The config file format (`version:` in ecs-ops.config.yml) this code reads. A bundle never runs on data of another
 * format, whatever packaged it.
 */
export const BUNDLED_CONFIG_VERSION = 1;

/** `v<format>:sha256:<hex>` of the config's JSON text: what prepare.ts writes, what the function checks. */
export function bundledConfigDigest(configJson: string): string {
  return `v${String(BUNDLED_CONFIG_VERSION)}:sha256:${createHash('sha256').update(configJson).digest('hex')}`;
}

/** Why the bundled config cannot be used (the bundle was not built by `npm run package`, or was altered). */
export class BundledConfigError extends Error {
  override name = 'BundledConfigError';
}

/**
 * Checks the config text against its digest and returns the config. Pure (the literals are arguments) so it can be
 * tested without a bundle.
 */
export function readBundledConfig(literal: string | undefined, digest: string | undefined): EcsOpsConfig {
  if (literal === undefined) throw new BundledConfigError('ecs-ops: no config was bundled into this function; build it with `npm run package`');
  if (digest === undefined) throw new BundledConfigError('ecs-ops: the bundled config came without its digest; build the function with `npm run package`');
  const actual = bundledConfigDigest(literal);
  if (actual !== digest) {
    throw new BundledConfigError(`ecs-ops: the bundled config does not match its digest (expected ${digest}, got ${actual}): the bundle or .ecs-ops/deploy.json was altered after validation; package again with \`npm run package\``);
  }
  const config = JSON.parse(literal) as EcsOpsConfig;
  if (config.version !== BUNDLED_CONFIG_VERSION) {
    throw new BundledConfigError(`ecs-ops: the bundled config has version ${JSON.stringify(config.version)}; this function reads version ${String(BUNDLED_CONFIG_VERSION)}`);
  }
  return config;
}

let cached: EcsOpsConfig | undefined;

/** The config bundled into this function (validated at package time; checked against its digest once per cold start). */
export function bundledConfig(): EcsOpsConfig {
  cached ??= readBundledConfig(
    typeof __ECS_OPS_CONFIG__ === 'string' ? __ECS_OPS_CONFIG__ : undefined,
    typeof __ECS_OPS_CONFIG_DIGEST__ === 'string' ? __ECS_OPS_CONFIG_DIGEST__ : undefined,
  );
  return cached;
}
