/** The `placement*` expectations (see sim/scenario/placement.ts for the facts they read). */
import type { ExpectationResult } from './report.js';
import type { RunRecord } from './expectations.js';
import type { Expectation } from './schema.js';
import { formatDuration } from './time.js';

type PlacementExpectation = Extract<Expectation, { type: 'placementStops' | 'placementCompliant' | 'placementViolated' | 'placementStopsSafe' | 'placementViolationsNeverIncrease' }>;

const keyService = (key: string): string => key.split('|')[0]?.split('/')[1] ?? '';
const keyRule = (key: string): string => key.split('|')[2] ?? '';
const short = (iso: string): string => iso.slice(11, 19);

export function evaluatePlacementExpectation(expectation: PlacementExpectation, record: RunRecord): Omit<ExpectationResult, 'line' | 'invariant'> {
  const facts = record.placement ?? { samples: [], stops: [] };
  const startMs = Date.parse(record.virtual.start);
  switch (expectation.type) {
    case 'placementStops': {
      const p = expectation.params;
      const stops = facts.stops.filter((s) => (p.service === undefined || s.service === p.service) && (p.rule === undefined || s.reason.includes(` ${p.rule} (policy `)));
      const n = stops.length;
      const ok = p.count !== undefined ? n === p.count : (p.min === undefined || n >= p.min) && (p.max === undefined || n <= p.max);
      const bounds = p.count !== undefined ? `exactly ${p.count}` : [p.min === undefined ? undefined : `at least ${p.min}`, p.max === undefined ? undefined : `at most ${p.max}`].filter(Boolean).join(' and ') || 'any number';
      return {
        type: 'placementStops',
        description: `placement stops${p.service ? ` of ${p.service}` : ''}${p.rule ? ` for ${p.rule}` : ''}: ${bounds}`,
        passed: ok,
        detail: `${n} stop${n === 1 ? '' : 's'}${n > 0 ? `: ${stops.slice(0, 6).map((s) => `${short(s.at)} ${s.service ?? '?'} ${s.task.split('/').pop() ?? ''}`).join('; ')}` : ''}`,
      };
    }
    case 'placementCompliant': {
      const p = expectation.params;
      const fromMs = p.by === undefined ? undefined : startMs + p.by;
      const relevant = facts.samples.filter((s, i) => (fromMs === undefined ? i === facts.samples.length - 1 : Date.parse(s.at) >= fromMs));
      const bad = relevant.filter((s) => Object.keys(s.amounts).some((k) => p.service === undefined || keyService(k) === p.service));
      const lastViolation = [...facts.samples].reverse().find((s) => Object.keys(s.amounts).some((k) => p.service === undefined || keyService(k) === p.service));
      return {
        type: 'placementCompliant',
        description: `no placement violation${p.service ? ` of ${p.service}` : ''} ${p.by === undefined ? 'at the end' : `from ${formatDuration(p.by)} on`}`,
        passed: relevant.length > 0 && bad.length === 0,
        detail:
          relevant.length === 0
            ? 'no sample in that window'
            : bad.length > 0
              ? `violated at ${bad.length} sample(s), first ${short(bad[0]?.at ?? '')}: ${bad[0]?.messages.join('; ') ?? ''}`
              : lastViolation
                ? `compliant; last violation sampled at ${short(lastViolation.at)}`
                : 'compliant throughout',
      };
    }
    case 'placementViolated': {
      const p = expectation.params;
      const last = facts.samples[facts.samples.length - 1];
      const matching = Object.keys(last?.amounts ?? {}).filter((k) => (p.service === undefined || keyService(k) === p.service) && (p.rule === undefined || keyRule(k) === p.rule));
      return {
        type: 'placementViolated',
        description: `placement still violated at the end${p.service ? ` by ${p.service}` : ''}${p.rule ? ` (${p.rule})` : ''}`,
        passed: matching.length > 0,
        detail: last ? (last.messages.join('; ') || 'no violation') : 'no sample',
      };
    }
    case 'placementStopsSafe': {
      const problems = facts.stops.flatMap((s) => [
        ...(s.deploymentInProgress ? [`${short(s.at)} ${s.service ?? '?'}: stopped during a deployment`] : []),
        ...(s.daemon ? [`${short(s.at)} ${s.service ?? '?'}: a DAEMON service task`] : []),
        ...(s.running - 1 < s.minimumHealthy ? [`${short(s.at)} ${s.service ?? '?'}: ${s.running} RUNNING, minimum healthy ${s.minimumHealthy}`] : []),
      ]);
      return {
        type: 'placementStopsSafe',
        description: 'every placement stop: no deployment in progress, not DAEMON, not below the minimum healthy count',
        passed: problems.length === 0,
        detail: problems.length === 0 ? `${facts.stops.length} stop(s), all safe` : problems.slice(0, 5).join('; '),
      };
    }
    case 'placementViolationsNeverIncrease': {
      const fromMs = startMs + (expectation.params.after ?? 0);
      const window = facts.samples.filter((s) => Date.parse(s.at) >= fromMs);
      const problems: string[] = [];
      for (let i = 1; i < window.length; i++) {
        const before = window[i - 1];
        const after = window[i];
        if (!before || !after) continue;
        for (const [key, amount] of Object.entries(after.amounts)) {
          const was = before.amounts[key] ?? 0;
          if (amount > was) problems.push(`${short(after.at)} ${key}: ${was} → ${amount}`);
        }
      }
      return {
        type: 'placementViolationsNeverIncrease',
        description: `no placement violation grows${expectation.params.after === undefined ? '' : ` after ${formatDuration(expectation.params.after)}`}`,
        passed: window.length > 0 && problems.length === 0,
        detail: window.length === 0 ? 'no sample' : problems.length === 0 ? `${window.length} samples` : problems.slice(0, 5).join('; '),
      };
    }
  }
}
