/**
 * Each packaged function (the example config packaged as `npm run package` does; every function in the template, so
 * new ones are measured as they land): bundle size, and cold initialisation — a fresh `node` process importing the
 * bundle from the deployment zip and handling one event sample, with AWS unreachable (every call fails at once), the
 * function's own environment and NODE_OPTIONS. Against a minimal Powertools Logger + middy handler bundled with the
 * same esbuild options in the same run (bench/support/baseline-handler.ts): the ratio is what ecs-ops adds.
 * Run alone: `npm run bench -- cold-start`.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractZip } from '../sim/runtime/zip.js';
import { packageConfigFile } from '../sim/scenario/package.js';
import type { BenchMetric, BenchResult } from './index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = join(ROOT, 'bench/support/cold-start-child.mjs');
const RUNS = Number(process.env.COLD_START_RUNS ?? 7);

/**
 * The event sample each function handles in the measurement; by default one every function parses and then has
 * nothing to do with (no AWS call is needed to decide that), so the figure is initialisation, not AWS latency.
 */
const EVENT_FOR: Record<string, string> = {};
const DEFAULT_EVENT = 'ecs-service-action-steady-state';

interface Timing {
  bootMs: number;
  importMs: number;
  firstEventMs: number;
  totalMs: number;
  wallMs: number;
  error?: string;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

function coldStart(bundle: string, eventFile: string, env: Record<string, string>): Timing {
  const start = process.hrtime.bigint();
  const out = spawnSync(process.execPath, [CHILD, bundle, eventFile], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example',
      // Port 9 (discard) refuses connections: any AWS call fails at once.
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const line = out.stdout.split('\n').find((l) => l.startsWith('@@cold-start '));
  if (!line) throw new Error(`cold start of ${bundle} printed no timings (exit ${String(out.status)}): ${out.stderr.slice(0, 2000)}`);
  return { ...(JSON.parse(line.slice('@@cold-start '.length)) as Omit<Timing, 'wallMs'>), wallMs };
}

interface TemplateFunction {
  Type: string;
  Properties: { Handler?: string; Environment?: { Variables?: Record<string, unknown> }; Code?: { S3Key?: unknown } };
}

function functionsOf(packageDir: string): { name: string; zip: string; handlerFile: string; env: Record<string, string> }[] {
  const template = JSON.parse(readFileSync(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, TemplateFunction> };
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .flatMap((r) => {
      const m = /^(.+)\.handler$/.exec(r.Properties.Handler ?? '');
      if (!m?.[1]) return [];
      const env = Object.fromEntries(
        Object.entries(r.Properties.Environment?.Variables ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : `ecs-ops-bench-${JSON.stringify(v).replace(/\W+/g, '')}`]),
      );
      const name = m[1].split('/').at(-1) ?? m[1];
      // osls names the archive after the function's key in serverless.yml (e.g. scheduleRunner.zip), not its file.
      const key = typeof r.Properties.Code?.S3Key === 'string' ? r.Properties.Code.S3Key : `${name}.zip`;
      return [{ name, zip: join(packageDir, key.split('/').at(-1) ?? key), handlerFile: `${m[1]}.mjs`, env }];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The baseline bundled like serverless.yml's custom.esbuild (bundle, minify, sourcemap, ESM, node24, require banner). */
async function bundleBaseline(dir: string): Promise<string> {
  const outfile = join(dir, 'baseline.mjs');
  await build({
    entryPoints: [join(ROOT, 'bench/support/baseline-handler.ts')],
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    outfile,
    banner: { js: "import { createRequire as __ecsOpsCreateRequire } from 'module'; const require = __ecsOpsCreateRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return outfile;
}

export default async function coldStartBench(): Promise<BenchResult> {
  const packageDir = await packageConfigFile(join(ROOT, 'ecs-ops.config.example.yml'), { repoRoot: ROOT });
  const work = mkdtempSync(join(tmpdir(), 'ecs-ops-cold-start-'));
  try {
    const baselineBundle = await bundleBaseline(work);
    const events = new Map<string, string>();
    const eventFile = (name: string): string => {
      const cached = events.get(name);
      if (cached) return cached;
      const file = join(work, `${name}.json`);
      writeFileSync(file, readFileSync(join(ROOT, 'test/fixtures/events', `${name}.json`)));
      events.set(name, file);
      return file;
    };
    const measure = (bundle: string, event: string, env: Record<string, string>): Timing[] => {
      coldStart(bundle, eventFile(event), env); // warms the OS file cache: every measured run reads from memory
      return Array.from({ length: RUNS }, () => coldStart(bundle, eventFile(event), env));
    };
    // Interleaved with the functions so a noisy moment affects both.
    const baselineRuns: Timing[] = [];
    const metrics: BenchMetric[] = [];
    const notes: string[] = [];
    const baselineSize = statSync(baselineBundle).size;
    const rows: { name: string; zipBytes: number; bundleBytes: number; mapBytes: number; runs: Timing[]; noMaps: Timing[] }[] = [];
    for (const fn of functionsOf(packageDir)) {
      const dir = join(work, fn.name);
      mkdirSync(dir);
      extractZip(fn.zip, dir);
      const bundle = join(dir, fn.handlerFile);
      const event = EVENT_FOR[fn.name] ?? DEFAULT_EVENT;
      const runs = measure(bundle, event, fn.env);
      baselineRuns.push(...measure(baselineBundle, event, { NODE_OPTIONS: fn.env.NODE_OPTIONS ?? '' }));
      // The same without --enable-source-maps: how much of the start is parsing the source map.
      const noMaps = measure(bundle, event, { ...fn.env, NODE_OPTIONS: '' });
      const mapBytes = statSync(`${bundle}.map`, { throwIfNoEntry: false })?.size ?? 0;
      rows.push({ name: fn.name, zipBytes: statSync(fn.zip).size, bundleBytes: statSync(bundle).size, mapBytes, runs, noMaps });
      const errors = runs.map((r) => r.error).filter((e) => e !== undefined);
      if (errors.length > 0) notes.push(`${fn.name}: the event failed (${errors[0] ?? ''})`);
    }
    const baseInit = median(baselineRuns.map((r) => r.importMs + r.firstEventMs));
    const baseTotal = median(baselineRuns.map((r) => r.wallMs));
    metrics.push({ name: 'baseline (Powertools Logger + middy): bundle', value: baselineSize / 1024, unit: 'KiB' });
    metrics.push({ name: 'baseline: import + first event (median)', value: baseInit, unit: 'ms' });
    metrics.push({ name: 'baseline: fresh node process to handled event (median)', value: baseTotal, unit: 'ms' });
    for (const row of rows) {
      const init = median(row.runs.map((r) => r.importMs + r.firstEventMs));
      const total = median(row.runs.map((r) => r.wallMs));
      metrics.push({ name: `${row.name}: deployment zip`, value: row.zipBytes / 1024, unit: 'KiB' });
      metrics.push({ name: `${row.name}: bundle (.mjs)`, value: row.bundleBytes / 1024, unit: 'KiB' });
      metrics.push({ name: `${row.name}: bundle / baseline bundle`, value: row.bundleBytes / baselineSize, unit: '×' });
      metrics.push({ name: `${row.name}: import + first event (median)`, value: init, unit: 'ms', target: '< 500 ms', meetsTarget: init < 500 });
      metrics.push({ name: `${row.name}: import + first event / baseline`, value: init / baseInit, unit: '×' });
      metrics.push({ name: `${row.name}: fresh node process to handled event (median)`, value: total, unit: 'ms' });
      metrics.push({ name: `${row.name}: source map`, value: row.mapBytes / 1024, unit: 'KiB' });
      metrics.push({ name: `${row.name}: import + first event without --enable-source-maps (median)`, value: median(row.noMaps.map((r) => r.importMs + r.firstEventMs)), unit: 'ms' });
      notes.push(`${row.name}: import ${median(row.runs.map((r) => r.importMs)).toFixed(1)} ms, first event ${median(row.runs.map((r) => r.firstEventMs)).toFixed(1)} ms (median of ${RUNS}; event ${EVENT_FOR[row.name] ?? DEFAULT_EVENT})`);
    }
    notes.push(`load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${cpus().length} cores (figures are wall-clock; a shared machine inflates them)`);
    notes.push(`baseline: import ${median(baselineRuns.map((r) => r.importMs)).toFixed(1)} ms, first event ${median(baselineRuns.map((r) => r.firstEventMs)).toFixed(1)} ms; Node ${process.version}, NODE_OPTIONS as packaged (--enable-source-maps)`);
    return { metrics, notes };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
