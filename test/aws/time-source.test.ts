/**
 * lib/time and the retry strategy built on it: without a hook (production) everything is exactly as before — real
 * `Date.now`, `setTimeout` sleeps, the SDK's own retry strategies; with a time source installed (the simulator), SDK
 * backoff, adaptive rate limiting and Slack waits go through it.
 */
import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { clientOptions } from '../../lib/aws/clients.js';
import { MAXIMUM_RETRY_DELAY_MS, THROTTLING_BASE_DELAY_MS, TimedRetryStrategy } from '../../lib/aws/retry.js';
import { SlackSender, silentLogger } from '../../lib/notify/index.js';
import { installedTimeSource, now, random, realTime, sleep, TIME_SOURCE_KEY, timeSource, type TimeSource } from '../../lib/time.js';

type Hooked = Record<symbol, unknown>;

/** A fake virtual clock installed the way the simulator does. */
function installFake(): TimeSource & { t: number; sleeps: number[] } {
  const fake = {
    t: 1_000_000,
    sleeps: [] as number[],
    now: () => fake.t,
    sleep: (ms: number) => {
      fake.sleeps.push(ms);
      fake.t += ms;
      return Promise.resolve();
    },
    random: () => 0.5,
  };
  (globalThis as unknown as Hooked)[TIME_SOURCE_KEY] = fake;
  return fake;
}

afterEach(() => {
  Reflect.deleteProperty(globalThis, TIME_SOURCE_KEY);
});

const throttled = { errorType: 'THROTTLING' as const };

describe('lib/time without a hook (production)', () => {
  it('is real time: Date.now, a real setTimeout sleep, Math.random', async () => {
    expect(installedTimeSource()).toBeUndefined();
    expect(timeSource()).toBe(realTime);
    expect(Math.abs(now() - Date.now())).toBeLessThanOrEqual(1);
    const start = performance.now();
    await sleep(30);
    expect(performance.now() - start).toBeGreaterThanOrEqual(25);
    const r = random();
    expect(r >= 0 && r < 1).toBe(true);
  });

  it('clientOptions are the SDK settings alone: the SDK builds its own retry strategy, as before', () => {
    expect(clientOptions('event', { AWS_REGION: 'eu-west-1' })).toStrictEqual({ region: 'eu-west-1', maxAttempts: 4, retryMode: 'standard' });
    expect(clientOptions('reconcile', {})).toStrictEqual({ maxAttempts: 8, retryMode: 'adaptive' });
  });

  it('SlackSender paces with a real sleep', async () => {
    let posts = 0;
    const sender = new SlackSender({
      logger: silentLogger,
      minIntervalMs: 40,
      fetch: () => {
        posts++;
        return Promise.resolve({ status: 200, headers: { get: () => null }, text: () => Promise.resolve('ok') });
      },
    });
    const start = performance.now();
    await sender.send('ops', 'https://hooks.slack.com/services/T/B/secret-token', { text: 'a', blocks: [] });
    await sender.send('ops', 'https://hooks.slack.com/services/T/B/secret-token', { text: 'b', blocks: [] });
    expect(posts).toBe(2);
    expect(performance.now() - start).toBeGreaterThanOrEqual(35);
  });
});

describe('lib/time with the simulator’s hook', () => {
  it('now, sleep and random read the installed source at each call', async () => {
    const fake = installFake();
    expect(now()).toBe(1_000_000);
    await sleep(2500);
    expect(now()).toBe(1_002_500);
    expect(random()).toBe(0.5);
    expect(fake.sleeps).toEqual([2500]);
  });

  it('SlackSender waits Retry-After on the installed clock', async () => {
    const fake = installFake();
    const answers = [429, 200];
    const sender = new SlackSender({
      logger: silentLogger,
      fetch: () => Promise.resolve({ status: answers.shift() ?? 200, headers: { get: (h: string) => (h === 'retry-after' ? '30' : null) }, text: () => Promise.resolve('') }),
    });
    const result = await sender.send('ops', 'https://hooks.slack.com/services/T/B/secret-token', { text: 'x', blocks: [] }, 1_000_000 + 60_000);
    expect(result).toMatchObject({ delivered: true, attempts: 2 });
    expect(fake.sleeps).toEqual([30_000]);
  });

  it('clientOptions add a strategy per client whose backoff waits on the installed clock', () => {
    installFake();
    const options = clientOptions('reconcile', {});
    expect(options).toMatchObject({ maxAttempts: 8, retryMode: 'adaptive' });
    const a = { ...options }.retryStrategy;
    const b = { ...options }.retryStrategy;
    expect(a).toBeInstanceOf(TimedRetryStrategy);
    expect(a).not.toBe(b);
    expect((a as TimedRetryStrategy).mode).toBe('adaptive');
    expect((clientOptions('event', {}).retryStrategy as TimedRetryStrategy).mode).toBe('standard');
  });

  it('standard: full-jitter exponential backoff (1 s base when throttled), the attempt limit, no retry of client errors', async () => {
    const fake = installFake();
    const strategy = new TimedRetryStrategy({ maxAttempts: 4, mode: 'standard' });
    let token = await strategy.acquireInitialRetryToken();
    for (let i = 0; i < 3; i++) {
      token = await strategy.refreshRetryTokenForRetry(token, throttled);
      expect(token.getRetryCount()).toBe(i + 1);
      // The wait already happened on the clock: the SDK's middleware has nothing left to wait.
      expect(token.getRetryDelay()).toBe(0);
    }
    expect(fake.sleeps).toEqual([0.5 * THROTTLING_BASE_DELAY_MS, 0.5 * 2 * THROTTLING_BASE_DELAY_MS, 0.5 * 4 * THROTTLING_BASE_DELAY_MS]);
    await expect(strategy.refreshRetryTokenForRetry(token, throttled)).rejects.toThrow('No retry token available');
    await expect(strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), { errorType: 'CLIENT_ERROR' })).rejects.toThrow('No retry token available');
    const transient = await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), { errorType: 'TRANSIENT' });
    expect(transient.getRetryCount()).toBe(1);
    expect(fake.sleeps.at(-1)).toBe(25);
  });

  it('standard: the delay is capped at 20 s', async () => {
    const fake = installFake();
    fake.random = () => 0.999;
    const strategy = new TimedRetryStrategy({ maxAttempts: 20, mode: 'standard' });
    let token = await strategy.acquireInitialRetryToken();
    for (let i = 0; i < 8; i++) token = await strategy.refreshRetryTokenForRetry(token, throttled);
    expect(Math.max(...fake.sleeps)).toBeLessThanOrEqual(MAXIMUM_RETRY_DELAY_MS);
    expect(fake.sleeps.at(-1)).toBe(Math.floor(0.999 * MAXIMUM_RETRY_DELAY_MS));
  });

  it('adaptive: after throttling, sends are paced by the rate limiter on the installed clock', async () => {
    const fake = installFake();
    const strategy = new TimedRetryStrategy({ maxAttempts: 8, mode: 'adaptive' });
    // No throttling yet: no wait before a send.
    for (let i = 0; i < 5; i++) {
      const token = await strategy.acquireInitialRetryToken();
      fake.t += 20;
      strategy.recordSuccess(token);
    }
    expect(fake.sleeps).toEqual([]);
    const token = await strategy.acquireInitialRetryToken();
    await strategy.refreshRetryTokenForRetry(token, throttled);
    const afterThrottle = fake.sleeps.length;
    for (let i = 0; i < 5; i++) await strategy.acquireInitialRetryToken();
    // The token bucket now makes sends wait (virtually).
    expect(fake.sleeps.length).toBeGreaterThan(afterThrottle);
  });

  it('a real SDK client retries a throttled call with the strategy, waiting only on the installed clock', async () => {
    const fake = installFake();
    let calls = 0;
    const client = new ECSClient({
      ...clientOptions('event', {}),
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      requestHandler: {
        handle: () => {
          calls++;
          const throttle = calls < 3;
          const body = throttle ? '{"__type":"ThrottlingException","message":"Rate exceeded"}' : '{"clusterArns":[]}';
          return Promise.resolve({
            response: {
              statusCode: throttle ? 400 : 200,
              reason: '',
              headers: { 'content-type': 'application/x-amz-json-1.1', ...(throttle ? { 'x-amzn-errortype': 'ThrottlingException' } : {}) },
              body: new Blob([body]).stream(),
            },
          });
        },
      },
    });
    const start = performance.now();
    const out = await client.send(new ListClustersCommand({}));
    expect(out.clusterArns).toEqual([]);
    expect(out.$metadata.attempts).toBe(3);
    expect(fake.sleeps).toEqual([500, 1000]);
    expect(performance.now() - start).toBeLessThan(500);
  });
});
