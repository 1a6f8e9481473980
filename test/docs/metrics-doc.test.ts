/**
 * docs/metrics.md lists every metric ecs-ops emits: every `metrics.count('Name'` / `addMetric('Name'` in lib/ and
 * functions/ (and Powertools' ColdStart where a handler captures it), and nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';

function sources(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

function emittedMetrics(): Set<string> {
  const names = new Set<string>();
  for (const file of [...sources('lib'), ...sources('functions')]) {
    const text = readFileSync(file, 'utf8');
    // The call's arguments up to its first ")": a name, or a choice of names (`ok ? 'A' : 'B'`).
    for (const call of text.matchAll(/\b(?:count|addMetric)\(([^)]*)\)/g)) {
      for (const m of (call[1] ?? '').matchAll(/['"`]([A-Z][A-Za-z]+)['"`]/g)) names.add(m[1] ?? '');
    }
    if (/captureColdStartMetric:\s*true/.test(text)) names.add('ColdStart');
  }
  return names;
}

function documentedMetrics(): Set<string> {
  const doc = readFileSync(join(repoRoot, 'docs/metrics.md'), 'utf8');
  return new Set([...doc.matchAll(/^\| `([A-Za-z]+)` \|/gm)].map((m) => m[1] ?? ''));
}

describe('docs/metrics.md', () => {
  it('finds the metrics in the code (the scan works)', () => {
    const emitted = emittedMetrics();
    expect(emitted.size).toBeGreaterThan(30);
    expect([...emitted]).toEqual(expect.arrayContaining(['ReconcilePassCompleted', 'MalformedEvent', 'DigestMessagesPosted', 'ColdStart']));
  });

  it('documents every metric the code emits, and only those', () => {
    const emitted = emittedMetrics();
    const documented = documentedMetrics();
    expect([...emitted].filter((n) => !documented.has(n)).sort(), 'emitted but not in docs/metrics.md').toEqual([]);
    expect([...documented].filter((n) => !emitted.has(n)).sort(), 'in docs/metrics.md but not emitted').toEqual([]);
  });
});
