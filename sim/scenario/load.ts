/**
 * Reading a scenario file: YAML → ScenarioSchema (errors as file:line:column), the ecs-ops config it names (inline, or
 * a file whose errors point into that file), and the normalised `Scenario` the runner takes: absolute times, one
 * tagged action per timeline entry, one tagged expectation per entry, defaults applied.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { LineCounter, parseDocument, stringify } from 'yaml';
import { formatPath, type ConfigError } from '../../lib/config/errors.js';
import { parseConfig, parseYamlWithSchema } from '../../lib/config/load.js';
import type { EcsOpsConfig } from '../../lib/config/schema.js';
import { locate, nodePosition } from '../../lib/config/yaml-locate.js';
import {
  ACTION_NAMES,
  EXPECTATION_NAMES,
  ScenarioSchema,
  type Action,
  type ApiFaults,
  type Expectation,
  type FleetSpec,
  type ScenarioDocument,
  type TimeRef,
} from './schema.js';
import { parseIsoMs } from './time.js';

export const DEFAULT_ACCOUNT = '123456789012';
const DEFAULT_TAIL_MS = 30 * 60_000;

export interface TimelineEntry {
  /** Index in the file's `timeline`. */
  index: number;
  atMs: number;
  action: Action;
}

export interface ExpectationEntry {
  /** Index in the file's `expect`. */
  index: number;
  expectation: Expectation;
}

export interface EventFaultSettings {
  duplicateRate?: number | undefined;
  dropRate?: number | undefined;
  reorderWindowMs?: number | undefined;
  delayMs?: number | undefined;
}

/** A validated scenario, ready to run. */
export interface Scenario {
  name: string;
  description: string | undefined;
  seed: number;
  startMs: number;
  region: string;
  account: string;
  fleet: FleetSpec;
  /** SSM parameter name → the Slack channel (sink) name its URL posts to. */
  slackParameters: Record<string, string>;
  faults: { api: ApiFaults | undefined; events: EventFaultSettings | undefined };
  timeline: TimelineEntry[];
  untilMs: number;
  expectations: ExpectationEntry[];
  config: EcsOpsConfig;
  /** The config as YAML: what is packaged (and hashed for the package cache). */
  configText: string;
  /** Absolute path of the config file, when the scenario names one (it is packaged from there). */
  configFile: string | undefined;
  /** Where the scenario came from (for messages). */
  source: { file: string; locate(path: readonly (string | number)[]): { line: number; column: number } | undefined } | undefined;
}

export interface ScenarioError extends ConfigError {
  /** The file the error is in (the scenario, or the config file it names). */
  file: string;
}

export type ParseScenarioResult = { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioError[] };

export class ScenarioLoadError extends Error {
  override readonly name = 'ScenarioLoadError';

  constructor(readonly errors: ScenarioError[]) {
    super(formatScenarioErrors(errors).join('\n'));
  }
}

/** `tour.yml:12:7 timeline[2].scaleAsg.desired: expected a number >= 0, got -1`. */
export function formatScenarioErrors(errors: readonly ScenarioError[]): string[] {
  return errors.map((error) => {
    const what = error.path === '' ? error.message : `${error.path}: ${error.message}`;
    return error.line === undefined ? `${error.file}: ${what}` : `${error.file}:${error.line}:${error.column ?? 1} ${what}`;
  });
}

function resolveTime(ref: TimeRef, startMs: number): number {
  return 'offsetMs' in ref ? startMs + ref.offsetMs : ref.isoMs;
}

function toAction(entry: ScenarioDocument['timeline'][number]): Action {
  for (const name of ACTION_NAMES) {
    const params = entry[name];
    if (params === undefined) continue;
    if (name === 'note') return { type: 'note', text: typeof params === 'string' ? params : (params as { text: string }).text };
    if (name === 'setApiFaults') return { type: 'setApiFaults', faults: params as ApiFaults };
    return { type: name, ...(params as object) } as Action;
  }
  throw new Error('timeline entry without an action (the schema lets none through)');
}

function toExpectation(entry: ScenarioDocument['expect'][number]): Expectation {
  for (const name of EXPECTATION_NAMES) {
    const params = entry[name];
    if (params !== undefined) return { type: name, params } as Expectation;
  }
  throw new Error('expectation without a kind (the schema lets none through)');
}

/**
 * Parses and validates a scenario. `fileName` names the file in messages; `baseDir` resolves `configFile` (default:
 * the directory of `fileName`).
 */
export function parseScenario(text: string, fileName: string, options: { baseDir?: string } = {}): ParseScenarioResult {
  const baseDir = options.baseDir ?? dirname(resolve(fileName));
  const parsed = parseYamlWithSchema(text, fileName, ScenarioSchema, { emptyMessage: `${fileName} is empty: a scenario needs at least name, config and fleet` });
  if (!parsed.ok) return { ok: false, errors: parsed.errors.map((e) => ({ ...e, file: fileName })) };
  const doc = parsed.value;

  const lineCounter = new LineCounter();
  const yamlDoc = parseDocument(text, { lineCounter, merge: true });
  const locateIn = (path: readonly (string | number)[]) => {
    const found = locate(yamlDoc, path);
    return nodePosition(found.node, found.keyNode, lineCounter);
  };
  const errorAt = (path: (string | number)[], message: string): ScenarioError => {
    const position = locateIn(path);
    return { file: fileName, path: formatPath(path), ...(position ?? {}), message };
  };

  // The config: inline (already validated by the schema, errors located in the scenario) or a file.
  let config: EcsOpsConfig;
  let configText: string;
  let configFile: string | undefined;
  if (doc.configFile !== undefined) {
    configFile = resolve(baseDir, doc.configFile);
    const shown = relative(process.cwd(), configFile) || configFile;
    if (!existsSync(configFile)) return { ok: false, errors: [errorAt(['configFile'], `config file not found: ${shown}`)] };
    configText = readFileSync(configFile, 'utf8');
    const result = parseConfig(configText, shown);
    if (!result.ok) return { ok: false, errors: result.errors.map((e) => ({ ...e, file: shown })) };
    config = result.config;
  } else {
    const raw = (parsed.data as { config?: unknown }).config;
    configText = stringify(raw, { lineWidth: 0 });
    config = doc.config as EcsOpsConfig;
  }

  const startMs = parseIsoMs(doc.start) ?? 0;
  const timeline: TimelineEntry[] = [];
  let cursor = startMs;
  doc.timeline.forEach((entry, index) => {
    if (entry.at !== undefined) cursor = resolveTime(entry.at, startMs);
    const action = toAction(entry);
    timeline.push({ index, atMs: cursor, action });
    if (action.type === 'advance') cursor += action.by;
  });
  const untilMs = doc.until !== undefined ? resolveTime(doc.until, startMs) : cursor + DEFAULT_TAIL_MS;

  const slackParameters =
    doc.notifications.slackParameters ??
    Object.fromEntries(config.notifications.channels.flatMap((c) => (c.type === 'slack' ? [[c.webhookParameter, c.name] as const] : [])));

  const events = doc.faults.events;
  const scenario: Scenario = {
    name: doc.name,
    description: doc.description,
    seed: doc.seed,
    startMs,
    region: doc.region,
    account: DEFAULT_ACCOUNT,
    fleet: doc.fleet,
    slackParameters,
    faults: {
      api: doc.faults.api,
      events:
        events === undefined
          ? undefined
          : { duplicateRate: events.duplicateRate, dropRate: events.dropRate, reorderWindowMs: events.reorderWindow, delayMs: events.delay },
    },
    timeline,
    untilMs,
    expectations: doc.expect.map((entry, index) => ({ index, expectation: toExpectation(entry) })),
    config,
    configText,
    configFile,
    source: { file: fileName, locate: locateIn },
  };
  return { ok: true, scenario };
}

/** Reads and validates a scenario file; throws ScenarioLoadError (located errors) when it is missing or invalid. */
export function loadScenarioFile(path: string, displayName: string = path): Scenario {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `scenario file not found: ${absolute}` : `cannot read scenario file ${absolute}: ${(error as Error).message}`;
    throw new ScenarioLoadError([{ file: displayName, path: '', message }]);
  }
  const result = parseScenario(text, displayName, { baseDir: dirname(absolute) });
  if (!result.ok) throw new ScenarioLoadError(result.errors);
  return result.scenario;
}
