/**
 * `npm run remove|info|logs` on a fresh checkout (no `npm run package` yet, so no .ecs-ops/deploy.json): serverless.yml
 * must still resolve (it falls back to lib/deploy/unpackaged.json). `osls print` resolves every variable offline, as
 * remove, info and logs do before their first AWS call.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { withPackagingLock } from '../../sim/scenario/package.js';
import { repoRoot } from '../support/fixtures.js';

describe('serverless.yml without .ecs-ops/deploy.json', () => {
  it('resolves, declaring every function, in the region given', async () => {
    const deployJson = join(repoRoot, '.ecs-ops/deploy.json');
    const aside = `${deployJson}.aside-${process.pid}`;
    // Under the packaging lock: other test files write .ecs-ops/deploy.json while packaging.
    const result = await withPackagingLock(() => {
      const had = existsSync(deployJson);
      if (had) renameSync(deployJson, aside);
      try {
        return Promise.resolve(
          spawnSync(join(repoRoot, 'node_modules/.bin/osls'), ['print', '--stage', 'dev', '--region', 'eu-west-1'], {
            cwd: repoRoot,
            env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' },
            encoding: 'utf8',
            timeout: 120_000,
          }),
        );
      } finally {
        if (had) renameSync(aside, deployJson);
      }
    });
    expect(result.stderr).not.toContain('Cannot resolve');
    expect(result.status).toBe(0);
    const printed = parse(result.stdout) as { provider: { region: string; stage: string }; functions: Record<string, unknown> };
    expect(printed.provider.region).toBe('eu-west-1');
    expect(Object.keys(printed.functions).sort()).toEqual(['alerts', 'digest', 'drain', 'placement', 'scheduleRunner']);
  }, 120_000);
});
