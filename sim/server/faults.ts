/**
 * Injected faults, per service and operation: throttling, server errors (5xx) and added latency. Every random choice
 * comes from the server's SeededRandom, so a run with the same seed and the same request order fails the same calls.
 */
import type { SeededRandom } from '../world/random.js';
import type { SimService } from './services.js';

export interface FaultRule {
  /** Probability in [0, 1] that a call is throttled (400 `ThrottlingException` in JSON, `Throttling` in Query). */
  throttleRate?: number;
  /** The throttling error code instead of the protocol's default (e.g. `Throttled`, SNS's modeled ThrottledException). */
  throttleCode?: string;
  /** Probability in [0, 1] that a call fails with a server error. */
  serverErrorRate?: number;
  /** The server error: 500 `InternalFailure` or 503 `ServiceUnavailable` (default). */
  serverErrorStatus?: 500 | 503;
  /** Real-time milliseconds added before the call is answered: fixed, or uniform in `[min, max]`. */
  latencyMs?: number | readonly [min: number, max: number];
}

/**
 * Rules by key: `*` (every call), `<service>:*` (every call to a service) and `<service>:<Operation>`, where the
 * service is an `AwsApis` key or `dynamodb` (`ecs:ListTasks`, `autoscaling:*`, `applicationAutoScaling:*`, `sns:Publish`,
 * `ssm:GetParameter`, `dynamodb:PutItem`). For each field the most specific key that sets it wins.
 */
export type FaultConfig = Readonly<Record<string, FaultRule>>;

export const FAULT_SERVICES: readonly SimService[] = ['ecs', 'autoscaling', 'applicationAutoScaling', 'sns', 'ssm', 'dynamodb'];

/** Throws on a key naming no service, a rate outside [0, 1] or a bad latency: a typo must not silently disable a fault. */
export function validateFaults(config: FaultConfig): void {
  for (const [key, rule] of Object.entries(config)) {
    if (key !== '*') {
      const [service, operation, ...rest] = key.split(':');
      if (rest.length > 0 || operation === undefined || operation === '' || !FAULT_SERVICES.includes(service as SimService)) {
        throw new Error(`fault key '${key}': expected '*', '<service>:*' or '<service>:<Operation>' with service one of ${FAULT_SERVICES.join(', ')}`);
      }
    }
    for (const field of ['throttleRate', 'serverErrorRate'] as const) {
      const rate = rule[field];
      if (rate !== undefined && !(rate >= 0 && rate <= 1)) throw new Error(`fault '${key}': ${field} must be in [0, 1], got ${rate}`);
    }
    if (rule.serverErrorStatus !== undefined && rule.serverErrorStatus !== 500 && rule.serverErrorStatus !== 503) {
      throw new Error(`fault '${key}': serverErrorStatus must be 500 or 503`);
    }
    const latency = rule.latencyMs;
    const bounds = typeof latency === 'number' ? [latency] : (latency ?? []);
    if (bounds.some((ms) => !(ms >= 0)) || (Array.isArray(latency) && (latency.length !== 2 || latency[0] > latency[1]))) {
      throw new Error(`fault '${key}': latencyMs must be a number >= 0 or [min, max] with 0 <= min <= max`);
    }
  }
}

/** The rule for one call: `*`, then `<service>:*`, then `<service>:<operation>`, field by field. */
export function faultRuleFor(config: FaultConfig, service: SimService, operation: string): FaultRule {
  const rule: FaultRule = {};
  for (const key of ['*', `${service}:*`, `${service}:${operation}`]) {
    const layer = config[key];
    if (layer === undefined) continue;
    Object.assign(rule, Object.fromEntries(Object.entries(layer as Record<string, unknown>).filter(([, value]) => value !== undefined)));
  }
  return rule;
}

export interface FaultDecision {
  latencyMs: number;
  fault?: { kind: 'throttle'; code?: string } | { kind: 'server-error'; status: 500 | 503 };
}

/** Rolls the dice for one call (no random number is drawn for a rate of 0 or a fixed latency). */
export function decideFault(rule: FaultRule, random: SeededRandom): FaultDecision {
  const latency = rule.latencyMs;
  const latencyMs =
    latency === undefined ? 0 : typeof latency === 'number' ? latency : latency[0] + Math.round(random.next() * (latency[1] - latency[0]));
  if (random.chance(rule.throttleRate ?? 0)) {
    return { latencyMs, fault: { kind: 'throttle', ...(rule.throttleCode === undefined ? {} : { code: rule.throttleCode }) } };
  }
  if (random.chance(rule.serverErrorRate ?? 0)) return { latencyMs, fault: { kind: 'server-error', status: rule.serverErrorStatus ?? 503 } };
  return { latencyMs };
}

/** The error code and message of an injected fault (the same in both protocols, except throttling's code). */
export function faultError(fault: NonNullable<FaultDecision['fault']>, protocol: 'json' | 'query'): { code: string; message: string; status: number } {
  if (fault.kind === 'throttle') {
    return { code: fault.code ?? (protocol === 'json' ? 'ThrottlingException' : 'Throttling'), message: 'Rate exceeded', status: 400 };
  }
  return fault.status === 500
    ? { code: 'InternalFailure', message: 'The request processing has failed because of an unknown error, exception or failure.', status: 500 }
    : { code: 'ServiceUnavailable', message: 'The request has failed due to a temporary failure of the server.', status: 503 };
}
