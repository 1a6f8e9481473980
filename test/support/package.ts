/**
 * Packages the example config with osls exactly as `npm run package` does (offline, no credentials) into a temporary
 * directory, once per test file (module-level cache). With ECS_OPS_TEMPLATE_DIR set (CI), returns that existing
 * package instead. Packaging writes `.ecs-ops/deploy.json` and `.esbuild/` in the repository, so concurrent test files
 * take turns through a lock directory.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './fixtures.js';

const run = promisify(execFile);
const LOCK = join(tmpdir(), `ecs-ops-package-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 12)}.lock`);
const STALE_LOCK_MS = 5 * 60_000;

let cached: Promise<string> | undefined;

/** The directory of a package built from ecs-ops.config.example.yml (template, zips, serverless-state.json). */
export function packageExample(): Promise<string> {
  cached ??= build();
  return cached;
}

async function withLock<T>(task: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const since = await stat(LOCK).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (since > STALE_LOCK_MS) await rm(LOCK, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await task();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

async function build(): Promise<string> {
  const given = process.env.ECS_OPS_TEMPLATE_DIR;
  if (given) return resolve(repoRoot, given);
  const dir = await mkdtemp(join(tmpdir(), 'ecs-ops-package-'));
  const env = { ...process.env, ECS_OPS_CONFIG: 'ecs-ops.config.example.yml', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' };
  await withLock(async () => {
    await run(join(repoRoot, 'node_modules/.bin/tsx'), ['lib/deploy/prepare.ts', 'package'], { cwd: repoRoot, env });
    await run(join(repoRoot, 'node_modules/.bin/osls'), ['package', '--package', dir], { cwd: repoRoot, env, maxBuffer: 16 * 1024 * 1024 });
  });
  return dir;
}
