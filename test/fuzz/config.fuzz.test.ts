/**
 * The config loader on malformed YAML: the example config (every section the toolkit has) broken at random — lines
 * deleted, duplicated or re-indented, YAML syntax inserted (unclosed brackets and quotes, tabs, anchors, aliases,
 * merge keys, tags, duplicate keys, document markers), values swapped for the wrong type, the text cut short — and
 * a few pathological documents. parseConfig must never throw; a refused config comes back as errors that each give
 * a line (and column) inside the file, printed as `file:line:column path: message`.
 *
 * FUZZ_SEED and FUZZ_RUNS override the seed and the number of runs.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatConfigErrors, parseConfig } from '../../lib/config/index.js';
import { repoRoot } from '../support/fixtures.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_101);
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const FILE = 'ecs-ops.config.yml';
const EXAMPLE = readFileSync(join(repoRoot, 'ecs-ops.config.example.yml'), 'utf8');
const LINES = EXAMPLE.split('\n');

const SNIPPETS = [
  '[', ']', '{', '}', '"', "'", ': ', ':', '- ', '\t', '&a ', '*a', '*undefined_alias', '<<: *a', '!!binary ', '!!js/function ', '!custom ',
  '---', '...', '%YAML 1.1', '? ', '|', '>', '#', '@', '`', '\u0000', '\uFEFF', '\u202E', '𝒳', 'null', '~', '.inf', '0x1F', '1e999', '-', '==',
];

type Edit =
  | { kind: 'delete-line'; line: number }
  | { kind: 'duplicate-line'; line: number }
  | { kind: 'reindent'; line: number; by: number }
  | { kind: 'insert'; line: number; column: number; text: string }
  | { kind: 'replace-value'; line: number; value: string }
  | { kind: 'truncate'; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete-line' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('reindent' as const), line: fc.nat(), by: fc.integer({ min: -4, max: 5 }) }),
  fc.record({ kind: fc.constant('insert' as const), line: fc.nat(), column: fc.nat(), text: fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 8 })) }),
  fc.record({ kind: fc.constant('replace-value' as const), line: fc.nat(), value: fc.constantFrom('[1, 2', '{a: 1}', '[]', '{}', 'true', '-1', '99999999999999999999', '"unterminated', "'x'", 'null', '*a', '&a x', '!!str 5', '5m5', '') }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function apply(lines: string[], e: Edit): string[] {
  const out = [...lines];
  const i = (n: number) => n % Math.max(out.length, 1);
  switch (e.kind) {
    case 'delete-line':
      out.splice(i(e.line), 1);
      break;
    case 'duplicate-line':
      out.splice(i(e.line), 0, out[i(e.line)] ?? '');
      break;
    case 'reindent': {
      const l = out[i(e.line)] ?? '';
      out[i(e.line)] = e.by >= 0 ? `${' '.repeat(e.by)}${l}` : l.slice(Math.min(-e.by, l.length - l.trimStart().length));
      break;
    }
    case 'insert': {
      const l = out[i(e.line)] ?? '';
      const c = e.column % (l.length + 1);
      out[i(e.line)] = `${l.slice(0, c)}${e.text}${l.slice(c)}`;
      break;
    }
    case 'replace-value': {
      const l = out[i(e.line)] ?? '';
      const colon = l.indexOf(': ');
      if (colon >= 0) out[i(e.line)] = `${l.slice(0, colon + 2)}${e.value}`;
      break;
    }
    case 'truncate':
      return out.join('\n').slice(0, e.at % (out.join('\n').length + 1)).split('\n');
  }
  return out;
}

const brokenConfig = fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce(apply, LINES).join('\n'));

function check(text: string): { ok: boolean } {
  let result: ReturnType<typeof parseConfig>;
  try {
    result = parseConfig(text, FILE);
  } catch (error) {
    throw new Error(`parseConfig threw instead of returning errors: ${error instanceof Error ? error.stack : String(error)}\n--- config ---\n${text.slice(0, 2000)}`, { cause: error });
  }
  if (result.ok) return { ok: true };
  expect(result.errors.length, 'a refused config has at least one error').toBeGreaterThan(0);
  const lineCount = text.split(/\r\n|\r|\n/).length;
  for (const error of result.errors) {
    expect(error.line, `error without a line: ${JSON.stringify(error)}`).toBeGreaterThanOrEqual(1);
    expect(error.line, `line past the end: ${JSON.stringify(error)}`).toBeLessThanOrEqual(lineCount + 1);
    expect(error.message.trim(), 'an error says what is wrong').not.toBe('');
  }
  for (const line of formatConfigErrors(result.errors, FILE)) expect(line).toMatch(new RegExp(`^${FILE.replace(/\./g, '\\.')}:\\d+(:\\d+)?`));
  return { ok: false };
}

describe('config loader on malformed YAML', () => {
  it(`returns errors with file:line, never throws (seed ${SEED}, ${RUNS} runs)`, () => {
    let refused = 0;
    fc.assert(
      fc.property(brokenConfig, (text) => {
        if (!check(text).ok) refused++;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.info(`config fuzz: ${RUNS} broken configs, ${refused} refused with located errors, ${RUNS - refused} still valid`);
    expect(refused).toBeGreaterThan(RUNS / 4);
  }, 120_000);

  it.each([
    ['empty', ''],
    ['only a comment', '# nothing'],
    ['a scalar', 'hello'],
    ['a list', '- 1\n- 2'],
    ['null', '~'],
    ['binary garbage', '\u0000\u0001\u0002\uFFFD'],
    ['an undefined alias', 'version: *nope'],
    ['a self-referencing merge', 'a: &a\n  <<: *a\nversion: 1'],
    ['alias bomb', `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nversion: 1`],
    ['two documents', 'version: 1\n---\nversion: 2'],
    ['deep nesting', `${'['.repeat(5_000)}${']'.repeat(5_000)}`],
    ['a huge key', `${'k'.repeat(200_000)}: 1`],
    ['tabs for indentation', 'version: 1\nclusters:\n\t- name: prod'],
    ['duplicate keys', 'version: 1\nversion: 1'],
    ['CRLF and a broken mapping', 'version: 1\r\nclusters:\r\n  - name: [\r\n'],
  ])('%s: no exception, errors located', (_, text) => {
    expect(check(text).ok).toBe(false);
  });
});
