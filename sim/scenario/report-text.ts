/**
 * The report for people, as text: a header, one line per notable timeline entry (repeats folded into their first
 * line), the Slack and SNS messages as text, the fleet's outcome, and the expectations with ✓/✗.
 */
import type { SimulationReport, TimelineItem } from './report.js';
import { formatDuration } from './time.js';

/** Kinds whose repeats are folded (an action or a note is shown every time). */
const UNFOLDED = new Set(['action', 'note']);

function hms(iso: string): string {
  return iso.slice(11, 19);
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : prefix + line))
    .join('\n');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Timeline entries with repeats of the same kind and text folded into the first one (`×5, last 08:14:05`). */
export function foldTimeline(items: readonly TimelineItem[]): { item: TimelineItem; repeats: number; last: string | undefined }[] {
  const out: { item: TimelineItem; repeats: number; last: string | undefined }[] = [];
  const firsts = new Map<string, { item: TimelineItem; repeats: number; last: string | undefined }>();
  for (const item of items) {
    const key = `${item.kind}\0${item.text}`;
    const first = UNFOLDED.has(item.kind) ? undefined : firsts.get(key);
    if (first) {
      first.repeats++;
      first.last = item.at;
      continue;
    }
    const entry = { item, repeats: 0, last: undefined };
    firsts.set(key, entry);
    out.push(entry);
  }
  return out;
}

export interface TextReportOptions {
  /** Print every message in full (default: title and text). */
  messages?: boolean;
}

export function renderTextReport(report: SimulationReport, options: TextReportOptions = {}): string {
  const out: string[] = [];
  const fnCount = report.invocations.total;
  out.push(`ecs-ops simulation: ${report.scenario.name} (seed ${report.seed})`);
  if (report.scenario.description) out.push(report.scenario.description);
  out.push(
    `${report.virtual.start.slice(0, 10)} ${hms(report.virtual.start)} → ${hms(report.virtual.end)} UTC, ${formatDuration(report.virtual.durationSeconds * 1000)} simulated in ${(report.wallTimeMs / 1000).toFixed(1)} s · ` +
      `${plural(report.events.emitted, 'event')} · ${plural(fnCount, 'invocation')} · ${plural(report.apiCalls.total, 'AWS call')}`,
  );
  out.push('');

  // Timeline.
  out.push('Timeline');
  const folded = foldTimeline(report.timeline);
  const width = Math.max(6, ...folded.map((f) => f.item.kind.length));
  for (const { item, repeats, last } of folded) {
    const suffix = repeats > 0 ? `  (×${repeats + 1}, last ${hms(last ?? item.at)})` : '';
    out.push(`${hms(item.at)}  ${item.kind.padEnd(width)}  ${item.text}${suffix}`);
  }
  if (folded.length === 0) out.push('  (nothing happened)');
  out.push('');

  // Messages.
  const delivered = report.notifications.filter((n) => n.delivered);
  out.push(`Notifications (${delivered.length} delivered${delivered.length === report.notifications.length ? '' : `, ${report.notifications.length - delivered.length} refused by Slack`})`);
  for (const n of report.notifications) {
    const state = n.delivered ? '' : `  [Slack answered ${n.status ?? '?'}: not delivered]`;
    out.push(`${hms(n.at)}  ${n.channel} (${n.via}${n.kind ? `, ${n.kind}` : ''})${state}`);
    out.push(indent(options.messages === false ? n.title : n.text, '          '));
  }
  if (report.notifications.length === 0) out.push('  (none)');
  out.push('');

  // The fleet's outcome.
  out.push('Fleet');
  for (const s of report.services) {
    const below = s.belowMinimum.length === 0 ? '' : `, below minimum healthy ${plural(s.belowMinimum.length, 'time')}`;
    out.push(`  ${s.cluster}/${s.service}: ${s.running}/${s.desired} running at the end, lowest ${s.lowestRunning} (minimum healthy then ${s.minimumHealthyAtLowest})${below}`);
  }
  const killed = Object.entries(report.tasksKilled.byService).map(([service, n]) => `${service} ${n}`).join(', ');
  out.push(`  tasks killed by instance terminations: ${report.tasksKilled.count}${killed ? ` (${killed})` : ''}`);
  const byEcsOps = report.lifecycleActions.filter((a) => a.completedBy === 'api').length;
  const heartbeats = report.lifecycleActions.reduce((n, a) => n + a.heartbeats, 0);
  const holds = report.lifecycleActions.flatMap((a) => (a.heldAfterEmptySeconds === undefined ? [] : [a.heldAfterEmptySeconds]));
  const actionDetail = [
    `${byEcsOps} completed by ecs-ops`,
    heartbeats > 0 ? plural(heartbeats, 'heartbeat') : undefined,
    holds.length > 0 ? `longest hold after empty ${formatDuration(Math.max(...holds) * 1000)}` : undefined,
  ].filter((p) => p !== undefined);
  out.push(`  lifecycle actions: ${report.lifecycleActions.length}${report.lifecycleActions.length > 0 ? ` (${actionDetail.join(', ')})` : ''}`);
  const drains = report.drains.filter((d) => d.registered);
  if (drains.length > 0) {
    const drained = drains.filter((d) => d.drainingAfterSeconds !== undefined);
    const slowest = drained.length === 0 ? undefined : Math.max(...drained.map((d) => d.drainingAfterSeconds ?? 0));
    const count = (items: typeof drains) => new Set(items.map((d) => d.instance)).size;
    out.push(`  drains: ${plural(count(drains), 'instance')} to drain, ${count(drained)} set DRAINING${slowest === undefined ? '' : ` (at most ${formatDuration(slowest * 1000)} after its lifecycle action or Spot warning)`}`);
  }
  const eventFaults = report.events.faults ?? [];
  if (eventFaults.length > 0) {
    out.push(`  event faults: ${eventFaults.filter((f) => f.kind === 'dropped').length} dropped, ${eventFaults.filter((f) => f.kind === 'duplicated').length} duplicated`);
    for (const f of eventFaults) out.push(`    ${hms(f.at)}  ${f.kind} ${f.detailType} ${f.eventId}${f.function === undefined ? '' : ` (→ ${f.function})`}${f.by === 'action' ? ' [timeline]' : ''}`);
  }
  const stops = report.taskStops ?? [];
  const protectedStops = stops.filter((t) => t.protected).length;
  const sigkilled = stops.filter((t) => t.killedAtStopTimeout).length;
  if (protectedStops > 0 || sigkilled > 0) out.push(`  task stops: ${stops.length} (${protectedStops} protected from scale-in, ${sigkilled} killed at their stopTimeout)`);
  const lost = report.deadLetters.filter((d) => !d.delivered).length;
  out.push(`  dead letters: ${report.deadLetters.length}${lost > 0 ? ` (${lost} not delivered to the failure queue)` : ''}`);
  const denied = Object.entries(report.iam.byPrincipal);
  out.push(`  IAM denials: ${report.iam.denials.length === 0 ? 'none' : report.iam.denials.length}`);
  for (const [principal, byWhat] of denied) {
    for (const [what, n] of Object.entries(byWhat)) out.push(`    ${principal}: ${what}${n === 1 ? '' : ` (×${n})`}`);
  }
  const failedFns = Object.entries(report.invocations.byFunction).map(([name, s]) => `${name} ${s.invocations} (${s.errors} failed)`).join(', ');
  out.push(`  invocations: ${failedFns || 'none'}`);
  const calls = Object.entries(report.apiCalls.byOperation).map(([op, n]) => `${op} ${n}`).join(', ');
  out.push(`  AWS calls: ${calls || 'none'}`);
  out.push('');

  // Verdicts.
  const expectations = report.expectations.filter((e) => !e.invariant);
  const invariants = report.expectations.filter((e) => e.invariant);
  const line = (e: (typeof report.expectations)[number]) => `${e.passed ? '✓' : '✗'} ${e.description}: ${e.detail}${e.line === undefined || e.passed ? '' : ` (line ${e.line})`}`;
  out.push('Expectations');
  for (const e of expectations) out.push(line(e));
  if (expectations.length === 0) out.push('  (none)');
  out.push('Invariants');
  for (const e of invariants) out.push(line(e));
  out.push('');
  const failures = report.expectations.filter((e) => !e.passed).length;
  out.push(failures === 0 ? `PASSED: ${plural(report.expectations.length, 'check')}` : `FAILED: ${failures} of ${plural(report.expectations.length, 'check')}`);
  return `${out.join('\n')}\n`;
}
