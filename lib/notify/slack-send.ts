import { now as timeNow, sleep as timeSleep } from '../time.js';
import type { NotifyLogger } from './logger.js';
import { slackFallbackText, type SlackMessage } from './slack-render.js';

/**
 * Posts rendered messages to Slack incoming webhooks.
 *
 * - Pacing: at most one request per second per webhook (Slack's limit), in process. Keyed by webhook URL, which is kept
 *   in memory only. Lambda instances running concurrently are not coordinated; a 429 then makes one of them wait.
 * - 2xx: delivered. 429: wait `Retry-After` and retry while that fits before the deadline, else {@link SlackTransientError}.
 *   5xx and network errors: up to {@link SLACK_MAX_TRANSIENT_RETRIES} retries with a short backoff, then
 *   {@link SlackTransientError}. Other statuses (Slack's permanent errors such as `no_service`, `channel_not_found`):
 *   no retry, no throw, a `permanent` result and an error log naming the channel and the Slack error code; for
 *   `invalid_blocks` / `invalid_payload` the message is sent once more as `text` only first.
 * - The webhook URL never appears in logs, results or errors: network errors are replaced by errors naming the channel.
 */

/** Minimum spacing between two requests to the same webhook. */
export const SLACK_MIN_INTERVAL_MS = 1000;
/** Retries after 5xx answers or network errors. */
export const SLACK_MAX_TRANSIENT_RETRIES = 2;
/** Backoff before each of those retries (the pacing interval applies too). */
export const SLACK_TRANSIENT_BACKOFF_MS: readonly number[] = [1000, 2000];
/** Retries after 429 answers (each also bounded by the deadline). */
export const SLACK_MAX_RATE_LIMIT_RETRIES = 5;
/** Wait after a 429 without a usable `Retry-After`. */
export const SLACK_DEFAULT_RETRY_AFTER_SECONDS = 1;
/** Time limit of one request (also bounded by the deadline). */
export const SLACK_REQUEST_TIMEOUT_MS = 10_000;
/** Deadline used when `send` gets none. */
export const SLACK_DEFAULT_DEADLINE_MS = 30_000;
/** Slack errors after which the message is retried once as plain `text`. */
export const SLACK_FALLBACK_ERRORS: ReadonlySet<string> = new Set(['invalid_blocks', 'invalid_blocks_format', 'invalid_payload', 'msg_blocks_too_long']);

export interface FetchInit {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal;
  redirect?: 'manual' | 'error' | 'follow';
}

export interface FetchResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The part of `fetch` the sender uses (the global `fetch` fits). */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponseLike>;

export interface SlackSenderDeps {
  logger: NotifyLogger;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Milliseconds since the epoch; defaults to lib/time `now` (`Date.now` unless the simulator installed its clock). Deadlines are on this clock. */
  now?: () => number;
  /** Defaults to lib/time `sleep` (a `setTimeout` promise unless the simulator installed its clock). */
  sleep?: (ms: number) => Promise<void>;
  minIntervalMs?: number;
  requestTimeoutMs?: number;
}

export interface SlackDeliveryResult {
  delivered: boolean;
  /** Set when Slack refused the message for good (retrying cannot help). */
  permanent?: boolean;
  /** HTTP status of the last answer. */
  status?: number;
  /** Slack's error text (the plain-text body), when not delivered. */
  error?: string;
  /** True when the text-only fallback was sent. */
  fallback?: boolean;
  /** Requests made. */
  attempts: number;
}

/** A failure worth retrying later (the Lambda invocation should fail and be retried). Never carries the URL. */
export class SlackTransientError extends Error {
  override readonly name = 'SlackTransientError';
  readonly channel: string;
  readonly status: number | undefined;

  constructor(channel: string, message: string, status?: number) {
    super(message);
    this.channel = channel;
    this.status = status;
  }
}

const REDACTED = '[redacted]';

/** Replaces every occurrence of each secret (longest first) with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  const ordered = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  for (const secret of ordered) result = result.split(secret).join(REDACTED);
  return result;
}

/** The strings of a webhook URL that must not leak: the URL, its path and query, and each long path segment. */
export function webhookSecrets(webhookUrl: string): string[] {
  const secrets = [webhookUrl];
  try {
    const url = new URL(webhookUrl);
    secrets.push(url.href, url.pathname + url.search, url.pathname);
    if (url.search) secrets.push(url.search);
    for (const segment of url.pathname.split('/')) if (segment.length >= 8) secrets.push(segment);
  } catch {
    // Not a URL: the whole string is the secret.
  }
  return secrets.filter((s) => s.length > 1 && s !== '/');
}

/** Slack's error code in a plain-text body (`no_service`), or `http_<status>`. */
export function slackErrorCode(status: number, body: string): string {
  const trimmed = body.trim();
  return /^[a-z0-9_]{1,80}$/.test(trimmed) ? trimmed : `http_${status}`;
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; the default when absent or unusable. */
export function retryAfterMs(header: string | null, now: number): number {
  const fallback = SLACK_DEFAULT_RETRY_AFTER_SECONDS * 1000;
  if (header === null || header.trim() === '') return fallback;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : fallback;
}

/** A short, URL-free description of a fetch failure: timeout, or the system error code (`ECONNREFUSED`). */
function describeNetworkError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'request timed out';
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = cause && typeof cause === 'object' && typeof cause.code === 'string' ? cause.code : undefined;
  if (code && /^[A-Z0-9_]{2,40}$/.test(code)) return `network error ${code}`;
  const name = error instanceof Error && /^[A-Za-z]{1,40}$/.test(error.name) ? error.name : 'Error';
  return `network error (${name})`;
}

type Attempt = { kind: 'response'; status: number; body: string; retryAfter: string | null } | { kind: 'network'; description: string };

export class SlackSender {
  private readonly logger: NotifyLogger;
  private readonly fetch: FetchLike;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly minIntervalMs: number;
  private readonly requestTimeoutMs: number;
  /** Earliest time of the next request, per webhook URL. */
  private readonly nextSlot = new Map<string, number>();

  constructor(deps: SlackSenderDeps) {
    this.logger = deps.logger;
    this.fetch = deps.fetch ?? ((url, init) => fetch(url, init));
    this.now = deps.now ?? timeNow;
    this.sleep = deps.sleep ?? timeSleep;
    this.minIntervalMs = deps.minIntervalMs ?? SLACK_MIN_INTERVAL_MS;
    this.requestTimeoutMs = deps.requestTimeoutMs ?? SLACK_REQUEST_TIMEOUT_MS;
  }

  /**
   * Posts `message` to the webhook. `channelName` (the config name) is what logs and errors show.
   * `deadlineMs` is an absolute time on the sender's clock (e.g. now + Lambda remaining time − a safety margin);
   * waits that would end after it are not started. Resolves with a permanent failure result, throws
   * {@link SlackTransientError} for failures worth retrying.
   */
  async send(channelName: string, webhookUrl: string, message: SlackMessage, deadlineMs?: number): Promise<SlackDeliveryResult> {
    const deadline = deadlineMs ?? this.now() + SLACK_DEFAULT_DEADLINE_MS;
    const secrets = webhookSecrets(webhookUrl);
    let payload: { text: string; blocks?: SlackMessage['blocks'] } = message;
    let fallback = false;
    let attempts = 0;
    let transientRetries = 0;
    let rateLimitRetries = 0;

    for (;;) {
      await this.pace(webhookUrl, channelName, deadline);
      attempts += 1;
      const attempt = await this.post(webhookUrl, payload, deadline);

      if (attempt.kind === 'response' && attempt.status >= 200 && attempt.status < 300) {
        this.logger.info('Slack message delivered', { channel: channelName, status: attempt.status, attempts, fallback });
        return { delivered: true, status: attempt.status, attempts, ...(fallback ? { fallback } : {}) };
      }

      if (attempt.kind === 'response' && attempt.status === 429) {
        const waitMs = retryAfterMs(attempt.retryAfter, this.now());
        const resumeAt = this.now() + waitMs;
        if (rateLimitRetries >= SLACK_MAX_RATE_LIMIT_RETRIES || resumeAt > deadline) {
          throw new SlackTransientError(
            channelName,
            `Slack rate-limited channel "${channelName}" (Retry-After ${Math.ceil(waitMs / 1000)} s) and the wait does not fit before the deadline (${attempts} attempts)`,
            429,
          );
        }
        rateLimitRetries += 1;
        this.logger.warn('Slack rate-limited the webhook; waiting', { channel: channelName, waitMs, attempt: attempts });
        this.defer(webhookUrl, resumeAt);
        continue;
      }

      if (attempt.kind === 'network' || attempt.status >= 500) {
        const what = attempt.kind === 'network' ? redact(attempt.description, secrets) : `HTTP ${attempt.status}`;
        const backoff = SLACK_TRANSIENT_BACKOFF_MS[transientRetries] ?? SLACK_TRANSIENT_BACKOFF_MS.at(-1) ?? 1000;
        if (transientRetries < SLACK_MAX_TRANSIENT_RETRIES && this.now() + backoff <= deadline) {
          transientRetries += 1;
          this.logger.warn('Slack webhook failed; retrying', { channel: channelName, error: what, attempt: attempts, backoffMs: backoff });
          this.defer(webhookUrl, this.now() + backoff);
          continue;
        }
        throw new SlackTransientError(
          channelName,
          `Slack delivery to channel "${channelName}" failed: ${what} (${attempts} attempts)`,
          attempt.kind === 'response' ? attempt.status : undefined,
        );
      }

      const code = slackErrorCode(attempt.status, attempt.body);
      const error = redact(attempt.body.trim().slice(0, 300), secrets) || code;
      if (!fallback && SLACK_FALLBACK_ERRORS.has(code)) {
        this.logger.warn('Slack refused the blocks; sending the message as text only', { channel: channelName, status: attempt.status, slackError: code });
        payload = { text: slackFallbackText(message) };
        fallback = true;
        continue;
      }
      this.logger.error(`Slack refused the message for channel "${channelName}": ${code}`, {
        channel: channelName,
        status: attempt.status,
        slackError: code,
        fallback,
      });
      return { delivered: false, permanent: true, status: attempt.status, error, attempts, ...(fallback ? { fallback } : {}) };
    }
  }

  /** Waits for this webhook's next slot (reserving it before waiting, so concurrent sends queue up). */
  private async pace(key: string, channelName: string, deadline: number): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot.get(key) ?? 0);
    if (slot >= deadline) {
      throw new SlackTransientError(channelName, `no time left before the deadline to post to Slack channel "${channelName}"`);
    }
    this.nextSlot.set(key, slot + this.minIntervalMs);
    if (slot > now) await this.sleep(slot - now);
  }

  /** Pushes this webhook's next slot to at least `time`. */
  private defer(key: string, time: number): void {
    this.nextSlot.set(key, Math.max(this.nextSlot.get(key) ?? 0, time));
  }

  private async post(webhookUrl: string, payload: object, deadline: number): Promise<Attempt> {
    const timeout = Math.max(1, Math.min(this.requestTimeoutMs, deadline - this.now()));
    try {
      const response = await this.fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeout),
        redirect: 'manual',
      });
      let body = '';
      try {
        body = await response.text();
      } catch {
        body = '';
      }
      return { kind: 'response', status: response.status, body, retryAfter: response.headers.get('retry-after') };
    } catch (error) {
      return { kind: 'network', description: describeNetworkError(error) };
    }
  }
}
