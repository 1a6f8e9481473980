/**
 * One place that builds AWS SDK v3 clients for ecs-ops. Endpoints come from the SDK's own `AWS_ENDPOINT_URL` and
 * `AWS_ENDPOINT_URL_<SERVICE>` variables (that is how the local simulator is reached); retries use the SDK's retry
 * strategies: `standard` for event handlers (Lambda retries the invocation after that), `adaptive` for reconcilers
 * that make many calls in a burst and should slow down under throttling instead of failing.
 *
 * Under the local simulator (a lib/time source installed when the client is built) the same strategies come from
 * ./retry.ts, whose backoff and rate limiting wait on the simulator's virtual clock; production never takes that path.
 */
import type { RetryStrategyV2 } from '@smithy/types';
import { installedTimeSource } from '../time.js';
import { TimedRetryStrategy } from './retry.js';

export type RetryProfile = 'event' | 'reconcile';

export interface ClientOptions {
  region?: string;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  /** Only under the simulator: the SDK's strategy with its waits on the virtual clock. */
  retryStrategy?: RetryStrategyV2;
}

export function clientOptions(profile: RetryProfile = 'event', env: NodeJS.ProcessEnv = process.env): ClientOptions {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const maxAttempts = profile === 'reconcile' ? 8 : 4;
  const retryMode = profile === 'reconcile' ? 'adaptive' : 'standard';
  const options: ClientOptions = { ...(region !== undefined ? { region } : {}), maxAttempts, retryMode };
  if (installedTimeSource() !== undefined) {
    // A getter: every client built from these options gets its own strategy (retry quota, rate limiter), as with the
    // SDK's own strategies.
    Object.defineProperty(options, 'retryStrategy', { enumerable: true, get: () => new TimedRetryStrategy({ maxAttempts, mode: retryMode }) });
  }
  return options;
}
