/**
 * Rendering a {@link Digest}: text lines (Slack mrkdwn or plain), then channel-neutral {@link Notification}s that
 * lib/notify delivers — several ordered parts for Slack, each within Slack's limits once rendered by `renderSlack`
 * (at most {@link SLACK_PART_BUDGET} characters of lines per message, no line longer than {@link MAX_LINE_CHARS}), and
 * one for SNS (plain text, the subject within 99 printable ASCII characters by `snsSubject`).
 *
 * A service reads as one line: name, a sparkline of its desired task count over the window (`▁▂▃▅▇`, the highest value
 * of each slice, so a short spike shows), the count at the start → end and its low/high; then one line per change
 * (time, ↑/↓ and size, from → to, cause), deployment, blocked attempt and problem. Busiest services come first; quiet
 * services are folded into one line.
 */
import { escapeSlack, oneLine } from '../../notify/slack-render.js';
import type { Notification } from '../../notify/types.js';
import { formatDuration } from '../../notify/format.js';
import type { AsgSeries, Cause, Change, CountRange, DeploymentSummary, Digest, FailedLaunch, OpsRecord, ServiceSeries } from './model.js';

export const DIGEST_KIND = 'scaling-digest';
/** Characters of lines in one Slack message (renderSlack keeps the whole message under 12,000). */
export const SLACK_PART_BUDGET = 9000;
/** Longest line (a cause can be long): cut with an ellipsis. */
export const MAX_LINE_CHARS = 700;
/** Slack messages per digest at most; what does not fit is counted in the last one. */
export const MAX_SLACK_PARTS = 20;
/** Slices of a sparkline. */
export const SPARK_SLICES = 24;
const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

export type Style = 'slack' | 'plain';

export interface RenderOptions {
  /** IANA time zone of the times shown (the digest schedule's). */
  timeZone?: string;
  style?: Style;
}

/** A sparkline of a step function given by `[at, value]` points (sorted) over `[start, end)`. */
export function sparkline(points: readonly [number, number][], start: number, end: number, slices: number = SPARK_SLICES, scale?: { min: number; max: number }): string {
  if (points.length === 0 || end <= start) return '';
  const values: number[] = [];
  const width = (end - start) / slices;
  for (let i = 0; i < slices; i++) {
    const from = start + i * width;
    const to = from + width;
    // The value in force at the slice start, and any value set inside the slice: the highest.
    let v = points[0]?.[1] ?? 0;
    for (const [at, value] of points) if (at <= from) v = value;
    let high = v;
    for (const [at, value] of points) if (at > from && at < to) high = Math.max(high, value);
    values.push(high);
  }
  const lo = scale?.min ?? Math.min(...values);
  const hi = scale?.max ?? Math.max(...values);
  if (hi === lo) return BARS[3]?.repeat(slices) ?? '';
  return values.map((v) => BARS[Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))] ?? '').join('');
}

function clock(t: number, timeZone: string, withDate: boolean): string {
  const options: Intl.DateTimeFormatOptions = { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  if (withDate) Object.assign(options, { month: 'short', day: 'numeric' });
  return new Intl.DateTimeFormat('en-US', options).format(new Date(t));
}

/** Cuts a line so that it stays within `max` characters once escaped for Slack (renderSlack escapes `&`, `<`, `>`). */
function cut(text: string, max: number = MAX_LINE_CHARS): string {
  let result = text;
  for (let excess = escapeSlack(result).length - max; excess > 0; excess = escapeSlack(result).length - max) {
    result = `${result.slice(0, Math.max(0, result.length - excess - 1)).trimEnd()}…`;
  }
  return result;
}

class Writer {
  constructor(
    readonly style: Style,
    readonly timeZone: string,
    readonly withDate: boolean,
  ) {}

  /** AWS text on one line (renderSlack escapes it for Slack). */
  t(text: string): string {
    return oneLine(text);
  }

  b(text: string): string {
    return this.style === 'slack' ? `*${this.t(text)}*` : this.t(text);
  }

  code(text: string): string {
    return this.style === 'slack' ? `\`${text}\`` : text;
  }

  time(t: number): string {
    return clock(t, this.timeZone, this.withDate);
  }

  bullet(text: string): string {
    return cut(`${this.style === 'slack' ? '    • ' : '    - '}${text}`);
  }
}

export function describeCause(cause: Cause, w: Pick<Writer, 't'>): string {
  switch (cause.kind) {
    case 'target-tracking':
      return `target tracking, policy ${w.t(cause.policy)} (alarm ${w.t(cause.alarm)})`;
    case 'alarm':
      return `alarm ${w.t(cause.alarm)}, policy ${w.t(cause.policy)}`;
    case 'scheduled':
      return `scheduled action ${w.t(cause.action)}`;
    case 'manual':
      return `manual: ${w.t(cause.text)}`;
    case 'spot':
      return 'Spot interruption';
    case 'health':
      return `health check: ${w.t(cause.text)}`;
    case 'capacity':
    case 'other':
      return w.t(cause.text);
  }
}

function arrow(c: Change, w: Writer): string {
  const sign = c.direction === 'out' ? `↑ +${c.size ?? 0}` : c.direction === 'in' ? `↓ −${c.size ?? 0}` : '→';
  return `${w.time(c.at)} ${sign} ${c.from === undefined ? `set to ${c.to}` : `${c.fromEstimated === true ? '~' : ''}${c.from} → ${c.to}`}`;
}

function countText(r: CountRange): string {
  const ends = r.start === undefined ? `? → ${r.end}` : r.start === r.end ? `${r.end}` : `${r.start} → ${r.end}`;
  return r.min === r.max ? ends : `${ends} (low ${r.min}, high ${r.max})`;
}

const OUTCOME: Record<DeploymentSummary['outcome'], string> = {
  completed: 'completed',
  failed: 'failed',
  'rolled-back': 'failed, rolled back',
  rollback: 'rolling back',
  'in-progress': 'in progress',
};

function deploymentLine(d: DeploymentSummary, w: Writer): string {
  const at = d.startedAt ?? d.endedAt;
  const icon = d.outcome === 'failed' || d.outcome === 'rolled-back' ? (w.style === 'slack' ? '✖ ' : '') : '';
  const rollback = d.reason?.startsWith('ECS deployment circuit breaker: rolling back') === true || d.reason?.startsWith('rollback of ') === true;
  const reason = d.reason !== undefined && !rollback && d.outcome !== 'completed' ? `: ${w.t(d.reason)}` : '';
  return w.bullet(
    `${at !== undefined ? `${w.time(at)} ` : ''}${icon}${rollback ? 'rollback ' : 'deployment '}${w.t(d.id)}${d.taskDefinition !== undefined ? ` (${w.t(d.taskDefinition)})` : ''} ${OUTCOME[d.outcome]}${
      d.endedAt !== undefined && d.startedAt !== undefined ? ` in ${formatDuration(d.endedAt - d.startedAt)}` : ''
    }${reason}`,
  );
}

function serviceLines(s: ServiceSeries, digest: Digest, w: Writer): string[] {
  const { start, end } = digest.window;
  const spark = sparkline(s.points, start, end);
  const running = s.running.min === s.running.max && s.running.start === s.running.end ? '' : ` · running ${countText(s.running)}${s.running.approximate ? ' (approx.)' : ''}`;
  const lines = [cut(`${w.b(s.service)}  ${w.code(spark)}  tasks ${countText(s.desired)}${running}`)];
  // At the same time, a failed deployment reads before the rollback it caused.
  type Item = { at: number; rank: number; line: string };
  const items: Item[] = [
    ...s.changes.map((c) => ({ at: c.at, rank: 1, line: w.bullet(`${arrow(c, w)} · ${describeCause(c.cause, w)}`) })),
    ...s.blocked.map((b) => ({ at: b.at, rank: 1, line: w.bullet(`${w.time(b.at)} not scaled: ${w.t(b.reason)} · ${describeCause(b.cause, w)}`) })),
    ...s.deployments.map((d) => ({ at: d.startedAt ?? d.endedAt ?? start, rank: d.outcome === 'rolled-back' || d.outcome === 'failed' ? 0 : 1, line: deploymentLine(d, w) })),
  ].sort((a, b) => a.at - b.at || a.rank - b.rank);
  lines.push(...items.map((i) => i.line));
  lines.push(...s.problems.map((p) => w.bullet(`${w.style === 'slack' ? '⚠️ ' : 'warning: '}${w.t(p)}`)));
  return lines;
}

function failedLaunchLines(failed: FailedLaunch[], w: Writer): { at: number; line: string }[] {
  const groups = new Map<string, FailedLaunch[]>();
  for (const f of failed) {
    const key = f.reason === 'other' ? `other|${f.message}` : `${f.reason}|${f.instanceType ?? ''}|${f.az ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()].map((list) => {
    const first = list[0] as FailedLaunch;
    const last = list.at(-1) as FailedLaunch;
    const when = list.length === 1 ? w.time(first.at) : `${w.time(first.at)}–${w.time(last.at)}`;
    const what =
      first.reason === 'insufficient-capacity'
        ? `insufficient ${first.instanceType ?? 'instance'} capacity${first.az !== undefined ? ` in ${first.az}` : ''}`
        : first.reason === 'quota'
          ? `quota: ${w.t(first.message)}`
          : w.t(first.message);
    const icon = w.style === 'slack' ? '✖ ' : '';
    return { at: first.at, line: w.bullet(`${when} ${icon}${list.length === 1 ? 'failed launch' : `${list.length} failed launches`}: ${what}`) };
  });
}

function asgLines(g: AsgSeries, digest: Digest, w: Writer): string[] {
  const spark = sparkline(g.points, digest.window.start, digest.window.end);
  const moves = [g.launched > 0 ? `${g.launched} launched` : '', g.terminated > 0 ? `${g.terminated} terminated` : ''].filter((p) => p !== '').join(', ');
  const lines = [cut(`${w.b(g.asg)}  ${w.code(spark)}  desired ${countText(g.desired)} · instances ${countText(g.instances)}${moves ? ` · ${moves}` : ''}`)];
  const items = [
    ...g.changes.map((c) => ({ at: c.at, line: w.bullet(`${arrow(c, w)} · ${describeCause(c.cause, w)}`) })),
    ...failedLaunchLines(g.failedLaunches, w),
  ].sort((a, b) => a.at - b.at);
  lines.push(...items.map((i) => i.line));
  return lines;
}

function opsLine(o: OpsRecord, w: Writer): string {
  return w.bullet(`${w.time(o.at)} ${w.t(o.detail)}`);
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

/** A few words for a subject line: `3 services scaled, 1 deployment failed, 2 failed launches`. */
export function shortSummary(digest: Digest): string {
  if (digest.empty) return 'nothing scaled';
  const scaled = digest.services.filter((s) => s.changes.length > 0).length;
  const deployments = digest.services.flatMap((s) => s.deployments);
  const failed = deployments.filter((d) => d.outcome === 'failed' || d.outcome === 'rolled-back').length;
  const failedLaunches = digest.asgs.reduce((n, g) => n + g.failedLaunches.length, 0);
  const instances = digest.asgs.filter((g) => g.changes.length > 0).length;
  const parts = [
    scaled > 0 ? `${plural(scaled, 'service')} scaled` : '',
    failed > 0 ? `${plural(failed, 'deployment')} failed` : deployments.length > 0 ? plural(deployments.length, 'deployment') : '',
    instances > 0 ? `${plural(instances, 'ASG')} scaled` : '',
    failedLaunches > 0 ? `${failedLaunches} failed ${failedLaunches === 1 ? 'launch' : 'launches'}` : '',
    digest.ops.length > 0 ? plural(digest.ops.length, 'ecs-ops action') : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? parts.join(', ') : 'no scaling';
}

/** One sentence: what changed in the window. */
export function digestSummary(digest: Digest): string {
  if (digest.empty) return 'Nothing scaled.';
  const changes = digest.services.flatMap((s) => s.changes);
  const outs = changes.filter((c) => c.direction === 'out').length;
  const ins = changes.filter((c) => c.direction === 'in').length;
  const deployments = digest.services.flatMap((s) => s.deployments);
  const failedDeployments = deployments.filter((d) => d.outcome === 'failed' || d.outcome === 'rolled-back').length;
  const scaled = digest.services.filter((s) => s.changes.length > 0).length;
  const asgChanged = digest.asgs.filter((g) => g.changes.length > 0 || g.launched > 0 || g.terminated > 0).length;
  const failedLaunches = digest.asgs.reduce((n, g) => n + g.failedLaunches.length, 0);
  const parts: string[] = [];
  if (scaled > 0) parts.push(`${plural(scaled, 'service')} scaled (${outs} out, ${ins} in)`);
  if (deployments.length > 0) parts.push(`${plural(deployments.length, 'deployment')}${failedDeployments > 0 ? ` (${failedDeployments} failed)` : ''}`);
  if (asgChanged > 0) parts.push(`${plural(asgChanged, 'Auto Scaling group')} changed`);
  if (failedLaunches > 0) parts.push(`${failedLaunches} failed ${failedLaunches === 1 ? 'launch' : 'launches'}`);
  if (digest.ops.length > 0) parts.push(plural(digest.ops.length, 'ecs-ops action'));
  if (digest.quiet.length > 0) parts.push(`${digest.quiet.length} steady`);
  return `${parts.join(', ')}.`;
}

export interface DigestGroup {
  /** `service`, `asg`, `ops`, `protected`, `quiet`, `warnings`. */
  kind: string;
  lines: string[];
}

/** The digest as groups of lines (one per service, ASG, the ecs-ops list, the quiet line), in reading order. */
export function digestGroups(digest: Digest, options: RenderOptions = {}): DigestGroup[] {
  const w = new Writer(options.style ?? 'slack', options.timeZone ?? 'UTC', digest.window.end - digest.window.start > 20 * 3600_000);
  const groups: DigestGroup[] = [];
  for (const s of digest.services) groups.push({ kind: 'service', lines: serviceLines(s, digest, w) });
  if (digest.quiet.length > 0) {
    const names = digest.quiet.map((q) => `${w.t(q.service)} (${q.desired})`);
    let text = `${w.style === 'slack' ? '_' : ''}Steady (${digest.quiet.length}): `;
    let shown = 0;
    for (const name of names) {
      const more = names.length - shown - 1;
      const next = `${shown > 0 ? ', ' : ''}${name}`;
      if (text.length + next.length + (more > 0 ? 20 : 0) > MAX_LINE_CHARS) break;
      text += next;
      shown++;
    }
    if (shown < names.length) text += ` … and ${names.length - shown} more`;
    groups.push({ kind: 'quiet', lines: [text + (w.style === 'slack' ? '_' : '')] });
  }
  const activeAsgs = digest.asgs.filter((g) => g.activity > 0 || g.desired.min !== g.desired.max);
  const steadyAsgs = digest.asgs.filter((g) => !activeAsgs.includes(g));
  for (const g of activeAsgs) groups.push({ kind: 'asg', lines: asgLines(g, digest, w) });
  if (steadyAsgs.length > 0 && activeAsgs.length > 0) {
    groups.push({ kind: 'quiet', lines: [cut(`${w.style === 'slack' ? '_' : ''}Steady groups: ${steadyAsgs.map((g) => `${w.t(g.asg)} (${g.desired.end})`).join(', ')}${w.style === 'slack' ? '_' : ''}`)] });
  }
  if (digest.ops.length > 0) groups.push({ kind: 'ops', lines: [w.b('ecs-ops'), ...digest.ops.map((o) => opsLine(o, w))] });
  // Managed termination protection never lets these go (containers-roadmap #2814): the ASG cannot scale them in.
  const daemonOnly = digest.daemonOnlyProtected ?? [];
  if (daemonOnly.length > 0) {
    groups.push({
      kind: 'protected',
      lines: [
        w.b('Kept protected with only daemon tasks'),
        ...daemonOnly.map((p) => w.bullet(cut(`${w.t(p.instanceId)} in ${w.t(p.asg)} (capacity provider ${w.t(p.capacityProvider)}): only ${p.daemonServices.map((s) => w.t(s)).join(', ')}; scale-in protection stays on (containers-roadmap #2814)`))),
      ],
    });
  }
  if (digest.warnings.length > 0) groups.push({ kind: 'warnings', lines: digest.warnings.map((x) => w.bullet(`${w.style === 'slack' ? '⚠️ ' : 'warning: '}${w.t(x)}`)) });
  return groups;
}

/** `prod · 08:00–12:00 UTC`. */
export function windowLabel(digest: Digest, timeZone: string = 'UTC'): string {
  const withDate = digest.window.end - digest.window.start > 20 * 3600_000;
  return `${digest.cluster} · ${clock(digest.window.start, timeZone, withDate)}–${clock(digest.window.end, timeZone, withDate)} ${timeZone}`;
}

/** The digest for a terminal: a title line, the summary, then every group. */
export function renderDigestText(digest: Digest, options: Omit<RenderOptions, 'style'> = {}): string {
  const timeZone = options.timeZone ?? 'UTC';
  const lines = [`Scaling digest · ${windowLabel(digest, timeZone)}`, digestSummary(digest), ''];
  for (const g of digestGroups(digest, { timeZone, style: 'plain' })) lines.push(...g.lines);
  return lines.join('\n').trimEnd() + '\n';
}

function baseNotification(digest: Digest, title: string, summary: string, details: string[]): Notification {
  return {
    kind: DIGEST_KIND,
    severity: 'info',
    title,
    summary,
    fields: [],
    links: [],
    details,
    cluster: digest.cluster,
    occurredAt: new Date(digest.window.end).toISOString(),
  };
}

/** Splits groups into parts of at most `budget` characters (a group larger than a part is split by lines). */
export function splitGroups(groups: DigestGroup[], budget: number = SLACK_PART_BUDGET): string[][] {
  const parts: string[][] = [];
  let current: string[] = [];
  let used = 0;
  const push = (): void => {
    if (current.length > 0) parts.push(current);
    current = [];
    used = 0;
  };
  for (const group of groups) {
    const size = group.lines.reduce((n, l) => n + escapeSlack(l).length + 1, 0);
    if (used > 0 && used + size > budget) push();
    for (const line of group.lines) {
      const length = escapeSlack(line).length + 1;
      if (used + length > budget) push();
      current.push(line);
      used += length;
    }
  }
  push();
  return parts;
}

/**
 * The Slack messages of a digest, in order: `[]` for an empty window with `emptyWindow: skip`, one "nothing scaled"
 * message with `post`.
 */
export function digestSlackNotifications(digest: Digest, options: { timeZone?: string; emptyWindow?: 'skip' | 'post' } = {}): Notification[] {
  const timeZone = options.timeZone ?? 'UTC';
  const label = windowLabel(digest, timeZone);
  if (digest.empty) {
    if (options.emptyWindow !== 'post') return [];
    return [baseNotification(digest, `Scaling digest · ${label}: nothing scaled`, `Nothing scaled in ${digest.cluster} between ${label.split(' · ')[1] ?? ''}.`, [])];
  }
  let parts = splitGroups(digestGroups(digest, { timeZone, style: 'slack' }));
  if (parts.length > MAX_SLACK_PARTS) {
    const dropped = parts.slice(MAX_SLACK_PARTS - 1).reduce((n, p) => n + p.length, 0);
    parts = [...parts.slice(0, MAX_SLACK_PARTS - 1), [`_… ${dropped} more lines not shown: run \`ecs-ops digest --cluster ${digest.cluster}\` for all of it._`]];
  }
  const summary = digestSummary(digest);
  return parts.map((lines, i) =>
    baseNotification(digest, `Scaling digest · ${label}${parts.length > 1 ? ` (${i + 1}/${parts.length})` : ''}`, i === 0 ? summary : '(continued)', lines),
  );
}

/** The SNS message of a digest (one publication: plain text), or none for a skipped empty window. */
export function digestSnsNotification(digest: Digest, options: { timeZone?: string; emptyWindow?: 'skip' | 'post' } = {}): Notification | undefined {
  const timeZone = options.timeZone ?? 'UTC';
  const label = windowLabel(digest, timeZone);
  if (digest.empty && options.emptyWindow !== 'post') return undefined;
  const summary = digestSummary(digest);
  const title = `Scaling digest ${label}: ${shortSummary(digest)}`;
  const lines = digest.empty ? [] : digestGroups(digest, { timeZone, style: 'plain' }).flatMap((g) => [...g.lines, '']);
  return baseNotification(digest, title, summary, lines);
}
