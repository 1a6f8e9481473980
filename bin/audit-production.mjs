#!/usr/bin/env node
// `npm audit` of the production dependencies, failing on high or critical advisories. When the registry's advisory
// endpoint cannot be reached (some mirrors and offline registries answer 405 or nothing), it says so plainly and exits
// 0: that is a missing check, not a vulnerability, and CI must not fail on it. Any other error fails.
import { spawnSync } from 'node:child_process';
import process from 'node:process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  process.stderr.write(`audit: npm audit printed no JSON (exit ${run.status}):\n${run.stdout}${run.stderr}\n`);
  process.exit(1);
}
const unreachable = report.statusCode !== undefined || report.error?.code === 'ENOAUDIT' || /ENOTFOUND|ECONNREFUSED|EAI_AGAIN|audit endpoint/i.test(String(report.error?.summary ?? report.message ?? ''));
if (unreachable && report.metadata === undefined) {
  process.stdout.write(`audit: NOT CHECKED - the registry's advisory endpoint is unreachable (${report.message ?? report.error?.summary ?? 'no answer'})\n`);
  process.exit(0);
}
const counts = report.metadata?.vulnerabilities;
if (counts === undefined) {
  process.stderr.write(`audit: unexpected npm audit output:\n${run.stdout.slice(0, 2000)}\n`);
  process.exit(1);
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
process.stdout.write(`audit: production dependencies: ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low\n`);
for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
  if (v.severity === 'high' || v.severity === 'critical') process.stdout.write(`  ${v.severity}: ${name} ${v.range ?? ''}\n`);
}
process.exit(serious === 0 ? 0 : 1);
