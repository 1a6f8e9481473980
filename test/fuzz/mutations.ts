/**
 * Malformed EventBridge events derived from the real samples, as fast-check arbitraries: a field deleted, given the
 * wrong type, or made oversized; a wrong detail-type or source; the Scheduler's string detail `"{}"`; events that are
 * not objects at all. Each case says which field it broke (its path in the form lib/events reports paths).
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatPath } from '../../lib/events/errors.js';
import { repoRoot } from '../support/fixtures.js';

export interface Sample {
  name: string;
  event: unknown;
}

export function eventSamples(): Sample[] {
  const dir = join(repoRoot, 'test/fixtures/events');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.slice(0, -5), event: JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown }));
}

type Key = string | number;

/** Every path in a JSON value (objects and arrays included), root excluded. */
export function pathsOf(value: unknown, prefix: Key[] = []): Key[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  return [];
}

const clone = <T>(value: T): T => structuredClone(value);

function getAt(root: unknown, path: readonly Key[]): unknown {
  return path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<Key, unknown>)[k] : undefined), root);
}

function setAt(root: unknown, path: readonly Key[], update: (parent: Record<Key, unknown> | unknown[], key: Key) => void): void {
  const parent = getAt(root, path.slice(0, -1));
  const key = path.at(-1);
  if (parent !== null && typeof parent === 'object' && key !== undefined) update(parent as Record<Key, unknown>, key);
}

export const OVERSIZED_STRING_LENGTH = 300_000;
const HUGE = 'A'.repeat(OVERSIZED_STRING_LENGTH);

const jsonType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const OTHER_VALUES: unknown[] = [42, -1.5, 'not-what-you-expect', true, null, {}, [], [1, 'two'], { nested: { deeper: true } }];

export type MutationKind = 'delete' | 'mistype' | 'oversize' | 'wrong-detail-type' | 'wrong-source' | 'scheduler-string-detail' | 'not-an-object' | 'huge-event' | 'not-eventbridge';

export interface MalformedCase {
  sample: string;
  kind: MutationKind;
  /** The path of the field broken (`detail.clusterArn`, `detail-type`), '' for the whole event. */
  path: string;
  event: unknown;
}

function describe(c: Omit<MalformedCase, 'path'> & { keys: Key[] }): MalformedCase {
  return { sample: c.sample, kind: c.kind, path: formatPath(c.keys), event: c.event };
}

/** How fast-check prints a case: what was broken, not a 300 KB event. */
function printable(c: MalformedCase): MalformedCase {
  return Object.assign(c, { [fc.toStringMethod]: () => `${c.kind} of "${c.path}" in ${c.sample}` });
}

/** A field-level mutation of one sample. */
function fieldCase(sample: Sample, keys: Key[], kind: 'delete' | 'mistype' | 'oversize', pick: number): MalformedCase {
  const event = clone(sample.event);
  const current = getAt(event, keys);
  if (kind === 'delete') {
    setAt(event, keys, (parent, key) => {
      if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
      else Reflect.deleteProperty(parent, key);
    });
  } else if (kind === 'mistype') {
    const others = OTHER_VALUES.filter((v) => jsonType(v) !== jsonType(current));
    const replacement = clone(others[pick % others.length]);
    setAt(event, keys, (parent, key) => { (parent as Record<Key, unknown>)[key] = replacement; });
  } else {
    const big = typeof current === 'string' ? HUGE : Array.isArray(current) ? Array.from({ length: 5_000 }, (): unknown => clone((current as unknown[])[0] ?? 'x')) : typeof current === 'number' ? [Number.MAX_VALUE, -1e308, 2 ** 53 + 1][pick % 3] : HUGE;
    setAt(event, keys, (parent, key) => { (parent as Record<Key, unknown>)[key] = big; });
  }
  return describe({ sample: sample.name, kind, keys, event });
}

/**
 * Arbitrary malformed (or at least mutated) events derived from `samples` (EventBridge events the parser accepts);
 * `foreign` samples (e.g. an SNS notification) are sent as they are.
 */
export function mutatedEvent(samples: readonly Sample[], foreign: readonly Sample[] = []): fc.Arbitrary<MalformedCase> {
  const sample = fc.constantFrom(...samples);
  const field = fc
    .tuple(sample, fc.nat(), fc.constantFrom('delete' as const, 'mistype' as const, 'oversize' as const), fc.nat())
    .filter(([s]) => pathsOf(s.event).length > 0)
    .map(([s, i, kind, pick]) => {
      const paths = pathsOf(s.event);
      return fieldCase(s, paths[i % paths.length] ?? [], kind, pick);
    });
  const envelope = fc.tuple(sample, fc.constantFrom('wrong-detail-type' as const, 'wrong-source' as const, 'scheduler-string-detail' as const, 'huge-event' as const)).map(([s, kind]): MalformedCase => {
    const event = clone(s.event) as Record<string, unknown>;
    if (kind === 'wrong-detail-type') {
      event['detail-type'] = 'ECS Nonexistent State Change';
      return { sample: s.name, kind, path: 'detail-type', event };
    }
    if (kind === 'wrong-source') {
      event.source = 'aws.nonexistent';
      return { sample: s.name, kind, path: 'source', event };
    }
    if (kind === 'scheduler-string-detail') {
      event.detail = '{}';
      return { sample: s.name, kind, path: 'detail', event };
    }
    // Every string in the event made huge.
    const walk = (v: unknown): unknown => (typeof v === 'string' ? `${v}${HUGE}` : Array.isArray(v) ? v.map(walk) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v);
    return { sample: s.name, kind, path: '', event: walk(event) };
  });
  const notAnObject = fc.constantFrom<unknown>(null, undefined, 0, 42, '', '{}', 'not json', true, [], [{}], HUGE).map((event): MalformedCase => ({ sample: '-', kind: 'not-an-object', path: '', event }));
  const arbitraries = [{ arbitrary: field, weight: 6 }, { arbitrary: envelope, weight: 2 }, { arbitrary: notAnObject, weight: 1 }];
  if (foreign.length > 0) arbitraries.push({ arbitrary: fc.constantFrom(...foreign).map((f): MalformedCase => ({ sample: f.name, kind: 'not-eventbridge', path: '', event: clone(f.event) })), weight: 1 });
  return fc.oneof(...arbitraries).map(printable);
}

/** Whether issue path `issue` is the broken path, one of its ancestors or descendants (`detail` ~ `detail.x[0]`). */
export function pathsRelated(issue: string, broken: string): boolean {
  if (broken === '' || issue === broken) return true;
  const under = (a: string, b: string) => a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
  return under(issue, broken) || under(broken, issue);
}
