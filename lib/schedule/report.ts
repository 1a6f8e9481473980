import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { randomUUID } from 'node:crypto';
import type { ReportOnce } from './index.js';

/**
 * How long "this run was reported" is remembered: longer than ECS lists stopped tasks (about an hour) plus the
 * reconcile pass's look-back, so neither a late duplicate event nor the reconcile pass reports a run twice.
 */
export const REPORTED_TTL_SECONDS = 6 * 3600;

/**
 * `reportOnce(key, work)` on the idempotency table (Powertools Idempotency, key prefix `ecs-ops-schedule-runs`):
 * `work` runs at most once per key; if it throws, nothing is stored and the next attempt runs it again. A concurrent
 * invocation doing the same work counts as a duplicate (it owns the report, and Lambda retries it if it fails).
 * `persistenceStore` must be its own instance: Powertools configures a persistence layer once and switches its key
 * prefix on every call, so one shared with the (nested) channel deliveries would save the report under their prefix.
 */
export function reportOnceStore(persistenceStore: BasePersistenceLayer): { reportOnce: ReportOnce; idempotencyConfig: IdempotencyConfig } {
  const idempotencyConfig = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: REPORTED_TTL_SECONDS, throwOnNoIdempotencyKey: true });
  let work: (() => Promise<void>) | undefined;
  const once = makeIdempotent(
    async (request: { key: string; token: string }): Promise<{ token: string }> => {
      await (work ?? (() => Promise.resolve()))();
      return { token: request.token };
    },
    { persistenceStore, keyPrefix: 'ecs-ops-schedule-runs', config: idempotencyConfig },
  );
  // Reports within one invocation run one after another (the pipeline awaits each), so `work` is not shared.
  let chain: Promise<unknown> = Promise.resolve();
  const reportOnce: ReportOnce = (key, fn) => {
    const next = chain.then(async (): Promise<'reported' | 'duplicate'> => {
      const token = randomUUID();
      work = fn;
      try {
        const record = await once({ key, token });
        return record.token === token ? 'reported' : 'duplicate';
      } catch (error) {
        if (error instanceof IdempotencyAlreadyInProgressError) return 'duplicate';
        throw error;
      } finally {
        work = undefined;
      }
    });
    chain = next.catch(() => undefined);
    return next;
  };
  return { reportOnce, idempotencyConfig };
}
