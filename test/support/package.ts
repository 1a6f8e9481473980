/**
 * Packages the example config with osls exactly as `npm run package` does (offline, no credentials), through the
 * simulator's package cache (sim/scenario/package.ts: one build per config and source state, shared by every test
 * file and simulation, concurrent packagers taking turns through a lock). With ECS_OPS_TEMPLATE_DIR set (CI), returns
 * that existing package instead.
 */
import { join, resolve } from 'node:path';
import { packageConfigFile } from '../../sim/scenario/package.js';
import { repoRoot } from './fixtures.js';

let cached: Promise<string> | undefined;

/** The directory of a package built from ecs-ops.config.example.yml (template, zips, serverless-state.json). */
export function packageExample(): Promise<string> {
  cached ??= build();
  return cached;
}

function build(): Promise<string> {
  const given = process.env.ECS_OPS_TEMPLATE_DIR;
  if (given) return Promise.resolve(resolve(repoRoot, given));
  return packageConfigFile(join(repoRoot, 'ecs-ops.config.example.yml'), { repoRoot });
}
