/**
 * Helpers for the scenario tests: small scenarios built on the tour's config and fleet (so every test shares one
 * cached package), temporary directories, and the CLI's `main()` with captured output.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as runCliAt, type CliRun } from '../../support/cli.js';
import { repoRoot } from '../../support/fixtures.js';

export const TOUR = join(repoRoot, 'sim/scenarios/tour.yml');

/** How long a test that may package the config first can take. */
export const PACKAGING_TIMEOUT_MS = 180_000;

/** The tour's text up to (not including) `timeline:`: name, config, fleet, notifications. */
function tourHead(): string {
  const text = readFileSync(TOUR, 'utf8');
  return text.slice(0, text.indexOf('\ntimeline:') + 1);
}

/** A scenario with the tour's config and fleet and the given timeline, end and expectations (YAML bodies). */
export function scenarioText(parts: { name?: string; timeline: string; until?: string; expect: string }): string {
  const head = tourHead().replace(/^name: tour$/m, `name: ${parts.name ?? 'small'}`);
  return `${head}timeline:\n${parts.timeline}\n${parts.until === undefined ? '' : `until: ${parts.until}\n`}expect:\n${parts.expect}\n`;
}

/**
 * A small run: web scaled past the cluster's memory (a placement failure alert, to Slack and SNS; api cannot place
 * its replacement later either), an on-demand instance terminated (its lifecycle action waits), a Spot instance
 * reclaimed (tasks killed).
 */
export const SMALL_TIMELINE = `  - at: 2m
    setDesiredCount: { cluster: prod, service: web, desired: 20 }
  - at: 4m
    terminateInstance: { asg: prod-ecs-ondemand, instance: 0 }
  - at: 6m
    interruptSpot: { asg: prod-ecs-spot }
  - note: Spot takes one back.`;

export const SMALL_EXPECT = `  - notification: { channel: ops, contains: 'web: tasks cannot be placed (RESOURCE:MEMORY)', count: 1 }
  - notification: { channel: pager, kind: service-task-placement-failure, min: 1 }
  - tasksKilled: { min: 1 }
  - noDeadLetters: true`;

const dirs: string[] = [];

export function tempDir(prefix = 'ecs-ops-scenario-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes `text` as `name` in a new temporary directory; returns its path. */
export function writeScenario(name: string, text: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

/** The ecs-ops command in process (see test/support/cli.ts), from `cwd`. */
export const runCli = (argv: string[], cwd: string = repoRoot): Promise<CliRun> => runCliAt(argv, { cwd });
