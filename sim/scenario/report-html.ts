/**
 * The report as one self-contained HTML page (no script, no external asset): a summary; per service, desired vs
 * running over time with the shortfall shaded, under a lane of what ecs-ops did (drains, placement stops, scheduled
 * runs, notices) whose items link to their timeline entries and back (`#tl-N` / `#do-N` anchors, `:target` and
 * `:has(:hover)` CSS, no script); an SVG timeline of the fleet per Availability Zone (running tasks stacked by
 * service, instances in service as a line) with markers for the timeline actions, the notifications and the tasks
 * killed, and lifecycle actions (drains) as spans; then the notifications, the expectations, the text timeline and the
 * counts. Main parts carry `data-testid` attributes.
 */
import type { SimulationReport, TimelineItem } from './report.js';
import { foldTimeline } from './report-text.js';
import { formatDuration } from './time.js';

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#edc948', '#76b7b2', '#ff9da7', '#9c755f', '#bab0ac', '#e15759'];
const WIDTH = 1100;
const LEFT = 120;
const RIGHT = 50;
const PLOT = WIDTH - LEFT - RIGHT;
const PANEL = 130;
const PANEL_GAP = 30;
const LANE = 16;
const SERVICE_PANEL = 70;
/** Hover highlighting across chart and timeline costs a CSS rule per link: for the first ones only (click works for all). */
const HOVER_LINKS = 300;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function hms(iso: string): string {
  return iso.slice(11, 19);
}

const num = (n: number): string => (Math.round(n * 10) / 10).toString();

/** Lifecycle actions in rows so that spans do not overlap. */
function packRows<T extends { start: number; end: number }>(spans: T[]): (T & { row: number })[] {
  const rowEnds: number[] = [];
  return spans.map((span) => {
    let row = rowEnds.findIndex((end) => end <= span.start);
    if (row < 0) {
      row = rowEnds.length;
      rowEnds.push(span.end);
    } else {
      rowEnds[row] = span.end;
    }
    return { ...span, row };
  });
}

/** Time axis: ticks every 1, 5, 10, 15, 30 or 60 minutes (or more), grid lines from `top`, labels at `bottom`. */
function timeAxis(start: number, end: number, x: (ms: number) => number, top: number, bottom: number): string {
  const spanMin = (end - start) / 60_000;
  const step = [1, 5, 10, 15, 30, 60, 120, 360, 720, 1440].find((m) => spanMin / m <= 12) ?? 1440;
  const parts = ['<g data-testid="time-axis" font-size="11" fill="#555">'];
  for (let m = 0; m <= spanMin + 1e-9; m += step) {
    const ms = start + m * 60_000;
    const xx = num(x(ms));
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${top}" y2="${bottom - 16}" stroke="#eee"/>`);
    parts.push(`<text x="${xx}" y="${bottom}" text-anchor="middle">${esc(new Date(ms).toISOString().slice(11, 16))}</text>`);
  }
  parts.push('</g>');
  return parts.join('\n');
}

function chart(report: SimulationReport): string {
  const start = Date.parse(report.virtual.start);
  const end = Math.max(Date.parse(report.virtual.end), start + 1000);
  const x = (ms: number) => LEFT + ((Math.min(Math.max(ms, start), end) - start) / (end - start)) * PLOT;
  const zones = report.fleet.availabilityZones;
  const services = [...new Set([...report.fleet.services.map((s) => s.split('/').pop() ?? s), ...report.samples.flatMap((s) => Object.values(s.zones).flatMap((z) => Object.keys(z.running)))])];
  const color = (service: string) => PALETTE[Math.max(0, services.indexOf(service)) % PALETTE.length] ?? '#888';

  const markerTop = 28;
  const spans = packRows(
    report.lifecycleActions.map((a) => ({
      action: a,
      start: Date.parse(a.started),
      end: a.completed === undefined ? end : Date.parse(a.completed),
    })),
  );
  const drainRows = Math.max(1, ...spans.map((s) => s.row + 1));
  const lanes = { actions: markerTop, slack: markerTop + LANE + 4, sns: markerTop + 2 * LANE + 4, killed: markerTop + 3 * LANE + 4 };
  const drainTop = markerTop + 4 * LANE + 16;
  /** Markers closer than 8 px in one lane are nudged right, so none hides another. */
  const nudger = () => {
    let last = -Infinity;
    return (xx: number) => {
      const placed = xx - last < 8 ? last + 8 : xx;
      last = placed;
      return placed;
    };
  };
  const panelsTop = drainTop + drainRows * LANE + 30;
  const height = panelsTop + zones.length * (PANEL + PANEL_GAP) + 30;

  const maxTasks = Math.max(1, ...report.samples.flatMap((s) => Object.values(s.zones).map((z) => Object.values(z.running).reduce((a, b) => a + b, 0))));
  const maxInstances = Math.max(1, ...report.samples.flatMap((s) => Object.values(s.zones).map((z) => z.instances.inService + z.instances.pending + z.instances.terminating)));

  const parts: string[] = [];
  parts.push(`<svg data-testid="fleet-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="Fleet per Availability Zone over time">`);
  parts.push(`<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#fff"/>`);

  parts.push(timeAxis(start, end, x, markerTop - 8, height - 8));

  // Lane labels.
  const label = (y: number, text: string) => `<text x="8" y="${y + 10}">${text}</text>`;
  parts.push(
    `<g font-size="11" fill="#333">${label(lanes.actions, 'actions')}${label(lanes.slack, 'Slack')}${label(lanes.sns, 'SNS')}${label(lanes.killed, 'tasks killed')}${label(drainTop, 'lifecycle actions')}</g>`,
  );

  // Actions: a triangle in the lane and a dashed line down through the panels.
  parts.push('<g data-testid="actions">');
  const nudgeAction = nudger();
  for (const item of report.timeline.filter((t) => t.kind === 'action')) {
    const xx = num(nudgeAction(x(Date.parse(item.at))));
    parts.push(
      `<g data-testid="action-marker"><title>${esc(`${hms(item.at)} ${item.text}`)}</title>` +
        `<line x1="${xx}" x2="${xx}" y1="${markerTop}" y2="${height - 24}" stroke="#333" stroke-dasharray="3 3" stroke-opacity="0.45"/>` +
        `<path d="M${xx} ${markerTop + 12} l-5 -10 h10 z" fill="#333"/></g>`,
    );
  }
  parts.push('</g>');

  // Notifications (and tasks killed) in the second lane.
  parts.push('<g data-testid="notification-markers">');
  const nudgeNotification = { slack: nudger(), sns: nudger() };
  for (const n of report.notifications) {
    const xx = num(nudgeNotification[n.via](x(Date.parse(n.at))));
    const fill = !n.delivered ? '#bbb' : n.via === 'sns' ? '#b07aa1' : '#e15759';
    parts.push(
      `<circle data-testid="notification-marker" data-via="${n.via}" cx="${xx}" cy="${lanes[n.via] + 6}" r="5" fill="${fill}" stroke="#fff"><title>${esc(`${hms(n.at)} ${n.channel} (${n.via}): ${n.title}${n.delivered ? '' : ` — not delivered (${n.status ?? '?'})`}`)}</title></circle>`,
    );
  }
  const nudgeKilled = nudger();
  for (const item of report.timeline.filter((t) => t.kind === 'killed')) {
    const xx = nudgeKilled(x(Date.parse(item.at)));
    parts.push(
      `<path data-testid="killed-marker" d="M${num(xx - 5)} ${lanes.killed + 1} l10 10 m0 -10 l-10 10" stroke="#d00" stroke-width="2.5"><title>${esc(`${hms(item.at)} ${item.text}`)}</title></path>`,
    );
  }
  parts.push('</g>');

  // Lifecycle actions as spans.
  parts.push('<g data-testid="drains">');
  for (const span of spans) {
    const a = span.action;
    const x1 = x(span.start);
    const x2 = Math.max(x(span.end), x1 + 3);
    const fill = a.completedBy === 'api' || a.completedBy === 'ecs-managed-draining' ? '#59a14f' : a.completedBy === undefined ? '#bbb' : '#e15759';
    const how = a.completedBy === undefined ? 'still waiting' : a.completedBy === 'api' ? `completed ${a.result ?? ''}` : a.completedBy === 'ecs-managed-draining' ? `completed ${a.result ?? ''} by ECS` : a.completedBy;
    const held = a.heldAfterEmptySeconds === undefined ? '' : `, held ${formatDuration(a.heldAfterEmptySeconds * 1000)} after empty`;
    parts.push(
      `<rect data-testid="drain-span" x="${num(x1)}" y="${drainTop + span.row * LANE}" width="${num(x2 - x1)}" height="${LANE - 4}" rx="3" fill="${fill}" fill-opacity="0.75">` +
        `<title>${esc(`${a.hook} ${a.instance} (${a.asg}) ${hms(a.started)}–${a.completed === undefined ? 'end' : hms(a.completed)}: ${how}${held}`)}</title></rect>`,
    );
  }
  if (spans.length === 0) parts.push(`<text x="${LEFT + 4}" y="${drainTop + 11}" font-size="11" fill="#999">none</text>`);
  parts.push('</g>');

  // One panel per AZ: running tasks stacked by service, instances as a step line (right axis).
  zones.forEach((az, index) => {
    const top = panelsTop + index * (PANEL + PANEL_GAP);
    const bottom = top + PANEL;
    const yTasks = (n: number) => bottom - (n / maxTasks) * (PANEL - 6);
    const yInstances = (n: number) => bottom - (n / maxInstances) * (PANEL - 6);
    parts.push(`<g data-testid="az-series" data-az="${esc(az)}">`);
    parts.push(`<rect x="${LEFT}" y="${top}" width="${PLOT}" height="${PANEL}" fill="none" stroke="#ccc"/>`);
    parts.push(`<text x="${LEFT}" y="${top - 6}" font-size="13" font-weight="bold" fill="#222">${esc(az)}</text>`);
    parts.push(`<text x="${LEFT - 6}" y="${top + 10}" font-size="10" text-anchor="end" fill="#555">${maxTasks} tasks</text>`);
    parts.push(`<text x="${LEFT - 6}" y="${bottom}" font-size="10" text-anchor="end" fill="#555">0</text>`);
    parts.push(`<text x="${LEFT + PLOT + 6}" y="${top + 10}" font-size="10" fill="#333">${maxInstances} inst.</text>`);
    const samples = report.samples;
    const base = samples.map(() => 0);
    for (const service of services) {
      const values = samples.map((s) => s.zones[az]?.running[service] ?? 0);
      if (values.every((v) => v === 0)) continue;
      const upper = values.map((v, i) => (base[i] ?? 0) + v);
      const forward = samples.map((s, i) => `${num(x(Date.parse(s.at)))} ${num(yTasks(upper[i] ?? 0))}`);
      const backward = samples.map((s, i) => `${num(x(Date.parse(s.at)))} ${num(yTasks(base[i] ?? 0))}`).reverse();
      const peak = Math.max(...values);
      parts.push(
        `<path data-testid="task-area" data-service="${esc(service)}" d="M${forward.join(' L')} L${backward.join(' L')} Z" fill="${color(service)}" fill-opacity="0.8" stroke="${color(service)}" stroke-width="0.5"><title>${esc(`${az} ${service}: up to ${peak} running`)}</title></path>`,
      );
      upper.forEach((v, i) => (base[i] = v));
    }
    const steps: string[] = [];
    samples.forEach((s, i) => {
      const zone = s.zones[az];
      const n = zone ? zone.instances.inService : 0;
      const xx = num(x(Date.parse(s.at)));
      steps.push(i === 0 ? `M${xx} ${num(yInstances(n))}` : `H${xx} V${num(yInstances(n))}`);
    });
    if (steps.length > 0) {
      const maxIn = Math.max(...samples.map((s) => s.zones[az]?.instances.inService ?? 0));
      parts.push(`<path data-testid="instance-line" d="${steps.join(' ')}" fill="none" stroke="#111" stroke-width="2"><title>${esc(`${az}: up to ${maxIn} instances in service`)}</title></path>`);
    }
    parts.push('</g>');
  });
  parts.push('</svg>');

  const legend = services
    .map((s) => `<span class="key"><span class="swatch" style="background:${color(s)}"></span>${esc(s)}</span>`)
    .concat([
      '<span class="key"><span class="line"></span>instances in service</span>',
      '<span class="key"><span class="tri">▼</span>action</span>',
      '<span class="key"><span class="dot" style="background:#e15759"></span>Slack</span>',
      '<span class="key"><span class="dot" style="background:#b07aa1"></span>SNS</span>',
      '<span class="key"><span style="color:#d00;font-weight:bold">✕</span> tasks killed</span>',
      '<span class="key"><span class="swatch" style="background:#59a14f"></span>lifecycle action completed by ecs-ops</span>',
      '<span class="key"><span class="swatch" style="background:#e15759"></span>lifecycle action timed out / cut short</span>',
    ])
    .join(' ');
  return `${parts.join('\n')}\n<p class="legend" data-testid="legend">${legend}</p>`;
}

/** One thing ecs-ops did, for the lane above the service panels. */
interface LaneItem {
  /** Row of the lane. */
  row: 'drains' | 'stops' | 'runs' | 'notices';
  /** For the legend and `data-kind`: drain-started, drain-completed, drain-forced, hook-timed-out, task-stopped, run, notice. */
  kind: string;
  start: number;
  /** Spans (scheduled runs) end here; markers have none. */
  end: number | undefined;
  /** Short label drawn next to the marker when there is room; `title` says it all. */
  label: string;
  title: string;
  color: string;
  /** Timeline entries of these kinds describe the same thing (the link prefers them, in this order). */
  timelineKinds: string[];
  /** Text the matching timeline entry contains, any of (an instance ID, a task ID, a notice's title or kind). */
  hints: string[];
}

const LANE_ROWS: { row: LaneItem['row']; label: string }[] = [
  { row: 'drains', label: 'drains' },
  { row: 'stops', label: 'placement stops' },
  { row: 'runs', label: 'scheduled runs' },
  { row: 'notices', label: 'notices posted' },
];

const short = (id: string): string => (id.length > 14 ? `…${id.slice(-8)}` : id);

/**
 * What ecs-ops did, from the report's structured facts (not its text): drains (the instance going DRAINING after a
 * terminate lifecycle action or a Spot warning; the lifecycle action completed by ecs-ops, before the instance was
 * empty = forced; a hook that timed out instead), tasks the placement policies stopped, the schedule runner's tasks
 * (created → stopped) and every notice posted.
 */
function laneItems(report: SimulationReport, endMs: number): LaneItem[] {
  const items: LaneItem[] = [];
  const drainsSeen = new Set<string>();
  for (const d of report.drains) {
    if (!d.registered || d.drainingAt === undefined) continue;
    const key = `${d.instance}\0${d.drainingAt}`;
    if (drainsSeen.has(key)) continue;
    drainsSeen.add(key);
    const why = d.trigger === 'spot-interruption' ? 'Spot interruption warning' : 'terminate lifecycle action';
    items.push({
      row: 'drains',
      kind: 'drain-started',
      start: Date.parse(d.drainingAt),
      end: undefined,
      label: `drain ${short(d.instance)}`,
      title: `${hms(d.drainingAt)} ${d.instance}${d.asg ? ` (${d.asg})` : ''} DRAINING after a ${why} at ${hms(d.triggeredAt)}`,
      color: '#4e79a7',
      timelineKinds: ['drain'],
      hints: [d.instance],
    });
  }
  for (const a of report.lifecycleActions) {
    if (a.transition !== 'terminating' || a.completed === undefined || a.completedBy === undefined) continue;
    const at = Date.parse(a.completed);
    const byEcsOps = a.completedBy === 'api';
    const forced = byEcsOps && (a.emptyAt === undefined || Date.parse(a.emptyAt) > at);
    if (byEcsOps) {
      items.push({
        row: 'drains',
        kind: forced ? 'drain-forced' : 'drain-completed',
        start: at,
        end: undefined,
        label: forced ? `forced ${short(a.instance)}` : `done ${short(a.instance)}`,
        title: `${hms(a.completed)} ${forced ? 'forced' : 'completed'}: ${a.hook} ${a.result ?? ''} for ${a.instance} (${a.asg})${forced ? ' with tasks still on it' : `, held ${formatDuration((a.heldAfterEmptySeconds ?? 0) * 1000)} after empty`}`,
        color: forced ? '#7b1f1f' : '#59a14f',
        timelineKinds: ['hook', 'drain'],
        hints: [a.instance],
      });
    } else if (a.completedBy === 'heartbeat-timeout' || a.completedBy === 'global-timeout') {
      items.push({
        row: 'drains',
        kind: 'hook-timed-out',
        start: at,
        end: undefined,
        label: `timed out ${short(a.instance)}`,
        title: `${hms(a.completed)} ${a.hook} for ${a.instance} (${a.asg}) ended by ${a.completedBy} (${a.result ?? '?'}): ecs-ops did not complete it`,
        color: '#7b1f1f',
        timelineKinds: ['hook'],
        hints: [a.instance],
      });
    }
  }
  for (const s of report.placement?.stops ?? []) {
    items.push({
      row: 'stops',
      kind: 'task-stopped',
      start: Date.parse(s.at),
      end: undefined,
      label: `stop ${s.service ?? 'task'}`,
      title: `${hms(s.at)} stopped ${s.cluster}/${s.service ?? '?'} task ${s.task.split('/').pop() ?? s.task}: ${s.reason}`,
      color: '#f28e2b',
      timelineKinds: ['placement'],
      hints: s.service === undefined ? [] : [s.service],
    });
  }
  for (const t of report.scheduledTasks ?? []) {
    const created = t.createdAt ?? t.startedAt;
    if (created === undefined) continue;
    const exits = Object.entries(t.exitCodes)
      .map(([c, code]) => `${c} exit ${code ?? '?'}`)
      .join(', ');
    const failed = t.stoppedAt !== undefined && (t.stopCode !== 'EssentialContainerExited' || Object.values(t.exitCodes).some((c) => c !== 0));
    items.push({
      row: 'runs',
      kind: 'run',
      start: Date.parse(created),
      end: t.stoppedAt === undefined ? endMs : Date.parse(t.stoppedAt),
      label: `${t.schedule}${t.stoppedAt === undefined ? '' : failed ? ' ✗' : ' ✓'}`,
      title: `${hms(created)}–${t.stoppedAt === undefined ? 'end' : hms(t.stoppedAt)} scheduled run ${t.schedule}: ${t.lastStatus}${t.stoppedReason ? ` (${t.stoppedReason})` : ''}${exits ? `; ${exits}` : ''}`,
      color: t.stoppedAt === undefined ? '#bbb' : failed ? '#e15759' : '#59a14f',
      timelineKinds: ['schedule-runner'],
      hints: [t.task.split('/').pop() ?? t.schedule],
    });
  }
  for (const n of report.notifications) {
    items.push({
      row: 'notices',
      kind: 'notice',
      start: Date.parse(n.at),
      end: undefined,
      label: n.kind ?? n.title,
      title: `${hms(n.at)} ${n.kind ?? 'notice'} to ${n.channel} (${n.via})${n.delivered ? '' : `, not delivered (${n.status ?? '?'})`}: ${n.title}`,
      color: !n.delivered ? '#bbb' : n.via === 'sns' ? '#b07aa1' : '#e15759',
      timelineKinds: n.function === undefined ? [] : [n.function],
      // SNS subjects carry a severity prefix the timeline line does not.
      hints: [n.title.replace(/^\[[A-Z]+\] /, ''), ...(n.kind === undefined ? [] : [n.kind])],
    });
  }
  return items.sort((a, b) => a.start - b.start);
}

/**
 * The folded timeline entry each lane item links to: in the same second, an entry of a preferred kind (in order) that
 * contains one of the item's hints, else one of a preferred kind; then the same within a minute (nearest first); else the
 * nearest entry of any kind. Entries folded into a repeated one (`×N`) count as that one.
 */
function linkLaneToTimeline(items: readonly LaneItem[], raw: readonly TimelineItem[], folded: readonly { item: TimelineItem }[]): number[] {
  const heads = new Map(folded.map((f, i) => [f.item, i]));
  const byKey = new Map<string, number>();
  const entries = raw.map((item) => {
    const key = `${item.kind}\0${item.text}`;
    let index = heads.get(item);
    if (index === undefined) index = byKey.get(key) ?? 0;
    else if (!byKey.has(key)) byKey.set(key, index);
    return { ms: Date.parse(item.at), kind: item.kind, text: item.text, index };
  });
  entries.sort((a, b) => a.ms - b.ms);
  type Entry = (typeof entries)[number];
  /** First entry at or after `ms` (binary search: a long run's timeline has tens of thousands of entries). */
  const firstFrom = (ms: number) => {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((entries[mid]?.ms ?? Infinity) < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const nearest = (list: Entry[], ms: number) => list.reduce<Entry | undefined>((best, e) => (best === undefined || Math.abs(e.ms - ms) < Math.abs(best.ms - ms) ? e : best), undefined);
  return items.map((lane) => {
    const second = Math.floor(lane.start / 1000);
    const minute = entries.slice(firstFrom(lane.start - 60_000), firstFrom(lane.start + 60_001));
    const hinted = (e: Entry) => lane.hints.some((hint) => hint !== '' && e.text.includes(hint));
    for (const within of [(e: Entry) => Math.floor(e.ms / 1000) === second, (e: Entry) => Math.abs(e.ms - lane.start) <= 60_000]) {
      for (const kind of lane.timelineKinds) {
        const candidates = minute.filter((e) => e.kind === kind && within(e));
        const found = nearest(candidates.filter(hinted), lane.start) ?? nearest(candidates, lane.start);
        if (found) return found.index;
      }
    }
    const after = firstFrom(lane.start);
    return nearest([entries[after - 1], entries[after]].filter((e) => e !== undefined), lane.start)?.index ?? -1;
  });
}

/** Per service: desired count as a step line, RUNNING as an area, the shortfall between them shaded; above them, the lane. */
function servicesChart(report: SimulationReport, lane: readonly LaneItem[], links: readonly number[]): string {
  const start = Date.parse(report.virtual.start);
  const end = Math.max(Date.parse(report.virtual.end), start + 1000);
  const x = (ms: number) => LEFT + ((Math.min(Math.max(ms, start), end) - start) / (end - start)) * PLOT;
  const samples = report.samples;
  const services = [...new Set([...report.fleet.services, ...samples.flatMap((s) => Object.keys(s.services))])];
  const laneTop = 24;
  const panelsTop = laneTop + LANE_ROWS.length * (LANE + 6) + 30;
  const height = panelsTop + services.length * (SERVICE_PANEL + PANEL_GAP) + 10;

  const parts: string[] = [];
  parts.push(`<svg data-testid="service-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-labelledby="service-chart-title">`);
  parts.push(`<title id="service-chart-title">Desired and running tasks per service over time, with what ecs-ops did</title>`);
  parts.push(`<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#fff"/>`);
  parts.push(timeAxis(start, end, x, laneTop - 8, height - 4));

  // The lane: one row per kind of action, markers (spans for runs) linking to their timeline entry.
  parts.push('<g data-testid="ops-lane" font-size="10">');
  LANE_ROWS.forEach(({ row, label }, r) => {
    const y = laneTop + r * (LANE + 6);
    parts.push(`<text x="8" y="${y + 11}" font-size="11" fill="#333">${label}</text>`);
    parts.push(`<line x1="${LEFT}" x2="${LEFT + PLOT}" y1="${y + LANE / 2}" y2="${y + LANE / 2}" stroke="#eee"/>`);
    // Markers closer than 7 px are nudged right (by 21 px at most) so few hide another; a label is drawn only where it
    // fits before the next marker (the title always says it all).
    const inRow = lane.map((item, i) => ({ item, i })).filter(({ item }) => item.row === row);
    let markerEnd = -Infinity;
    const placed = inRow.map(({ item, i }) => {
      const at = x(item.start);
      // At most three markers' width off its time: in a dense lane markers overlap rather than drift off the axis.
      const xx = item.end === undefined && at - markerEnd < 7 ? Math.min(markerEnd + 7, at + 21) : at;
      const right = item.end === undefined ? xx + 5 : Math.max(x(item.end), xx + 3);
      markerEnd = item.end === undefined ? xx : right;
      return { item, i, xx, right };
    });
    let labelEnd = -Infinity;
    placed.forEach(({ item, i, xx, right }, k) => {
      const link = links[i] ?? -1;
      const href = link >= 0 ? ` href="#tl-${link}"` : '';
      const shape =
        item.end === undefined
          ? `<circle cx="${num(xx)}" cy="${y + LANE / 2}" r="5" fill="${item.color}" stroke="#fff"/>`
          : `<rect x="${num(xx)}" y="${y + 2}" width="${num(right - xx)}" height="${LANE - 4}" rx="3" fill="${item.color}" fill-opacity="0.8"/>`;
      const textX = right + 3;
      const textEnd = textX + item.label.length * 5.6;
      const next = placed[k + 1]?.xx ?? WIDTH;
      const text = textX > labelEnd && textEnd < next - 6 ? `<text x="${num(textX)}" y="${y + LANE / 2 + 3.5}" fill="#222">${esc(item.label)}</text>` : '';
      if (text) labelEnd = textEnd + 4;
      parts.push(`<a id="do-${i}" data-testid="lane-item" data-kind="${item.kind}"${link >= 0 ? ` data-timeline="tl-${link}"` : ''}${href}><title>${esc(item.title)}</title>${shape}${text}</a>`);
    });
    if (!lane.some((item) => item.row === row)) parts.push(`<text x="${LEFT + 4}" y="${y + 11}" fill="#999">none</text>`);
  });
  parts.push('</g>');

  services.forEach((service, index) => {
    const top = panelsTop + index * (SERVICE_PANEL + PANEL_GAP);
    const bottom = top + SERVICE_PANEL;
    const points = samples.map((s) => ({ ms: Date.parse(s.at), ...(s.services[service] ?? { desired: 0, running: 0, placementBlocked: false }) }));
    const max = Math.max(1, ...points.map((p) => Math.max(p.desired, p.running)));
    const y = (n: number) => bottom - (n / max) * (SERVICE_PANEL - 8);
    const shortfall = points.filter((p) => p.running < p.desired);
    const worst = shortfall.reduce((m, p) => Math.max(m, p.desired - p.running), 0);
    const blockedMinutes = points.filter((p) => p.placementBlocked && p.running < p.desired).length;
    parts.push(`<g data-testid="service-series" data-service="${esc(service)}" data-max-shortfall="${worst}">`);
    parts.push(`<rect x="${LEFT}" y="${top}" width="${PLOT}" height="${SERVICE_PANEL}" fill="none" stroke="#ccc"/>`);
    parts.push(`<text x="${LEFT}" y="${top - 5}" font-size="12" font-weight="bold" fill="#222">${esc(service)}</text>`);
    parts.push(
      `<text x="${LEFT + PLOT}" y="${top - 5}" font-size="11" text-anchor="end" fill="${worst > 0 ? '#c62828' : '#2e7d32'}">${worst > 0 ? `short of desired by up to ${worst} task${worst === 1 ? '' : 's'} (${shortfall.length} of ${points.length} minutes${blockedMinutes > 0 ? `, ${blockedMinutes} with placement failing` : ''})` : 'running = desired at every sample'}</text>`,
    );
    parts.push(`<text x="${LEFT - 6}" y="${top + 10}" font-size="10" text-anchor="end" fill="#555">${max} tasks</text>`);
    parts.push(`<text x="${LEFT - 6}" y="${bottom}" font-size="10" text-anchor="end" fill="#555">0</text>`);
    if (points.length > 0) {
      // Step shapes: each sample holds until the next one.
      const stepPath = (value: (p: (typeof points)[number]) => number) =>
        points.map((p, i) => (i === 0 ? `M${num(x(p.ms))} ${num(y(value(p)))}` : `H${num(x(p.ms))} V${num(y(value(p)))}`)).join(' ') + ` H${num(x(end))}`;
      const running = stepPath((p) => p.running);
      parts.push(`<path data-testid="running-area" d="${running} V${bottom} H${num(x(points[0]?.ms ?? start))} Z" fill="#4e79a7" fill-opacity="0.55"><title>${esc(`${service}: RUNNING tasks, up to ${Math.max(...points.map((p) => p.running))}`)}</title></path>`);
      // The shortfall: between running and desired, minute by minute where running < desired.
      points.forEach((p, i) => {
        if (p.running >= p.desired) return;
        const x1 = x(p.ms);
        const x2 = x(points[i + 1]?.ms ?? end);
        parts.push(
          `<rect data-testid="shortfall" x="${num(x1)}" y="${num(y(p.desired))}" width="${num(Math.max(x2 - x1, 1))}" height="${num(y(p.running) - y(p.desired))}" fill="${p.placementBlocked ? 'url(#hatch)' : '#f4b6b6'}" fill-opacity="0.9"><title>${esc(`${new Date(p.ms).toISOString().slice(11, 16)} ${service}: ${p.running} running of ${p.desired} desired${p.placementBlocked ? ' (placement failing)' : ''}`)}</title></rect>`,
        );
      });
      parts.push(`<path data-testid="desired-line" d="${stepPath((p) => p.desired)}" fill="none" stroke="#111" stroke-width="2"><title>${esc(`${service}: desired count, up to ${Math.max(...points.map((p) => p.desired))}`)}</title></path>`);
    }
    parts.push('</g>');
  });
  parts.push(
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f4b6b6"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c62828" stroke-width="2"/></pattern></defs>',
  );
  parts.push('</svg>');
  const legend = [
    '<span class="key"><span class="line"></span>desired</span>',
    '<span class="key"><span class="swatch" style="background:#4e79a7;opacity:.55"></span>running</span>',
    '<span class="key"><span class="swatch" style="background:#f4b6b6"></span>shortfall (tasks starting)</span>',
    '<span class="key"><span class="swatch hatch"></span>shortfall, placement failing</span>',
    '<span class="key"><span class="dot" style="background:#4e79a7"></span>drain started</span>',
    '<span class="key"><span class="dot" style="background:#59a14f"></span>drain completed</span>',
    '<span class="key"><span class="dot" style="background:#7b1f1f"></span>drain forced / hook timed out</span>',
    '<span class="key"><span class="dot" style="background:#e15759"></span>Slack notice</span>',
    '<span class="key"><span class="dot" style="background:#f28e2b"></span>task stopped by a placement policy</span>',
    '<span class="key"><span class="swatch" style="background:#59a14f"></span><span class="swatch" style="background:#e15759"></span>scheduled run succeeded / failed</span>',
    '<span class="key"><span class="dot" style="background:#b07aa1"></span>SNS notice</span>',
  ].join(' ');
  return `${parts.join('\n')}\n<p class="legend" data-testid="service-legend">${legend} <span class="muted">Click an item of the lane to see its timeline entry; ◆ in the timeline goes back to the lane.</span></p>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto; max-width: 1160px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.muted { color: #666; } .verdict { display: inline-block; padding: 2px 10px; border-radius: 10px; color: #fff; font-weight: 600; }
.pass { background: #2e7d32; } .fail { background: #c62828; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; vertical-align: top; padding: 3px 8px; border-bottom: 1px solid #eee; }
th { font-weight: 600; background: #fafafa; } td.time { font-family: ui-monospace, Menlo, monospace; white-space: nowrap; color: #555; }
.kind { font-family: ui-monospace, Menlo, monospace; font-size: 12px; color: #555; white-space: nowrap; }
.ok { color: #2e7d32; font-weight: bold; } .ko { color: #c62828; font-weight: bold; }
pre { white-space: pre-wrap; font: 12px/1.4 ui-monospace, Menlo, monospace; background: #f7f7f7; padding: 8px; margin: 4px 0; border-radius: 4px; }
.legend { font-size: 12px; color: #444; } .key { margin-right: 14px; white-space: nowrap; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; border-radius: 2px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; }
.line { display: inline-block; width: 16px; border-top: 2px solid #111; margin-right: 4px; vertical-align: 3px; } .tri { font-size: 10px; margin-right: 3px; }
tr:target { background: #fff3b0; outline: 2px solid #f5c518; } tr { scroll-margin-top: 40px; }
a:target circle, a:target rect { stroke: #111; stroke-width: 3; } a[href] circle, a[href] rect { cursor: pointer; }
a:hover circle, a:hover rect { stroke: #111; stroke-width: 2; } a.back { text-decoration: none; color: #4e79a7; margin-left: 6px; }
.hatch { background: repeating-linear-gradient(45deg, #f4b6b6 0 3px, #c62828 3px 5px); }
details summary { cursor: pointer; } .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; }
`;

export function renderHtmlReport(report: SimulationReport): string {
  const failures = report.expectations.filter((e) => !e.passed).length;
  const verdict = report.passed ? '<span class="verdict pass">PASSED</span>' : `<span class="verdict fail">FAILED: ${failures} of ${report.expectations.length}</span>`;
  const notifications = report.notifications
    .map(
      (n) =>
        `<tr data-testid="notification" data-channel="${esc(n.channel)}" data-via="${n.via}" data-delivered="${n.delivered}"><td class="time">${hms(n.at)}</td>` +
        `<td>${esc(n.channel)} <span class="muted">(${n.via}${n.delivered ? '' : `, not delivered: ${n.status ?? '?'}`})</span></td><td class="kind">${esc(n.kind ?? '')}</td>` +
        `<td><details><summary>${esc(n.title)}</summary><pre>${esc(n.text)}</pre></details></td></tr>`,
    )
    .join('\n');
  const expectations = report.expectations
    .map(
      (e) =>
        `<tr data-testid="expectation" data-passed="${e.passed}" data-invariant="${e.invariant}"><td class="${e.passed ? 'ok' : 'ko'}">${e.passed ? '✓' : '✗'}</td>` +
        `<td>${esc(e.description)}${e.invariant ? ' <span class="muted">(invariant)</span>' : ''}${e.line === undefined ? '' : ` <span class="muted">line ${e.line}</span>`}</td><td>${esc(e.detail)}</td></tr>`,
    )
    .join('\n');
  const folded = foldTimeline(report.timeline);
  const lane = laneItems(report, Math.max(Date.parse(report.virtual.end), Date.parse(report.virtual.start) + 1000));
  const links = linkLaneToTimeline(lane, report.timeline, folded);
  /** Timeline entry → the first lane item that links to it. */
  const backLinks = new Map<number, number>();
  links.forEach((entry, item) => {
    if (entry >= 0 && !backLinks.has(entry)) backLinks.set(entry, item);
  });
  const timeline = folded
    .map(({ item, repeats, last }, i) => {
      const back = backLinks.get(i);
      const link = back === undefined ? '' : ` <a class="back" data-testid="lane-link" href="#do-${back}" title="show in the chart">◆</a>`;
      return `<tr id="tl-${i}" data-testid="timeline-entry" data-kind="${esc(item.kind)}"><td class="time">${hms(item.at)}</td><td class="kind">${esc(item.kind)}</td><td>${esc(item.text)}${repeats > 0 ? ` <span class="muted">(×${repeats + 1}, last ${hms(last ?? item.at)})</span>` : ''}${link}</td></tr>`;
    })
    .join('\n');
  // Hovering a lane item highlights its timeline entry and the other way round (CSS :has, no script).
  const hover = links
    .slice(0, HOVER_LINKS)
    .map((entry, item) => (entry < 0 ? '' : `body:has(#do-${item}:hover) #tl-${entry}{background:#fff3b0}body:has(#tl-${entry}:hover) #do-${item} :is(circle,rect){stroke:#111;stroke-width:2}`))
    .join('');
  const counts = (record: Record<string, number>) =>
    Object.entries(record)
      .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${v}</td></tr>`)
      .join('') || '<tr><td class="muted">none</td><td></td></tr>';
  const functions = Object.fromEntries(Object.entries(report.invocations.byFunction).map(([name, s]) => [`${name} (${s.errors} failed, ${s.retries} retries)`, s.invocations]));

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ecs-ops simulation: ${esc(report.scenario.name)}</title>
<style>${STYLE}${hover}</style>
</head>
<body>
<header data-testid="summary">
<h1>ecs-ops simulation: ${esc(report.scenario.name)} ${verdict}</h1>
${report.scenario.description ? `<p>${esc(report.scenario.description)}</p>` : ''}
<p class="muted">Seed ${report.seed} · ${esc(report.region)} · ${esc(report.virtual.start)} → ${esc(hms(report.virtual.end))} UTC (${formatDuration(report.virtual.durationSeconds * 1000)} simulated in ${(report.wallTimeMs / 1000).toFixed(1)} s) ·
${report.events.emitted} events · ${report.invocations.total} invocations · ${report.apiCalls.total} AWS calls · ${report.tasksKilled.count} tasks killed · ${report.notifications.length} notifications</p>
</header>
<section data-testid="services-chart">
<h2>Services: desired vs running, and what ecs-ops did</h2>
${servicesChart(report, lane, links)}
</section>
<section data-testid="timeline-chart">
<h2>Fleet over time</h2>
${chart(report)}
</section>
<section data-testid="notifications">
<h2>Notifications (${report.notifications.length})</h2>
<table><thead><tr><th>time</th><th>channel</th><th>kind</th><th>message</th></tr></thead><tbody>
${notifications || '<tr><td colspan="4" class="muted">none</td></tr>'}
</tbody></table>
</section>
<section data-testid="iam-denials">
<h2>IAM denials (${report.iam.denials.length})</h2>
${
  report.iam.denials.length === 0
    ? '<p class="muted">No call was denied: every function, the Scheduler and Lambda acted within their roles.</p>'
    : `<table>${report.iam.denials
        .map(
          (d) =>
            `<tr data-testid="denial"><td>${esc(hms(d.at))}</td><td>${esc(d.principal)}</td><td>${esc(d.operation)}</td><td>${esc(d.action)}</td><td>${esc(d.resource)}${d.deviation ? ' <span class="muted">(deviation table)</span>' : ''}</td></tr>`,
        )
        .join('')}</table>`
}
</section>
<section data-testid="expectations">
<h2>Expectations</h2>
<table><tbody>
${expectations}
</tbody></table>
</section>
<section data-testid="timeline">
<h2>Timeline</h2>
<table><tbody>
${timeline}
</tbody></table>
</section>
<section data-testid="stats" class="grid">
<div><h2>Events by detail-type</h2><table>${counts(report.events.byDetailType)}</table></div>
<div><h2>AWS API calls</h2><table>${counts(report.apiCalls.byOperation)}</table></div>
<div><h2>Invocations</h2><table>${counts(functions)}</table></div>
</section>
</body>
</html>
`;
}
