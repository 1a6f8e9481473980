/**
 * Bad input to every handler in functions/ (discovered: a new function is fuzzed as soon as its file exists), run as
 * in production with every AWS client stubbed and recording calls. Events are derived from the real samples (fields
 * deleted, mistyped, oversized; wrong detail-type or source; the Scheduler's string detail "{}"; non-objects; huge
 * strings), seeded and bounded.
 *
 * The contract, for every event the shared parser (lib/events parseKnownEvent) rejects:
 * - the handler returns: it does not throw, because Lambda would retry a permanently bad event (twice, then the
 *   dead-letter queue) to the same end — the existing handlers drop it with `status: 'malformed'`;
 * - it logs one ERROR line naming the failing field (the parser's issue path), short enough to read (no echo of a
 *   300 KB field);
 * - it makes no mutating AWS call (anything but Describe/List/Get), and in fact no AWS call at all.
 * Mutations the parser still accepts (e.g. an oversized optional string) are valid events: they are counted, not
 * judged here (the capability tests cover what handlers do with valid events).
 *
 * FUZZ_SEED and FUZZ_RUNS override the seed and the number of runs per handler (a failure prints the seed and path).
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseKnownEvent } from '../../lib/events/index.js';
import { packageExample } from '../support/package.js';
import { captureOutput, coldHandler, configLiteralFromPackage, discoverFunctions, environmentsFromTemplate, lambdaContext, mockEveryAwsClient, type AwsMocks } from './handlers.js';
import { eventSamples, mutatedEvent, pathsRelated, type MalformedCase } from './mutations.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_101);
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
/** A log line longer than this does not read as "a clear error" (CloudWatch cuts events at 256 KB). */
const MAX_LOG_LINE = 16 * 1024;

let aws: AwsMocks;
let configLiteral: string;
let environments: Map<string, Record<string, string>>;
const allSamples = eventSamples();
/** Mutations start from samples the parser accepts; the others (an SNS notification) are sent unchanged. */
const samples = allSamples.filter((s) => parseKnownEvent(s.event).ok);
const foreign = allSamples.filter((s) => !parseKnownEvent(s.event).ok);

beforeAll(async () => {
  const dir = await packageExample();
  configLiteral = configLiteralFromPackage(dir);
  environments = environmentsFromTemplate(dir);
  aws = await mockEveryAwsClient();
}, 240_000);

afterAll(() => { aws.restore(); });
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** Every string in a log entry (so paths with quotes are found as written, not JSON-escaped). */
const stringsIn = (v: unknown): string[] => (typeof v === 'string' ? [v] : v !== null && typeof v === 'object' ? Object.values(v).flatMap(stringsIn) : []);

const show = (c: MalformedCase): string => `${c.kind} of "${c.path}" in ${c.sample}`;

const ENVELOPE = ['source', 'detail-type'];
/** Functions EventBridge Scheduler invokes with a target input of their own (`{schedule, scheduledTime}`). */
const DIRECT_INPUT_FIELDS: Record<string, string[]> = { digest: ['schedule', 'scheduledTime'], 'schedule-runner': ['schedule', 'scheduledTime'] };

describe.each(discoverFunctions())('$name handler on malformed events', (fn) => {
  it(`drops each one with an error naming the field, no AWS side effect, no retry (seed ${SEED}, ${RUNS} runs)`, async () => {
    const handler = await coldHandler(fn, configLiteral, environments.get(fn.name));
    const tally = { malformed: 0, stillValid: 0 };
    const kinds = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(mutatedEvent(samples, foreign), async (c) => {
        const oracle = parseKnownEvent(c.event);
        if (oracle.ok) {
          tally.stillValid++;
          return;
        }
        tally.malformed++;
        kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
        aws.reset();
        const output = captureOutput();
        let thrown: unknown;
        try {
          await handler(c.event, lambdaContext(`ecs-ops-${fn.name}`));
        } catch (error) {
          thrown = error;
        }
        const entries = output.json();
        const lines = output.lines;
        vi.restoreAllMocks();
        const where = `${fn.name}: ${show(c)}`;
        expect(thrown, `${where}: threw (Lambda would retry a permanently bad event)`).toBeUndefined();
        expect(aws.mutatingCalls().map((call) => call.action), `${where}: mutating AWS calls`).toEqual([]);
        expect(aws.calls().map((call) => call.action), `${where}: AWS calls`).toEqual([]);
        const errors = entries.filter((e) => e.level === 'ERROR');
        expect(errors, `${where}: one ERROR log line`).toHaveLength(1);
        const issuePaths = oracle.error.issues.map((i) => i.path);
        const errorText = stringsIn(errors[0]).join('\n');
        // source and detail-type route together: a function may name either. A function EventBridge Scheduler invokes
        // with its own input judges a value that is no EventBridge event against that input (its error names the
        // input's fields), and any other event as not addressed to it (its error names `source`).
        const envelopeNamed = issuePaths.some((p) => ENVELOPE.includes(p)) ? ENVELOPE : [];
        const direct = DIRECT_INPUT_FIELDS[fn.name];
        const named = [...issuePaths, ...envelopeNamed, ...(direct ? [...direct, 'source'] : [])];
        expect(named.some((p) => errorText.includes(p)), `${where}: the error names ${named.join(', ')}: ${errorText.slice(0, 500)}`).toBe(true);
        // The parser's paths are about the field that was broken (source and detail-type route together).
        const related = issuePaths.some((p) => pathsRelated(p, c.path) || (ENVELOPE.includes(p) && ENVELOPE.includes(c.path)));
        expect(related, `${where}: issues at ${issuePaths.join(', ')}`).toBe(true);
        const longest = Math.max(...lines.map((l) => l.length));
        expect(longest, `${where}: longest log line`).toBeLessThanOrEqual(MAX_LOG_LINE);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    console.info(`${fn.name}: ${tally.malformed} malformed events dropped cleanly, ${tally.stillValid} mutations still valid; by kind ${JSON.stringify(Object.fromEntries(kinds))}`);
    expect(tally.malformed).toBeGreaterThan(RUNS / 2);
  }, 300_000);
});
