import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { search } from '@aws-lambda-powertools/jmespath';
import type { JSONObject } from '@aws-lambda-powertools/commons/types';

/** Every ecs-ops function logs JSON through Powertools with the EventBridge event id as correlation id. */
export function createLogger(serviceName: string): Logger {
  // Logger hands the raw event as `unknown`; EventBridge events are JSON objects, which is what `search` reads.
  return new Logger({ serviceName, correlationIdSearchFn: (expression, data) => cutCorrelationId(search(expression, data as JSONObject)) });
}

/** Longest correlation id kept: it is repeated on every log line, and a malformed event may carry a huge `id`. */
export const MAX_CORRELATION_ID = 256;

function cutCorrelationId(value: unknown): unknown {
  return typeof value === 'string' && value.length > MAX_CORRELATION_ID ? `${value.slice(0, MAX_CORRELATION_ID)}…` : value;
}

/** EMF metrics in the `ecs-ops` namespace, one `service` dimension per function. */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: 'ecs-ops', serviceName });
}
