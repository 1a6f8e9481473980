/**
 * Times and durations as scenarios write them, and as reports print them.
 *
 * Durations: a number of seconds (`90`), or units in decreasing order without spaces: `500ms`, `90s`, `5m`, `1h30m`,
 * `2d`. Points in time (`at`, `until`): a duration from the scenario's start, or an ISO 8601 time with a zone
 * (`2026-01-01T08:05:00Z`).
 */

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** `1h30m` → 5 400 000; undefined when the text is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const match = DURATION.exec(trimmed);
  if (!match) return undefined;
  const [, d, h, m, s, ms] = match;
  return (Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0)) * 1000 + Number(ms ?? 0);
}

/** An ISO 8601 time with a zone → epoch ms; undefined when the text is not one. */
export function parseIsoMs(text: string): number | undefined {
  if (!ISO.test(text.trim())) return undefined;
  const ms = Date.parse(text.trim());
  return Number.isNaN(ms) ? undefined : ms;
}

/** 5 400 000 → `1h30m`, 90 000 → `1m30s`, 500 → `500ms`, 0 → `0s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  const parts: string[] = [];
  for (const [size, unit] of [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
    [1, 'ms'],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return sign + parts.join('');
}

/** `08:05:00` (UTC); runs longer than a day get `+1d ` in front from the second day on. */
export function clockTime(ms: number, startMs: number): string {
  const time = new Date(ms).toISOString().slice(11, 19);
  const day = Math.floor((ms - Date.UTC(new Date(startMs).getUTCFullYear(), new Date(startMs).getUTCMonth(), new Date(startMs).getUTCDate())) / 86_400_000);
  return day > 0 ? `+${day}d ${time}` : time;
}

/** `2026-01-01T08:05:00Z` (whole seconds), `2026-01-01T08:05:00.250Z` otherwise. */
export function isoTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}
