/**
 * Packaging an ecs-ops config with osls exactly as `npm run package` does (offline, no credentials):
 * `tsx lib/deploy/prepare.ts package` with ECS_OPS_CONFIG pointing at the config, then `osls package --package DIR`.
 *
 * Packages are cached under `os.tmpdir()/ecs-ops-sim-packages/<hash>` (ECS_OPS_PACKAGE_CACHE names another
 * directory), kept across test runs and shared by every checkout on the machine: the hash covers everything that
 * goes into a package (the config text; functions/ and lib/, which hold the handlers, prepare.ts and the local osls
 * plugins; serverless.yml; package.json without its `scripts`; the lock file, which pins osls, its plugins and
 * esbuild; tsconfig.json), so an edited handler is packaged again while a new npm script is not a reason to. Packages
 * hold no absolute path of the checkout that built them. Packaging writes `.ecs-ops/deploy.json` and `.esbuild/` in
 * the repository, so concurrent packagers (test files, simulations) of one checkout take turns through one lock
 * directory; a finished package is moved into the cache in one rename that never replaces a published package (two
 * checkouts building the same hash at once: the first rename wins, the other build is dropped), so readers never see
 * half a package. Packages unused for PACKAGE_CACHE_MAX_AGE_DAYS are removed when a new one is built.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository this module belongs to (where serverless.yml is). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Where packages are cached, one directory per hash. */
export const PACKAGE_CACHE_DIR = process.env.ECS_OPS_PACKAGE_CACHE || join(tmpdir(), 'ecs-ops-sim-packages');
/** A cached package not used for this long is removed the next time a package is built. */
export const PACKAGE_CACHE_MAX_AGE_DAYS = 7;
const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';
const STALE_LOCK_MS = 5 * 60_000;
/** Files and directories whose content goes into a package. */
const PACKAGE_INPUTS = ['functions', 'lib', 'serverless.yml', 'package.json', 'package-lock.json', 'tsconfig.json'];

export interface PackageOptions {
  /** Default: this repository. */
  repoRoot?: string;
  /** Default: PACKAGE_CACHE_DIR. */
  cacheDir?: string;
  /** Called with a line when packaging actually runs (not on a cache hit). */
  onLog?: (line: string) => void;
}

const inFlight = new Map<string, Promise<string>>();

/** The lock directory shared by everything that packages this repository. */
export function packagingLockPath(repoRoot: string = REPO_ROOT): string {
  return join(tmpdir(), `ecs-ops-package-${createHash('sha256').update(resolve(repoRoot)).digest('hex').slice(0, 12)}.lock`);
}

/** Runs `task` holding the repository's packaging lock (a directory; a lock older than 5 minutes is taken over). */
export async function withPackagingLock<T>(task: () => Promise<T>, repoRoot: string = REPO_ROOT): Promise<T> {
  const lock = packagingLockPath(repoRoot);
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const since = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (since > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await task();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** prepare.ts, then `osls package --package outDir`, for the config file at `configPath` (call under the lock). */
async function oslsPackage(configPath: string, outDir: string, repoRoot: string): Promise<void> {
  const env = { ...process.env, ECS_OPS_CONFIG: configPath, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' };
  await run(join(repoRoot, 'node_modules/.bin/tsx'), ['lib/deploy/prepare.ts', 'package'], { cwd: repoRoot, env });
  await run(join(repoRoot, 'node_modules/.bin/osls'), ['package', '--package', outDir], { cwd: repoRoot, env, maxBuffer: 16 * 1024 * 1024 });
}

function hashInputs(hash: ReturnType<typeof createHash>, root: string, relative: string): void {
  const path = join(root, relative);
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) hashInputs(hash, root, join(relative, entry));
    return;
  }
  hash.update(`${relative}\0`);
  hash.update(relative === 'package.json' ? withoutScripts(readFileSync(path, 'utf8')) : readFileSync(path));
  hash.update('\0');
}

/** package.json as it matters to a package: npm scripts are how packaging is started, never part of its output. */
function withoutScripts(text: string): string {
  try {
    const { scripts: _scripts, ...rest } = JSON.parse(text) as Record<string, unknown>;
    return JSON.stringify(rest);
  } catch {
    return text; // Not JSON: hashed as it is (osls will say what is wrong with it).
  }
}

/**
 * Moves a finished package `built` to `dir` in one rename. When another packager published `dir` first (rename onto a
 * non-empty directory fails), theirs is kept, untouched, and ours dropped: both came from the same inputs.
 */
export async function publishPackage(built: string, dir: string): Promise<void> {
  try {
    await rename(built, dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    if (existsSync(join(dir, TEMPLATE_FILE))) {
      await rm(built, { recursive: true, force: true });
      return;
    }
    // A directory without a template is no package (e.g. a removal cut short): ours replaces it.
    await rm(dir, { recursive: true, force: true });
    await rename(built, dir);
  }
}

/** Marks a package as used now (its directory's mtime), so pruning keeps what is in use. */
async function touch(dir: string): Promise<void> {
  const now = new Date();
  await utimes(dir, now, now).catch(() => undefined);
}

/**
 * Removes cached packages unused for more than `maxAgeDays`, and build directories (`.build-*`) that old, left by a
 * packager that was killed (a build in progress is minutes old).
 */
export async function pruneCache(cacheDir: string, maxAgeDays: number = PACKAGE_CACHE_MAX_AGE_DAYS, now: number = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readdir(cacheDir).catch(() => [] as string[])) {
    const path = join(cacheDir, entry);
    const used = await stat(path).then((s) => s.mtimeMs, () => now);
    if (now - used > maxAgeDays * 86_400_000) {
      await rm(path, { recursive: true, force: true });
      removed.push(entry);
    }
  }
  return removed;
}

/** The cache key of a config text: the text and every source file that goes into the bundles. */
export function packageHash(configText: string, repoRoot: string = REPO_ROOT): string {
  const hash = createHash('sha256');
  hash.update(configText);
  hash.update('\0');
  for (const input of PACKAGE_INPUTS) hashInputs(hash, repoRoot, input);
  return hash.digest('hex').slice(0, 24);
}

async function build(configText: string, configPath: string | undefined, options: PackageOptions): Promise<string> {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const cacheDir = options.cacheDir ?? PACKAGE_CACHE_DIR;
  const dir = join(cacheDir, packageHash(configText, repoRoot));
  if (existsSync(join(dir, TEMPLATE_FILE))) {
    await touch(dir);
    return dir;
  }
  await mkdir(cacheDir, { recursive: true });
  await pruneCache(cacheDir);
  const work = await mkdtemp(join(cacheDir, '.build-'));
  try {
    // Someone else may have built it while we waited for the lock: checked again inside.
    const built = await withPackagingLock(async () => {
      if (existsSync(join(dir, TEMPLATE_FILE))) return true;
      options.onLog?.(`packaging the ecs-ops config with osls into ${dir} …`);
      let path = configPath;
      if (path === undefined) {
        path = join(work, 'ecs-ops.config.yml');
        await writeFile(path, configText);
      }
      const out = join(work, 'package');
      await oslsPackage(path, out, repoRoot);
      await publishPackage(out, dir);
      return false;
    }, repoRoot);
    if (!built) options.onLog?.('packaged.');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return dir;
}

/**
 * The package directory (template, zips, serverless-state.json) of a config given as YAML text (written to a
 * temporary `ecs-ops.config.yml` for prepare.ts). Cached; concurrent calls for the same package share one build.
 */
export function packageConfigText(configText: string, options: PackageOptions = {}): Promise<string> {
  return cachedBuild(configText, undefined, options);
}

/** The same for a config file, packaged from its own path (so prepare.ts sees its real name). */
export function packageConfigFile(configPath: string, options: PackageOptions = {}): Promise<string> {
  const absolute = resolve(options.repoRoot ?? REPO_ROOT, configPath);
  return cachedBuild(readFileSync(absolute, 'utf8'), absolute, options);
}

function cachedBuild(configText: string, configPath: string | undefined, options: PackageOptions): Promise<string> {
  const key = `${options.repoRoot ?? REPO_ROOT}\0${options.cacheDir ?? PACKAGE_CACHE_DIR}\0${configPath ?? ''}\0${configText}`;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = build(configText, configPath, options).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}
