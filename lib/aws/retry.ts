/**
 * The AWS SDK's `standard` and `adaptive` retry behaviour (smithy's StandardRetryStrategy, AdaptiveRetryStrategy and
 * DefaultRateLimiter, 2026 retry constants) with every wait and every clock reading going through lib/time, for the
 * local simulator: there a backoff moves the handler's virtual clock instead of taking real time, and the jitter comes
 * from the scenario's seed. Production clients never get this strategy (see `clientOptions` in clients.ts): they keep
 * the SDK's own, which sleeps in real time.
 */
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { now, random, sleep } from '../time.js';

/** The SDK's retry quota and costs (smithy util-retry constants and the 2026 retry configuration). */
const INITIAL_RETRY_TOKENS = 500;
const RETRY_COST = 14;
const THROTTLING_RETRY_COST = 5;
const NO_RETRY_INCREMENT = 1;
/** Backoff bases: 50 ms (DynamoDB 25 ms), 1 s after throttling; full jitter up to 20 s. */
export const BASE_DELAY_MS = 50;
export const THROTTLING_BASE_DELAY_MS = 1000;
export const MAXIMUM_RETRY_DELAY_MS = 20_000;

class Token implements StandardRetryToken {
  constructor(
    private readonly count: number,
    private readonly cost: number | undefined,
  ) {}

  getRetryCount(): number {
    return this.count;
  }

  /** The wait happened inside the strategy, on the time source: the retry middleware has nothing left to wait. */
  getRetryDelay(): number {
    return 0;
  }

  getRetryCost(): number | undefined {
    return this.cost;
  }
}

/** The SDK's adaptive client-side rate limiter (cubic), timed by lib/time. */
export class TimedRateLimiter {
  private readonly beta = 0.7;
  private readonly minCapacity = 1;
  private readonly minFillRate = 0.5;
  private readonly scaleConstant = 0.4;
  private readonly smooth = 0.8;
  private enabled = false;
  private availableTokens = 0;
  private lastMaxRate = 0;
  private measuredTxRate = 0;
  private requestCount = 0;
  private fillRate = this.minFillRate;
  private lastThrottleTime = seconds();
  private lastTimestamp = 0;
  private lastTxRateBucket = Math.floor(seconds());
  private maxCapacity = this.minCapacity;
  private timeWindow = 0;

  async getSendToken(): Promise<void> {
    if (!this.enabled) return;
    this.refill();
    while (this.availableTokens < 1) {
      await sleep(((1 - this.availableTokens) / this.fillRate) * 1000);
      this.refill();
    }
    this.availableTokens -= 1;
  }

  updateClientSendingRate(errorInfo: { errorType?: string }): void {
    this.updateMeasuredRate();
    let calculated: number;
    if (errorInfo.errorType === 'THROTTLING') {
      const rate = this.enabled ? Math.min(this.measuredTxRate, this.fillRate) : this.measuredTxRate;
      this.lastMaxRate = rate;
      this.calculateTimeWindow();
      this.lastThrottleTime = seconds();
      calculated = precise(rate * this.beta);
      this.enabled = true;
    } else {
      this.calculateTimeWindow();
      calculated = precise(this.scaleConstant * (seconds() - this.lastThrottleTime - this.timeWindow) ** 3 + this.lastMaxRate);
    }
    const rate = Math.min(calculated, 2 * this.measuredTxRate);
    this.refill();
    this.fillRate = Math.max(rate, this.minFillRate);
    this.maxCapacity = Math.max(rate, this.minCapacity);
    this.availableTokens = Math.min(this.availableTokens, this.maxCapacity);
  }

  private refill(): void {
    const timestamp = seconds();
    if (!this.lastTimestamp) {
      this.lastTimestamp = timestamp;
      return;
    }
    this.availableTokens = Math.min(this.maxCapacity, this.availableTokens + (timestamp - this.lastTimestamp) * this.fillRate);
    this.lastTimestamp = timestamp;
  }

  private calculateTimeWindow(): void {
    this.timeWindow = precise(((this.lastMaxRate * (1 - this.beta)) / this.scaleConstant) ** (1 / 3));
  }

  private updateMeasuredRate(): void {
    const bucket = Math.floor(seconds() * 2) / 2;
    this.requestCount++;
    if (bucket > this.lastTxRateBucket) {
      this.measuredTxRate = precise((this.requestCount / (bucket - this.lastTxRateBucket)) * this.smooth + this.measuredTxRate * (1 - this.smooth));
      this.requestCount = 0;
      this.lastTxRateBucket = bucket;
    }
  }
}

function seconds(): number {
  return now() / 1000;
}

function precise(n: number): number {
  return parseFloat(n.toFixed(8));
}

export interface TimedRetryOptions {
  maxAttempts: number;
  /** `adaptive` adds the client-side rate limiter. */
  mode: 'standard' | 'adaptive';
  baseDelayMs?: number;
}

/** Standard (or adaptive) retries whose backoff waits on lib/time's clock. */
export class TimedRetryStrategy implements RetryStrategyV2 {
  readonly mode: 'standard' | 'adaptive';
  private capacity = INITIAL_RETRY_TOKENS;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly rateLimiter: TimedRateLimiter | undefined;

  constructor(options: TimedRetryOptions) {
    this.mode = options.mode;
    this.maxAttempts = options.maxAttempts;
    this.baseDelayMs = options.baseDelayMs ?? BASE_DELAY_MS;
    this.rateLimiter = options.mode === 'adaptive' ? new TimedRateLimiter() : undefined;
  }

  async acquireInitialRetryToken(): Promise<StandardRetryToken> {
    await this.rateLimiter?.getSendToken();
    return new Token(0, undefined);
  }

  async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    this.rateLimiter?.updateClientSendingRate(errorInfo);
    const throttled = errorInfo.errorType === 'THROTTLING';
    const retryable = throttled || errorInfo.errorType === 'TRANSIENT';
    const cost = throttled ? THROTTLING_RETRY_COST : RETRY_COST;
    const count = token.getRetryCount();
    if (!retryable || count + 1 >= this.maxAttempts || this.capacity < cost) throw new Error('No retry token available');
    const base = throttled ? THROTTLING_BASE_DELAY_MS : this.baseDelayMs;
    let delay = Math.floor(random() * Math.min(base * 2 ** count, MAXIMUM_RETRY_DELAY_MS));
    if (errorInfo.retryAfterHint !== undefined) delay = Math.max(delay, Math.min(errorInfo.retryAfterHint.getTime() - now(), delay + 5000));
    this.capacity -= cost;
    await sleep(delay);
    await this.rateLimiter?.getSendToken();
    return new Token(count + 1, cost);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.rateLimiter?.updateClientSendingRate({});
    this.capacity = Math.min(INITIAL_RETRY_TOKENS, this.capacity + (token.getRetryCost() ?? NO_RETRY_INCREMENT));
  }
}
