/**
 * Each packaged function (the example config packaged as `npm run package` does; every function in the template, so
 * new ones are measured as they land) against its own same-clients baseline (issue #19): a bare handler importing
 * Powertools Logger + Metrics + middy and creating, at import, the AWS SDK clients the function builds
 * ({@link CLIENTS_OF}), bundled with serverless.yml's own custom.esbuild settings in the same run. Measured: bundle
 * bytes, and cold initialisation — a fresh `node` process importing the bundle (the function's from its deployment
 * zip) and handling one event sample, with AWS unreachable (every call fails at once), the function's own environment
 * and NODE_OPTIONS — in interleaved pairs, reported as min/median/max of the per-pair ratio. The ratio is what ecs-ops
 * adds over the clients it needs anyway. Run alone: `npm run bench -- cold-start`.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { fileURLToPath } from 'node:url';
import { extractZip } from '../sim/runtime/zip.js';
import { packageConfigFile } from '../sim/scenario/package.js';
import type { BenchMetric, BenchResult } from './index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = join(ROOT, 'bench/support/cold-start-child.mjs');
/** Interleaved function/baseline pairs per function (at least 15 for a stable median on a shared machine). */
const PAIRS = Math.max(15, Number(process.env.COLD_START_PAIRS ?? 15));

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

/**
 * The AWS SDK clients each function builds (lib/aws/function-base.ts and its productionDeps): its same-clients
 * baseline creates exactly these at import. A function missing here fails the bench (add its clients).
 */
const CLIENTS_OF: Record<string, readonly string[]> = {
  alerts: ['dynamodb', 'ssm', 'sns'],
  drain: ['dynamodb', 'ssm', 'sns', 'ecs', 'auto-scaling'],
  placement: ['dynamodb', 'ssm', 'sns', 'ecs'],
  'schedule-runner': ['dynamodb', 'ssm', 'sns', 'ecs'],
  digest: ['dynamodb', 'ssm', 'sns', 'ecs', 'auto-scaling', 'application-auto-scaling'],
};

/** The SDK's class name for a client package (`auto-scaling` → AutoScalingClient). */
const CLIENT_CLASS: Record<string, string> = {
  dynamodb: 'DynamoDBClient',
  ssm: 'SSMClient',
  sns: 'SNSClient',
  ecs: 'ECSClient',
  'auto-scaling': 'AutoScalingClient',
  'application-auto-scaling': 'ApplicationAutoScalingClient',
};

/**
 * The same-clients baseline: a bare handler importing Powertools Logger + Metrics + middy and creating the function's
 * AWS SDK clients at import, nothing else.
 */
export function baselineSource(clients: readonly string[]): string {
  const lines = [
    "import middy from '@middy/core';",
    "import { Logger } from '@aws-lambda-powertools/logger';",
    "import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';",
    "import { Metrics } from '@aws-lambda-powertools/metrics';",
    "import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';",
    ...clients.map((c) => `import { ${CLIENT_CLASS[c] ?? ''} } from '@aws-sdk/client-${c}';`),
    "const logger = new Logger({ serviceName: 'baseline' });",
    "const metrics = new Metrics({ namespace: 'baseline', serviceName: 'baseline' });",
    `export const clients = [${clients.map((c) => `new ${CLIENT_CLASS[c] ?? ''}({ maxAttempts: 4 })`).join(', ')}];`,
    'export const handler = middy(async (event) => {',
    "  logger.info('event received', { eventId: event?.id });",
    '  return { ok: true };',
    "}).use(injectLambdaContext(logger, { correlationIdPath: 'id' })).use(logMetrics(metrics, { captureColdStartMetric: true }));",
  ];
  return `${lines.join('\n')}\n`;
}

interface EsbuildSettings {
  minify?: boolean;
  sourcemap?: boolean | 'external' | 'inline' | 'linked' | 'both';
  format?: 'esm' | 'cjs';
  platform?: 'node';
  target?: string;
  mainFields?: string[];
  banner?: Record<string, string>;
  treeShaking?: boolean;
}

/** serverless.yml's custom.esbuild, so the baseline is bundled exactly as the functions are. */
function packagedEsbuildSettings(): EsbuildSettings {
  const doc = parseYaml(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'error' }) as { custom: { esbuild: EsbuildSettings } };
  const { minify, sourcemap, format, platform, target, mainFields, banner, treeShaking } = doc.custom.esbuild;
  return { minify, sourcemap, format, platform, target, mainFields, banner, treeShaking };
}

async function bundleBaseline(dir: string, name: string, clients: readonly string[]): Promise<string> {
  const outfile = join(dir, `baseline-${name}.mjs`);
  const settings = packagedEsbuildSettings();
  await build({
    stdin: { contents: baselineSource(clients), resolveDir: join(ROOT, 'bench/support'), sourcefile: `baseline-${name}.mjs`, loader: 'js' },
    bundle: true,
    ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)),
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

interface Spread {
  min: number;
  median: number;
  max: number;
}

const spread = (xs: number[]): Spread => ({ min: Math.min(...xs), median: median(xs), max: Math.max(...xs) });
const initMs = (t: Timing): number => t.importMs + t.firstEventMs;

/** The ratio target of issue #19: each function within 1.15× of its same-clients baseline. */
const RATIO_TARGET = 1.15;

export default async function coldStartBench(): Promise<BenchResult> {
  const packageDir = await packageConfigFile(join(ROOT, 'ecs-ops.config.example.yml'), { repoRoot: ROOT });
  const work = mkdtempSync(join(tmpdir(), 'ecs-ops-cold-start-'));
  try {
    const events = new Map<string, string>();
    const eventFile = (name: string): string => {
      const cached = events.get(name);
      if (cached) return cached;
      const file = join(work, `${name}.json`);
      writeFileSync(file, readFileSync(join(ROOT, 'test/fixtures/events', `${name}.json`)));
      events.set(name, file);
      return file;
    };
    const metrics: BenchMetric[] = [];
    const notes: string[] = [];
    for (const fn of functionsOf(packageDir)) {
      const clients = CLIENTS_OF[fn.name];
      if (!clients) throw new Error(`cold-start bench: no client list for function ${fn.name}; add it to CLIENTS_OF`);
      const dir = join(work, fn.name);
      mkdirSync(dir);
      extractZip(fn.zip, dir);
      const bundle = join(dir, fn.handlerFile);
      const baseline = await bundleBaseline(work, fn.name, clients);
      const event = eventFile(EVENT_FOR[fn.name] ?? DEFAULT_EVENT);
      const baselineEnv = { NODE_OPTIONS: fn.env.NODE_OPTIONS ?? '', POWERTOOLS_METRICS_NAMESPACE: 'baseline' };
      // Warms the OS file cache: every measured run reads from memory.
      coldStart(bundle, event, fn.env);
      coldStart(baseline, event, baselineEnv);
      // Interleaved pairs, alternating which runs first, so a noisy moment on the shared machine hits both sides.
      const pairs: { fn: Timing; base: Timing }[] = [];
      for (let i = 0; i < PAIRS; i++) {
        if (i % 2 === 0) {
          const f = coldStart(bundle, event, fn.env);
          pairs.push({ fn: f, base: coldStart(baseline, event, baselineEnv) });
        } else {
          const b = coldStart(baseline, event, baselineEnv);
          pairs.push({ fn: coldStart(bundle, event, fn.env), base: b });
        }
      }
      const errors = pairs.map((p) => p.fn.error ?? p.base.error).filter((e) => e !== undefined);
      if (errors.length > 0) notes.push(`${fn.name}: the event failed (${errors[0] ?? ''})`);
      const bundleBytes = statSync(bundle).size;
      const baselineBytes = statSync(baseline).size;
      const bytesRatio = bundleBytes / baselineBytes;
      const ratios = spread(pairs.map((p) => initMs(p.fn) / initMs(p.base)));
      const fnInit = spread(pairs.map((p) => initMs(p.fn)));
      const baseInit = spread(pairs.map((p) => initMs(p.base)));
      const mapBytes = statSync(`${bundle}.map`, { throwIfNoEntry: false })?.size ?? 0;
      metrics.push({ name: `${fn.name}: bundle / same-clients baseline bundle`, value: bytesRatio, unit: '×', target: `<= ${String(RATIO_TARGET)}`, meetsTarget: bytesRatio <= RATIO_TARGET });
      metrics.push({ name: `${fn.name}: import + first event / baseline (median of ${String(PAIRS)} pairs)`, value: ratios.median, unit: '×', target: `<= ${String(RATIO_TARGET)}`, meetsTarget: ratios.median <= RATIO_TARGET });
      metrics.push({ name: `${fn.name}: import + first event / baseline (min of pairs)`, value: ratios.min, unit: '×' });
      metrics.push({ name: `${fn.name}: import + first event / baseline (max of pairs)`, value: ratios.max, unit: '×' });
      metrics.push({ name: `${fn.name}: import + first event (median)`, value: fnInit.median, unit: 'ms' });
      metrics.push({ name: `${fn.name}: baseline import + first event (median)`, value: baseInit.median, unit: 'ms' });
      metrics.push({ name: `${fn.name}: bundle (.mjs)`, value: bundleBytes / 1024, unit: 'KiB' });
      metrics.push({ name: `${fn.name}: baseline bundle (.mjs)`, value: baselineBytes / 1024, unit: 'KiB' });
      metrics.push({ name: `${fn.name}: deployment zip`, value: statSync(fn.zip).size / 1024, unit: 'KiB' });
      metrics.push({ name: `${fn.name}: source map in the zip`, value: mapBytes / 1024, unit: 'KiB' });
      metrics.push({ name: `${fn.name}: fresh node process to handled event (median)`, value: median(pairs.map((p) => p.fn.wallMs)), unit: 'ms' });
      metrics.push({ name: `${fn.name}: baseline fresh node process to handled event (median)`, value: median(pairs.map((p) => p.base.wallMs)), unit: 'ms' });
      notes.push(
        `${fn.name} (clients ${clients.join(', ')}; event ${EVENT_FOR[fn.name] ?? DEFAULT_EVENT}): import + first event ${fnInit.min.toFixed(1)}/${fnInit.median.toFixed(1)}/${fnInit.max.toFixed(1)} ms vs baseline ${baseInit.min.toFixed(1)}/${baseInit.median.toFixed(1)}/${baseInit.max.toFixed(1)} ms (min/median/max); per-pair ratio ${ratios.min.toFixed(2)}/${ratios.median.toFixed(2)}/${ratios.max.toFixed(2)}; import ${median(pairs.map((p) => p.fn.importMs)).toFixed(1)} ms + first event ${median(pairs.map((p) => p.fn.firstEventMs)).toFixed(1)} ms vs ${median(pairs.map((p) => p.base.importMs)).toFixed(1)} + ${median(pairs.map((p) => p.base.firstEventMs)).toFixed(1)} ms`,
      );
    }
    notes.push(`load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${String(cpus().length)} cores. The machine is shared: absolute times are noisy; the interleaved ratios are the robust figure.`);
    notes.push(`Node ${process.version}; NODE_OPTIONS as packaged; ${String(PAIRS)} interleaved pairs per function (COLD_START_PAIRS)`);
    return { metrics, notes };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
