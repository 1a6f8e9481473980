import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { afterAll, beforeAll } from 'vitest';
import { startAwsServer, type AwsServer, type AwsServerOptions } from '../../../sim/server/index.js';
import { createFakeApis, type Received } from './fake-apis.js';

/** Client settings for the simulator: its endpoint, fixed credentials, and two attempts 1 ms apart (fast tests). */
export function clientConfig(server: AwsServer, maxAttempts = 2) {
  return {
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts,
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, 1),
  };
}

export interface Harness {
  server: AwsServer;
  received: Received[];
  /** The input the fake received for the last call of that operation. */
  lastInput(service: Received['service'], operation: string): unknown;
}

/** A server over a fresh fake, started before the file's tests and closed after them. */
export function useServer(options: Omit<AwsServerOptions, 'apis'> = {}): Harness {
  const fake = createFakeApis();
  const harness = {
    server: undefined as unknown as AwsServer,
    received: fake.received,
    lastInput: (service: Received['service'], operation: string) =>
      fake.received.findLast((r) => r.service === service && r.operation === operation)?.input,
  };
  beforeAll(async () => {
    harness.server = await startAwsServer({ apis: fake.apis, ...options });
  });
  afterAll(async () => {
    await harness.server.close();
  });
  return harness;
}
