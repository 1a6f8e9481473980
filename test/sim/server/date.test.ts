/**
 * The server's Date header is the simulated clock. The SDK compares it with the handler's (virtual) clock: stamped with
 * the real date instead, every error looked clock-skewed, which the SDK classifies as transient — ConditionalCheckFailed
 * and other permanent errors were retried until the client's retry quota was gone (chaos seed 41, schedule runner).
 */
import { describe, expect, it } from 'vitest';
import { startAwsServer } from '../../../sim/server/index.js';
import { CLUSTER, createFakeApis } from './fake-apis.js';

describe('the Date response header (dateFromNow, as the scenario runner starts the server)', () => {
  it('is the simulated time, for answers and errors alike', async () => {
    const simulated = new Date('2026-01-01T08:05:00Z');
    const server = await startAwsServer({ apis: createFakeApis().apis, now: () => simulated, dateFromNow: true });
    try {
      const call = (body: string) =>
        fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListServices' },
          body,
        });
      const ok = await call(JSON.stringify({ cluster: CLUSTER }));
      expect(ok.status).toBe(200);
      expect(ok.headers.get('date')).toBe('Thu, 01 Jan 2026 08:05:00 GMT');
      const bad = await call('{not json');
      expect(bad.status).toBeGreaterThanOrEqual(400);
      expect(bad.headers.get('date')).toBe('Thu, 01 Jan 2026 08:05:00 GMT');
    } finally {
      await server.close();
    }
  });
});
