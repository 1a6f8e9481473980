/**
 * The report as one self-contained HTML page (no script, no external asset): a summary, an SVG timeline of the fleet
 * per Availability Zone (running tasks stacked by service, instances in service as a line) with markers for the
 * timeline actions, the notifications and the tasks killed, and lifecycle actions (drains) as spans; then the
 * notifications, the expectations, the text timeline and the counts. Main parts carry `data-testid` attributes.
 */
import type { SimulationReport } from './report.js';
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

  // Time axis (ticks every 5, 10, 15, 30 or 60 minutes).
  const spanMin = (end - start) / 60_000;
  const step = [1, 5, 10, 15, 30, 60, 120, 360, 720, 1440].find((m) => spanMin / m <= 12) ?? 1440;
  parts.push('<g data-testid="time-axis" font-size="11" fill="#555">');
  for (let m = 0; m <= spanMin + 1e-9; m += step) {
    const ms = start + m * 60_000;
    const xx = num(x(ms));
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${markerTop - 8}" y2="${height - 24}" stroke="#eee"/>`);
    parts.push(`<text x="${xx}" y="${height - 8}" text-anchor="middle">${esc(new Date(ms).toISOString().slice(11, 16))}</text>`);
  }
  parts.push('</g>');

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
  const timeline = foldTimeline(report.timeline)
    .map(
      ({ item, repeats, last }) =>
        `<tr data-testid="timeline-entry" data-kind="${esc(item.kind)}"><td class="time">${hms(item.at)}</td><td class="kind">${esc(item.kind)}</td><td>${esc(item.text)}${repeats > 0 ? ` <span class="muted">(×${repeats + 1}, last ${hms(last ?? item.at)})</span>` : ''}</td></tr>`,
    )
    .join('\n');
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
<style>${STYLE}</style>
</head>
<body>
<header data-testid="summary">
<h1>ecs-ops simulation: ${esc(report.scenario.name)} ${verdict}</h1>
${report.scenario.description ? `<p>${esc(report.scenario.description)}</p>` : ''}
<p class="muted">Seed ${report.seed} · ${esc(report.region)} · ${esc(report.virtual.start)} → ${esc(hms(report.virtual.end))} UTC (${formatDuration(report.virtual.durationSeconds * 1000)} simulated in ${(report.wallTimeMs / 1000).toFixed(1)} s) ·
${report.events.emitted} events · ${report.invocations.total} invocations · ${report.apiCalls.total} AWS calls · ${report.tasksKilled.count} tasks killed · ${report.notifications.length} notifications</p>
</header>
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
