import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../lib/config/index.js';
import type { EcsOpsConfig } from '../../lib/config/schema.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A real event sample from test/fixtures/events, parsed fresh so tests may mutate it. */
export function fixtureEvent(name: string): FixtureEvent {
  return JSON.parse(readFileSync(`${root}test/fixtures/events/${name}.json`, 'utf8')) as FixtureEvent;
}

/** Loosely typed so tests can change fields; what they build still goes through the real schemas. */
export interface FixtureEvent {
  id: string;
  time: string;
  resources: string[];
  detail: Record<string, unknown>;
  [key: string]: unknown;
}

/** Validates an inline YAML config the way the loader does, failing the test with the errors if it is invalid. */
export function configFrom(yaml: string): EcsOpsConfig {
  const result = parseConfig(yaml, 'inline.yml');
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return result.config;
}

export const repoRoot = root;
