/**
 * One place that builds AWS SDK v3 clients for ecs-ops. Endpoints come from the SDK's own `AWS_ENDPOINT_URL` and
 * `AWS_ENDPOINT_URL_<SERVICE>` variables (that is how the local simulator is reached); retries use the SDK's retry
 * strategies: `standard` for event handlers (Lambda retries the invocation after that), `adaptive` for reconcilers
 * that make many calls in a burst and should slow down under throttling instead of failing.
 */
export type RetryProfile = 'event' | 'reconcile';

export interface ClientOptions {
  region?: string;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
}

export function clientOptions(profile: RetryProfile = 'event', env: NodeJS.ProcessEnv = process.env): ClientOptions {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return {
    ...(region !== undefined ? { region } : {}),
    maxAttempts: profile === 'reconcile' ? 8 : 4,
    retryMode: profile === 'reconcile' ? 'adaptive' : 'standard',
  };
}
