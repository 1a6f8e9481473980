/**
 * Every API request the server answered, in order: reports and benchmarks compare the calls per operation with the
 * minimum the batch limits allow. Each SDK attempt is one entry (a retried call appears once per attempt).
 */
import type { SimService } from './services.js';

export interface ApiCall {
  /** `unknown` when the request could not be attributed to a service. */
  service: SimService | 'unknown';
  operation: string;
  /** The HTTP status answered. */
  status: number;
  /** The error code answered (`ThrottlingException`, `ValidationError`, …); absent on success. */
  errorCode?: string;
  /** Set when the error was injected by the fault configuration rather than returned by the world. */
  injected?: 'throttle' | 'server-error';
  /** When the request arrived (the server's `now()`: real time unless the server was given a clock). */
  at: Date;
}

export type ApiCallFilter = (call: ApiCall) => boolean;

export class ApiCallLog {
  private readonly entries: ApiCall[] = [];

  /** Every call so far, oldest first. */
  get calls(): readonly ApiCall[] {
    return this.entries;
  }

  record(call: ApiCall): void {
    this.entries.push(call);
  }

  /** Number of calls, optionally only to one service (and operation) and/or matching a filter. */
  count(service?: ApiCall['service'], operation?: string, filter?: ApiCallFilter): number {
    return this.entries.filter(
      (c) => (service === undefined || c.service === service) && (operation === undefined || c.operation === operation) && (filter?.(c) ?? true),
    ).length;
  }

  /** Calls by `service:operation` (e.g. `ecs:DescribeTasks`), keys sorted; optionally only calls matching a filter. */
  counts(filter?: ApiCallFilter): Record<string, number> {
    const counts = new Map<string, number>();
    for (const c of this.entries) {
      if (filter && !filter(c)) continue;
      const key = `${c.service}:${c.operation}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** Forgets every call (e.g. between the set-up and the measured part of a run). */
  clear(): void {
    this.entries.length = 0;
  }
}

/** Filters for `count` / `counts`. */
export const succeeded: ApiCallFilter = (c) => c.errorCode === undefined && c.status < 400;
export const failed: ApiCallFilter = (c) => !succeeded(c);
