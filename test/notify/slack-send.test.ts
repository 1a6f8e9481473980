import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NotifyLogger } from '../../lib/notify/logger.js';
import { renderSlack, type SlackMessage } from '../../lib/notify/slack-render.js';
import { SlackSender, SlackTransientError, redact, retryAfterMs, webhookSecrets } from '../../lib/notify/slack-send.js';
import { startSlackStandIn, type SlackStandIn } from '../support/slack-stand-in.js';
import { fakeClock, recordingLogger, sampleNotification } from './support.js';

let slack: SlackStandIn;
let log: ReturnType<typeof recordingLogger>;
let clock: ReturnType<typeof fakeClock>;
let sender: SlackSender;

beforeEach(async () => {
  slack = await startSlackStandIn();
  log = recordingLogger();
  clock = fakeClock();
  sender = new SlackSender({ logger: log.logger, now: clock.now, sleep: clock.sleep });
});

afterEach(async () => {
  await slack.close();
});

const message = (): SlackMessage => renderSlack(sampleNotification());
const deadline = (ms = 10_000): number => clock.now() + ms;

/** Asserts no trace of the webhook URL (whole, path, or secret token) in logs or the given strings. */
function expectNoUrl(...texts: string[]): void {
  const url = slack.url();
  for (const text of [log.text(), ...texts]) {
    expect(text).not.toContain(url);
    expect(text).not.toContain('/services/T0STANDIN');
    expect(text).not.toContain('s3cr3tWebhookT0ken0000');
    expect(text).not.toContain(`127.0.0.1:${slack.port}`);
  }
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return JSON.stringify({ message: error.message, stack: error.stack, cause: String(error.cause), own: Object.fromEntries(Object.entries(error)) });
}

describe('SlackSender', () => {
  it('posts text and blocks as JSON with the real fetch', async () => {
    const result = await sender.send('ops', slack.url(), message(), deadline());
    expect(result).toEqual({ delivered: true, status: 200, attempts: 1 });
    expect(slack.received).toHaveLength(1);
    const [request] = slack.received;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/services/T0STANDIN/B0STANDIN/s3cr3tWebhookT0ken0000');
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request?.body).toEqual(message());
    expect(request?.body).toMatchObject({
      text: expect.stringContaining('CRITICAL: Tasks cannot be placed') as unknown,
      blocks: expect.arrayContaining([{ type: 'header', text: { type: 'plain_text', text: '🚨 Tasks cannot be placed: web on prod', emoji: true } }]) as unknown,
    });
    expectNoUrl();
  });

  it('escapes <!channel> in a reason on the wire', async () => {
    const n = sampleNotification({ fields: [{ label: 'Reason', value: 'bad <!channel> & <!here>' }], summary: 'reason: <!channel>' });
    await sender.send('ops', slack.url(), renderSlack(n), deadline());
    const raw = slack.received[0]?.raw ?? '';
    expect(raw).not.toContain('<!channel>');
    expect(raw).not.toContain('<!here>');
    expect(raw).toContain('bad &lt;!channel&gt; &amp; &lt;!here&gt;');
  });

  it('delivers huge notifications truncated within limits', async () => {
    const n = sampleNotification({
      fields: [{ label: 'Reason', value: 'r'.repeat(10_000) }],
      details: Array.from({ length: 500 }, (_, i) => `${i} ${'d'.repeat(200)}`),
    });
    const result = await sender.send('ops', slack.url(), renderSlack(n), deadline());
    expect(result.delivered).toBe(true);
    const body = slack.received[0]?.body as SlackMessage;
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    expect(slack.received[0]?.raw).toContain('… (truncated)');
    expect(slack.received[0]?.raw).toMatch(/more lines truncated/);
  });

  it('waits Retry-After on 429 and retries', async () => {
    slack.respondWith({ status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } });
    const result = await sender.send('ops', slack.url(), message(), deadline());
    expect(result).toEqual({ delivered: true, status: 200, attempts: 2 });
    expect(slack.received).toHaveLength(2);
    expect(clock.sleeps).toEqual([1000]);
    expect(slack.received[1]?.raw).toBe(slack.received[0]?.raw);
    expectNoUrl();
  });

  it('defaults to 1 s when a 429 has no Retry-After', async () => {
    slack.respondWith({ status: 429, body: 'rate_limited' });
    await sender.send('ops', slack.url(), message(), deadline());
    expect(clock.sleeps).toEqual([1000]);
  });

  it('throws SlackTransientError when the Retry-After wait passes the deadline', async () => {
    slack.respondWith({ status: 429, body: 'rate_limited', headers: { 'retry-after': '30' } });
    const error = await sender.send('ops', slack.url(), message(), deadline(5000)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackTransientError);
    expect((error as SlackTransientError).channel).toBe('ops');
    expect((error as SlackTransientError).status).toBe(429);
    expect((error as Error).message).toMatch(/rate-limited channel "ops" \(Retry-After 30 s\)/);
    expect(slack.received).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    expectNoUrl(errorText(error));
  });

  it('does not retry a permanent error (404 no_service), logs channel and code', async () => {
    slack.respondWith({ status: 404, body: 'no_service' });
    const result = await sender.send('ops-alerts', slack.url(), message(), deadline());
    expect(result).toEqual({ delivered: false, permanent: true, status: 404, error: 'no_service', attempts: 1 });
    expect(slack.received).toHaveLength(1);
    const errors = log.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('ops-alerts');
    expect(errors[0]?.message).toContain('no_service');
    expect(errors[0]?.attributes).toMatchObject({ channel: 'ops-alerts', slackError: 'no_service', status: 404 });
    expectNoUrl();
  });

  it.each(['channel_not_found', 'channel_is_archived', 'action_prohibited', 'invalid_token', 'no_text', 'too_many_attachments'])(
    'treats %s as permanent',
    async (code) => {
      slack.respondWith({ status: code === 'invalid_token' ? 403 : 400, body: code });
      const result = await sender.send('ops', slack.url(), message(), deadline());
      expect(result).toMatchObject({ delivered: false, permanent: true, error: code, attempts: 1 });
    },
  );

  it('falls back once to text only on invalid_blocks', async () => {
    slack.respondWith({ status: 400, body: 'invalid_blocks' });
    const result = await sender.send('ops', slack.url(), message(), deadline());
    expect(result).toEqual({ delivered: true, status: 200, attempts: 2, fallback: true });
    expect(slack.received).toHaveLength(2);
    const fallback = slack.received[1]?.body as Record<string, unknown>;
    expect(Object.keys(fallback)).toEqual(['text']);
    expect(fallback.text).toContain('*🚨 Tasks cannot be placed: web on prod*');
    expect(fallback.text).toContain('*Reason*\nRESOURCE:MEMORY');
  });

  it('gives up after the single fallback when it is refused too', async () => {
    slack.respondWith({ status: 400, body: 'invalid_payload' }, { status: 400, body: 'invalid_payload' });
    const result = await sender.send('ops', slack.url(), message(), deadline());
    expect(result).toEqual({ delivered: false, permanent: true, status: 400, error: 'invalid_payload', attempts: 2, fallback: true });
    expect(slack.received).toHaveLength(2);
  });

  it('retries a 500 and delivers', async () => {
    slack.respondWith({ status: 500, body: 'internal error' });
    const result = await sender.send('ops', slack.url(), message(), deadline());
    expect(result).toEqual({ delivered: true, status: 200, attempts: 2 });
    expect(slack.received).toHaveLength(2);
    expect(clock.sleeps).toEqual([1000]);
  });

  it('throws SlackTransientError after two retries of 5xx', async () => {
    slack.respondWith({ status: 503 }, { status: 502 }, { status: 500 }, { status: 200 });
    const error = await sender.send('ops', slack.url(), message(), deadline()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackTransientError);
    expect((error as Error).message).toBe('Slack delivery to channel "ops" failed: HTTP 500 (3 attempts)');
    expect(slack.received).toHaveLength(3);
    expect(clock.sleeps).toEqual([1000, 2000]);
  });

  it('spaces messages to the same webhook at least 1 s apart', async () => {
    const starts: number[] = [];
    const paced = new SlackSender({
      logger: log.logger,
      now: clock.now,
      sleep: clock.sleep,
      fetch: (url, init) => {
        starts.push(clock.now());
        return fetch(url, init);
      },
    });
    await paced.send('ops', slack.url(), message(), deadline());
    await paced.send('ops', slack.url(), message(), deadline());
    await paced.send('ops', slack.url(), message(), deadline());
    expect(slack.received).toHaveLength(3);
    expect(clock.sleeps).toEqual([1000, 1000]);
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(1000);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(1000);
    // Another webhook is not held back.
    await paced.send('other', slack.url('/services/T1/B1/other'), message(), deadline());
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  it('queues concurrent sends to one webhook', async () => {
    const start = clock.now();
    const results = await Promise.all([1, 2, 3].map(() => sender.send('ops', slack.url(), message(), deadline())));
    expect(results.every((r) => r.delivered)).toBe(true);
    expect(slack.received).toHaveLength(3);
    // Slots are reserved before waiting: the 2nd waits for t+1 s, the 3rd for t+2 s (the fake sleep moves time at once).
    expect(clock.sleeps).toEqual([1000, 1000]);
    expect(clock.now() - start).toBe(2000);
  });

  it('throws when the pacing wait does not fit before the deadline', async () => {
    await sender.send('ops', slack.url(), message(), deadline());
    const error = await sender.send('ops', slack.url(), message(), deadline(500)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackTransientError);
    expect(slack.received).toHaveLength(1);
  });

  it('never leaks the URL on connection errors (closed port)', async () => {
    const closed = await startSlackStandIn();
    const url = closed.url();
    await closed.close();
    const error = await sender.send('ops', url, message(), deadline()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackTransientError);
    expect((error as Error).message).toBe('Slack delivery to channel "ops" failed: network error ECONNREFUSED (3 attempts)');
    expect((error as Error).cause).toBeUndefined();
    expect(clock.sleeps).toEqual([1000, 2000]);
    const text = log.text() + errorText(error);
    expect(text).not.toContain(url);
    expect(text).not.toContain(`127.0.0.1:${closed.port}`);
    expect(text).not.toContain('s3cr3tWebhookT0ken0000');
  });

  it('turns a fetch that throws with the URL in its message into a URL-free error', async () => {
    const leaky = new SlackSender({
      logger: log.logger,
      now: clock.now,
      sleep: clock.sleep,
      fetch: (url) => Promise.reject(new TypeError(`fetch failed for ${url}`, { cause: Object.assign(new Error(`connect ETIMEDOUT ${url}`), { code: 'ETIMEDOUT' }) })),
    });
    const error = await leaky.send('ops', slack.url(), message(), deadline()).catch((e: unknown) => e);
    expect((error as Error).message).toBe('Slack delivery to channel "ops" failed: network error ETIMEDOUT (3 attempts)');
    expectNoUrl(errorText(error));
  });

  it('times out a hanging request as a transient failure', async () => {
    const hanging = new SlackSender({
      logger: log.logger,
      now: clock.now,
      sleep: clock.sleep,
      requestTimeoutMs: 20,
      fetch: (_url, init) =>
        new Promise((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => {
            reject(init.signal?.reason as Error);
          });
        }),
    });
    const error = await hanging.send('ops', slack.url(), message(), deadline()).catch((e: unknown) => e);
    expect((error as Error).message).toBe('Slack delivery to channel "ops" failed: request timed out (3 attempts)');
  });

  it('keeps the URL out of a Powertools Logger output', async () => {
    const output: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
    const writeErr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
    try {
      const logger: NotifyLogger = new Logger({ serviceName: 'test', logLevel: 'DEBUG' });
      const withPowertools = new SlackSender({ logger, now: clock.now, sleep: clock.sleep });
      slack.respondWith({ status: 500 }, { status: 429, headers: { 'retry-after': '1' } }, { status: 404, body: 'no_service' });
      const result = await withPowertools.send('ops', slack.url(), message(), deadline());
      expect(result.permanent).toBe(true);
    } finally {
      write.mockRestore();
      writeErr.mockRestore();
    }
    const text = output.join('');
    expect(text).toContain('no_service');
    expectNoUrl(text);
  });
});

describe('redact', () => {
  it('removes every secret, longest first', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX';
    expect(redact(`posting to ${url} failed; path /services/T000/B000/XXXXXXXXXXXXXXXX; token XXXXXXXXXXXXXXXX`, webhookSecrets(url))).toBe(
      'posting to [redacted] failed; path [redacted]; token [redacted]',
    );
    expect(redact('nothing here', [])).toBe('nothing here');
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, defaults to 1 s', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs(null, 0)).toBe(1000);
    expect(retryAfterMs('soon', 0)).toBe(1000);
    const now = Date.parse('2024-05-01T00:00:00Z');
    expect(retryAfterMs('Wed, 01 May 2024 00:00:05 GMT', now)).toBe(5000);
  });
});
