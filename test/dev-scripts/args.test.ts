/**
 * The dev scripts' command lines (`npm run chaos`, `npm run bench`): unknown flags, malformed values and positional
 * junk are refused with a one-line error, `--help` is usage, and the real scripts exit 2 / 0 before running anything.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/args.js';
import { parseChaosArgs } from '../../sim/chaos/args.js';
import { repoRoot } from '../support/fixtures.js';

describe('npm run chaos arguments', () => {
  it('default to 200 runs from seed 1, 2 workers per core, 600 s per run', () => {
    expect(parseChaosArgs([], 2)).toEqual({ kind: 'run', options: { runs: 200, seed: 1, workers: 4, runTimeoutMs: 600_000 } });
  });

  it('take --name N and --name=N', () => {
    expect(parseChaosArgs(['--runs=3', '--seed', '52', '--workers', '1', '--run-timeout=90'], 2)).toEqual({
      kind: 'run',
      options: { runs: 3, seed: 52, workers: 1, runTimeoutMs: 90_000 },
    });
  });

  it('--help is usage, whatever else is given', () => {
    expect(parseChaosArgs(['--help'], 2)).toEqual({ kind: 'help' });
    expect(parseChaosArgs(['--runs', '5', '-h'], 2)).toEqual({ kind: 'help' });
  });

  it.each([
    [['--run', '3'], "Unknown option '--run'"],
    [['--runs=abc'], "--runs takes a positive integer, got 'abc'"],
    [['--runs', '0'], "--runs takes a positive integer, got '0'"],
    [['--seed', '1.5'], "--seed takes a positive integer, got '1.5'"],
    [['--workers', '2e1'], "--workers takes a positive integer, got '2e1'"],
    [['--run-timeout', '-5'], "Option '--run-timeout' argument is ambiguous"],
    [['--runs'], "Option '--runs <value>' argument missing"],
    [['200'], "Unexpected argument '200'"],
    [['--runs', '3', 'junk'], "Unexpected argument 'junk'"],
  ])('refuse %j: %s', (argv, message) => {
    const parsed = parseChaosArgs(argv, 2);
    expect(parsed).toEqual({ kind: 'error', message });
  });
});

describe('npm run bench arguments', () => {
  const available = ['api-calls', 'cold-start', 'query'];

  it('run every benchmark by default, results untracked', () => {
    expect(parseBenchArgs([], available)).toEqual({ kind: 'run', options: { names: available, update: false } });
  });

  it('run the named benchmarks in file order; --update writes the tracked results', () => {
    expect(parseBenchArgs(['query', 'cold-start', '--update'], available)).toEqual({ kind: 'run', options: { names: ['cold-start', 'query'], update: true } });
  });

  it('refuse an unknown benchmark name, naming the ones there are', () => {
    expect(parseBenchArgs(['query', 'cold-strat'], available)).toEqual({ kind: 'error', message: "no benchmark named 'cold-strat' (there are: api-calls, cold-start, query)" });
  });

  it.each([
    [['--updat'], "Unknown option '--updat'"],
    [['--update=yes'], "Option '--update' does not take an argument"],
    [['--runs', '3'], "Unknown option '--runs'"],
  ])('refuse %j: %s', (argv, message) => {
    expect(parseBenchArgs(argv, available)).toEqual({ kind: 'error', message });
  });

  it('--help is usage', () => {
    expect(parseBenchArgs(['query', '--help'], available)).toEqual({ kind: 'help' });
  });
});

describe('the scripts themselves', () => {
  // The scripts run under tsx exactly as `npm run chaos` / `npm run bench` start them.
  const script = (file: string, args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });

  it('chaos --help prints the usage and exits 0 without running anything', () => {
    const r = script('sim/chaos/cli.ts', ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run chaos -- \[--runs N\]/);
    expect(r.stdout).not.toMatch(/runs from seed/);
  });

  it('chaos --run 3 is one line of error, then the usage, exit 2', () => {
    const r = script('sim/chaos/cli.ts', ['--run', '3']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe("chaos: Unknown option '--run'");
    expect(r.stderr.split('\n')[1]).toMatch(/^usage: npm run chaos/);
  });

  it('bench with an unknown name exits 2 and writes no result', () => {
    const before = existsSync(join(repoRoot, 'bench/results')) ? readdirSync(join(repoRoot, 'bench/results')).sort() : [];
    const r = script('bench/index.ts', ['no-such-bench']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^bench: no benchmark named 'no-such-bench' \(there are: .*cold-start/);
    expect(readdirSync(join(repoRoot, 'bench/results')).sort()).toEqual(before);
  });
});
