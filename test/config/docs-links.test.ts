/**
 * The README and docs/ link only public URLs and files of this repository (the README once linked a file outside it),
 * and every linked file exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';

// Written on other branches this session (ops-cli, ops-live, cp-ops, cold-start, test-speed); empty this list once merged.

const files = ['README.md', 'CHANGELOG.md', ...readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('README and docs links', () => {
  it.each(files)('%s links only public URLs and existing files of the repository', (file) => {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    const problems: string[] = [];
    for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = match[1] as string;
      if (/^https?:\/\//.test(target) || target.startsWith('#')) continue;
      const path = relative(repoRoot, resolve(repoRoot, dirname(file), target.split('#')[0] as string));
      if (path.startsWith('..')) problems.push(`${target}: outside the repository`);
      else if (!existsSync(join(repoRoot, path))) problems.push(`${target}: no such file`);
    }
    // Backticked paths outside the repository, like the `../shared/…` reference the README once had.
    for (const match of text.matchAll(/`(\.\.\/[^`]*)`/g)) {
      if (relative(repoRoot, resolve(repoRoot, dirname(file), match[1] as string)).startsWith('..')) problems.push(`${match[1]}: outside the repository`);
    }
    expect(problems).toEqual([]);
  });
});
