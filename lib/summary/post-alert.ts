import { randomUUID } from 'node:crypto';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Channel, EcsOpsConfig } from '../config/schema.js';
import { parseKnownEvent, type EcsTaskStateChangeEvent } from '../events/index.js';
import { channelsFor } from '../notify/index.js';
import type { Notification } from '../notify/types.js';
import { alertFor, isAlert, isAlertInput, type Alert, type NoAlert } from './alerts.js';
import { spotInterruptedService, spotInterruptionAlert, type SpotFacts } from './fargate-spot.js';

/** One delivery of one alert to one channel, keyed so that it happens at most once per dedupe window. */
export interface DeliveryRequest {
  /** Alert fingerprint + channel name: the idempotency key. */
  key: string;
  channel: string;
  /** Unique per invocation: a stored result carrying another token means an earlier delivery answered. */
  token: string;
  deadlineMs: number;
  notification: Notification;
}

/** What the idempotency store keeps for a delivered alert. Only successful deliveries are stored. */
export interface DeliveryRecord {
  token: string;
  at: string;
}

/**
 * The channel refused the alert for good (revoked webhook, missing parameter, SNS authorization). Thrown out of the
 * idempotent function so nothing is stored: the next occurrence tries again and is reported again, instead of being
 * silently counted as a duplicate for the whole window. Not retried by Lambda.
 */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

export type DeliverOnce = (request: DeliveryRequest) => Promise<DeliveryRecord>;

export interface ChannelDeliverer {
  deliver(channel: Channel, notification: Notification, deadlineMs: number): Promise<{ delivered: boolean; permanent?: boolean; error?: string }>;
}

/**
 * Wraps per-channel delivery in Powertools Idempotency: the same alert (same fingerprint) to the same channel within
 * `alerts.dedupeWindow` returns the stored record instead of posting again, and a retried invocation does not re-post
 * to the channels that already succeeded. Any thrown error (transient or {@link PermanentDeliveryError}) removes the
 * in-progress record, so only successful deliveries suppress later ones.
 */
export function idempotentDelivery(
  config: EcsOpsConfig,
  deliverer: ChannelDeliverer,
  persistenceStore: BasePersistenceLayer,
  now: () => Date = () => new Date(),
): { deliverOnce: DeliverOnce; idempotencyConfig: IdempotencyConfig } {
  const channels = new Map(config.notifications.channels.map((c) => [c.name, c]));
  const deliver = async (request: DeliveryRequest): Promise<DeliveryRecord> => {
    const channel = channels.get(request.channel);
    if (!channel) throw new Error(`unknown notification channel "${request.channel}"`);
    const result = await deliverer.deliver(channel, request.notification, request.deadlineMs);
    if (!result.delivered) throw new PermanentDeliveryError(result.error ?? 'refused by the channel');
    return { token: request.token, at: now().toISOString() };
  };
  // The handler registers each invocation's Lambda context on this config, so an in-progress record left by a
  // timed-out invocation expires with that invocation instead of blocking retries for the whole window.
  const idempotencyConfig = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: config.alerts.dedupeWindow, throwOnNoIdempotencyKey: true });
  const deliverOnce: DeliverOnce = makeIdempotent(deliver, { persistenceStore, keyPrefix: 'ecs-ops-alerts', config: idempotencyConfig });
  return { deliverOnce, idempotencyConfig };
}

export interface AlertLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

export interface AlertMetrics {
  count(name: 'MalformedEvent' | 'AlertRaised' | 'AlertPosted' | 'AlertDuplicate' | 'NotificationFailed', value?: number): void;
}

export interface AlertPipelineDeps {
  config: EcsOpsConfig;
  deliverOnce: DeliverOnce;
  logger: AlertLogger;
  metrics: AlertMetrics;
  /** A service's tasks as ECS lists them (Fargate Spot interruptions: count, AZs, replacements). */
  spotFacts?: (cluster: string, service: string) => Promise<SpotFacts>;
  /** Epoch ms. */
  now?: () => number;
}

export interface ChannelOutcome {
  channel: string;
  outcome: 'posted' | 'duplicate' | 'failed';
  error?: string;
}

export type AlertOutcome =
  | { status: 'malformed'; eventId?: string; error: string }
  | { status: 'skipped'; eventId: string; reason: string }
  | { status: 'alerted'; eventId: string; kind: string; fingerprint: string; channels: ChannelOutcome[] };

/** What {@link deliverToChannels} did: one outcome per channel, and the transient errors worth a Lambda retry. */
export interface ChannelDeliveries {
  outcomes: ChannelOutcome[];
  transient: unknown[];
}

/**
 * Delivers one notification to `channels`, each at most once per dedupe window for `fingerprint` (the idempotency key
 * is `<fingerprint>#<channel>`), all channels in parallel. Shared by alerts and every other capability that notifies
 * (auto-drain): a channel that already has this fingerprint reports `duplicate`, a permanent refusal `failed` (not
 * cached, not retried), and a transient failure `failed` plus an entry in `transient` for the caller to throw.
 */
export async function deliverToChannels(
  notification: Notification,
  fingerprint: string,
  channels: readonly Channel[],
  deliverOnce: DeliverOnce,
  deadlineMs: number,
): Promise<ChannelDeliveries> {
  const token = randomUUID();
  const settled = await Promise.allSettled(
    channels.map((channel) => deliverOnce({ key: `${fingerprint}#${channel.name}`, channel: channel.name, token, deadlineMs, notification })),
  );
  const outcomes: ChannelOutcome[] = [];
  const transient: unknown[] = [];
  settled.forEach((result, index) => {
    const channel = channels[index]?.name ?? '?';
    if (result.status === 'fulfilled') {
      outcomes.push({ channel, outcome: result.value.token === token ? 'posted' : 'duplicate' });
    } else if (result.reason instanceof IdempotencyAlreadyInProgressError) {
      // A concurrent invocation is delivering this very notification (a burst of identical events): it owns the
      // delivery, and Lambda retries it if it fails.
      outcomes.push({ channel, outcome: 'duplicate' });
    } else if (result.reason instanceof PermanentDeliveryError) {
      outcomes.push({ channel, outcome: 'failed', error: result.reason.message });
    } else {
      transient.push(result.reason);
      outcomes.push({ channel, outcome: 'failed', error: result.reason instanceof Error ? result.reason.message : String(result.reason) });
    }
  });
  return { outcomes, transient };
}

/** Thrown when at least one channel failed transiently; channels already posted are not posted again on retry. */
export class AlertDeliveryError extends AggregateError {}

/** From one raw EventBridge event to posted alerts: parse, decide, route, deliver once per channel. */
export async function handleAlertEvent(raw: unknown, deps: AlertPipelineDeps, deadlineMs: number): Promise<AlertOutcome> {
  const { config, logger, metrics } = deps;
  const parsed = parseKnownEvent(raw);
  if (!parsed.ok) {
    // Retrying cannot fix a malformed event: log where it is wrong, count it, drop it.
    metrics.count('MalformedEvent');
    logger.error('malformed event dropped', { eventId: parsed.error.eventId, detailType: parsed.error.detailType, error: parsed.error.message });
    return { status: 'malformed', ...(parsed.error.eventId !== undefined ? { eventId: parsed.error.eventId } : {}), error: parsed.error.message };
  }
  const known = parsed.event;
  const eventId = known.event.id;
  let decision: Alert | NoAlert;
  if (known.kind === 'ecs-task-state-change') {
    decision = await spotInterruptionDecision(known.event, deps);
  } else if (!isAlertInput(known)) {
    logger.warn('event type not handled by alerts', { kind: known.kind });
    return { status: 'skipped', eventId, reason: `${known.kind} events are not alerts` };
  } else {
    decision = alertFor(known, config);
  }
  if (!isAlert(decision)) {
    logger.info('no alert', { reason: decision.skipped });
    return { status: 'skipped', eventId, reason: decision.skipped };
  }
  const { notification, fingerprint } = decision;
  metrics.count('AlertRaised');
  const channels = channelsFor(notification, config.notifications.channels);
  if (channels.length === 0) {
    logger.warn('no channel takes this alert', { kind: notification.kind, severity: notification.severity, cluster: notification.cluster });
    return { status: 'alerted', eventId, kind: notification.kind, fingerprint, channels: [] };
  }

  const { outcomes, transient } = await deliverToChannels(notification, fingerprint, channels, deps.deliverOnce, deadlineMs);
  for (const o of outcomes) {
    if (o.outcome === 'posted') metrics.count('AlertPosted');
    if (o.outcome === 'duplicate') metrics.count('AlertDuplicate');
    if (o.outcome === 'failed') {
      metrics.count('NotificationFailed');
      logger.error('alert not delivered', { channel: o.channel, kind: notification.kind, fingerprint, error: o.error });
    }
  }
  logger.info('alert handled', { kind: notification.kind, fingerprint, channels: outcomes });
  if (transient.length > 0) {
    throw new AlertDeliveryError(transient, `alert ${notification.kind} failed on ${transient.length} channel(s); Lambda will retry them`);
  }
  return { status: 'alerted', eventId, kind: notification.kind, fingerprint, channels: outcomes };
}

/**
 * A Fargate Spot interruption: the service's tasks are listed to count the burst; if that fails (throttling, a
 * permission), the alert still goes out with what the event shows and says the replacements are unknown.
 */
async function spotInterruptionDecision(event: EcsTaskStateChangeEvent, deps: AlertPipelineDeps): Promise<Alert | NoAlert> {
  const ref = spotInterruptedService(event);
  const nowMs = (deps.now ?? Date.now)();
  if (!ref) return { skipped: 'a task state change is an alert only for a Fargate Spot interruption of a service task' };
  let facts: SpotFacts | undefined;
  if (deps.spotFacts && !deps.config.alerts.ignore.includes('fargate-spot-interruption')) {
    try {
      facts = await deps.spotFacts(ref.cluster, ref.service);
    } catch (error) {
      deps.logger.warn('could not list the service tasks: the Fargate Spot alert shows this event only', { ...ref, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return spotInterruptionAlert(event, facts, deps.config, nowMs);
}
