/**
 * The simulator's package cache (sim/scenario/package.ts) without running osls: what the cache key covers, publishing
 * a finished package when another packager got there first, and pruning packages nobody used for a week.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageHash, publishPackage, pruneCache } from '../../../sim/scenario/package.js';

let root: string;

function write(relative: string, text: string): void {
  mkdirSync(join(root, relative, '..'), { recursive: true });
  writeFileSync(join(root, relative), text);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ecs-ops-package-cache-test-'));
  write('package.json', JSON.stringify({ name: 'ecs-ops', type: 'module', scripts: { test: 'vitest run' }, dependencies: { zod: '^4.0.0' } }, null, 2));
  write('package-lock.json', '{"lockfileVersion":3}');
  write('serverless.yml', 'service: ecs-ops\n');
  write('tsconfig.json', '{}');
  write('functions/drain.ts', 'export const handler = 1;');
  write('lib/deploy/deploy-guard.cjs', 'module.exports = class {};');
  write('test/drain.test.ts', 'test');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('package cache key', () => {
  const config = 'drain: {}\n';

  it('is stable, and changes with the config text', () => {
    expect(packageHash(config, root)).toBe(packageHash(config, root));
    expect(packageHash('drain: { dryRun: true }\n', root)).not.toBe(packageHash(config, root));
  });

  it.each([
    ['a handler', 'functions/drain.ts', 'export const handler = 2;'],
    ['a new source file', 'lib/drain/decide.ts', 'export {};'],
    ['a local osls plugin', 'lib/deploy/deploy-guard.cjs', 'module.exports = class Guard {};'],
    ['serverless.yml', 'serverless.yml', 'service: ecs-ops\nprovider: {}\n'],
    ['the lock file (osls, plugins, esbuild)', 'package-lock.json', '{"lockfileVersion":3,"packages":{}}'],
    ['tsconfig.json', 'tsconfig.json', '{"compilerOptions":{}}'],
    ['a dependency range', 'package.json', JSON.stringify({ name: 'ecs-ops', type: 'module', scripts: { test: 'vitest run' }, dependencies: { zod: '^4.1.0' } })],
  ])('changes with %s', (_what, file, text) => {
    const before = packageHash(config, root);
    write(file, text);
    expect(packageHash(config, root)).not.toBe(before);
  });

  it('does not change with npm scripts, tests or docs, which never reach a package', () => {
    const before = packageHash(config, root);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    pkg.scripts.chaos = 'tsx sim/chaos/cli.ts';
    write('package.json', JSON.stringify(pkg));
    write('test/drain.test.ts', 'another test');
    write('docs/testing.md', '# testing');
    expect(packageHash(config, root)).toBe(before);
  });
});

describe('publishing a package', () => {
  const build = (name: string, marker: string): string => {
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, 'cloudformation-template-update-stack.json'), marker);
    return dir;
  };

  it('moves the build into place', async () => {
    const built = build('.build-1', 'first');
    await publishPackage(built, join(root, 'abc'));
    expect(readFileSync(join(root, 'abc/cloudformation-template-update-stack.json'), 'utf8')).toBe('first');
    expect(existsSync(built)).toBe(false);
  });

  it('keeps a package another packager published first, untouched, and drops its own', async () => {
    await publishPackage(build('.build-1', 'first'), join(root, 'abc'));
    const second = build('.build-2', 'second');
    await publishPackage(second, join(root, 'abc'));
    expect(readFileSync(join(root, 'abc/cloudformation-template-update-stack.json'), 'utf8')).toBe('first');
    expect(existsSync(second)).toBe(false);
  });

  it('replaces a directory that holds no template (a removal cut short)', async () => {
    mkdirSync(join(root, 'abc'));
    writeFileSync(join(root, 'abc/drain.zip'), 'partial');
    await publishPackage(build('.build-1', 'whole'), join(root, 'abc'));
    expect(readFileSync(join(root, 'abc/cloudformation-template-update-stack.json'), 'utf8')).toBe('whole');
    expect(existsSync(join(root, 'abc/drain.zip'))).toBe(false);
  });
});

describe('pruning the cache', () => {
  it('removes packages unused for longer than the limit and abandoned builds, never a build in progress', async () => {
    const now = Date.now();
    const age = (name: string, days: number) => {
      mkdirSync(join(root, 'cache', name), { recursive: true });
      const at = new Date(now - days * 86_400_000);
      utimesSync(join(root, 'cache', name), at, at);
    };
    age('old', 8);
    age('recent', 6);
    age('.build-abandoned', 30);
    age('.build-running', 0);
    expect((await pruneCache(join(root, 'cache'), 7, now)).sort()).toEqual(['.build-abandoned', 'old']);
    expect(existsSync(join(root, 'cache/old'))).toBe(false);
    expect(existsSync(join(root, 'cache/recent'))).toBe(true);
    expect(existsSync(join(root, 'cache/.build-running'))).toBe(true);
  });

  it('is a no-op for a cache that does not exist yet', async () => {
    expect(await pruneCache(join(root, 'nowhere'))).toEqual([]);
  });
});
