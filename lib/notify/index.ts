import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Channel } from '../config/schema.js';
import type { NotifyLogger } from './logger.js';
import { channelsFor } from './route.js';
import { renderSlack } from './slack-render.js';
import { SlackSender, type FetchLike } from './slack-send.js';
import { publishSns } from './sns.js';
import type { Notification } from './types.js';
import { WebhookUrlError, WebhookUrlSource } from './webhook-url.js';

export * from './types.js';
export type { NotifyLogger } from './logger.js';
export { silentLogger } from './logger.js';
export * from './slack-render.js';
export * from './slack-send.js';
export * from './webhook-url.js';
export * from './sns.js';
export { channelsFor } from './route.js';

/** Safety margin kept between the delivery deadline and the Lambda timeout. */
export const DEFAULT_DEADLINE_MARGIN_MS = 3000;

/**
 * An absolute delivery deadline (ms since the epoch) from the Lambda's remaining time:
 * `deadlineFromRemaining(context.getRemainingTimeInMillis())`.
 */
export function deadlineFromRemaining(remainingMs: number, marginMs: number = DEFAULT_DEADLINE_MARGIN_MS, now: number = Date.now()): number {
  return now + remainingMs - marginMs;
}

/** The outcome of delivering one notification to one channel. */
export interface DeliveryResult {
  /** The channel's config name. */
  channel: string;
  type: Channel['type'];
  delivered: boolean;
  /** Set when the channel refused the notification for good (retrying cannot help; report it instead). */
  permanent?: boolean;
  error?: string;
}

export interface NotifierDeps {
  /** The configured channels, for {@link Notifier.channelsFor} (not needed by `deliver`). */
  channels?: readonly Channel[];
  slack: SlackSender;
  webhookUrls: WebhookUrlSource;
  sns: SNSClient;
  logger: NotifyLogger;
}

/**
 * Delivers notifications, one channel at a time (callers wrap each channel's delivery for idempotency).
 * `deliver` resolves with a {@link DeliveryResult}, permanent failures included; it throws only for failures worth a
 * retry (Slack 429/5xx/network after its own retries, SNS throttling, SSM unavailable), so the invocation fails and
 * Lambda retries it.
 */
export class Notifier {
  private readonly deps: NotifierDeps;

  constructor(deps: NotifierDeps) {
    this.deps = deps;
  }

  /** The configured channels that receive `n` (severity and cluster filters). */
  channelsFor(n: Notification): Channel[] {
    return channelsFor(n, this.deps.channels ?? []);
  }

  /** Delivers `n` to `channel`. `deadlineMs` is absolute (see {@link deadlineFromRemaining}). */
  async deliver(channel: Channel, n: Notification, deadlineMs?: number): Promise<DeliveryResult> {
    return channel.type === 'slack' ? this.deliverSlack(channel, n, deadlineMs) : this.deliverSns(channel, n);
  }

  private async deliverSlack(channel: Extract<Channel, { type: 'slack' }>, n: Notification, deadlineMs?: number): Promise<DeliveryResult> {
    let webhookUrl: string;
    try {
      webhookUrl = await this.deps.webhookUrls.get(channel.webhookParameter);
    } catch (error) {
      if (error instanceof WebhookUrlError && error.permanent) {
        this.deps.logger.error(`Slack channel "${channel.name}" cannot be used: ${error.message}`, {
          channel: channel.name,
          parameter: error.parameter,
          kind: n.kind,
        });
        return { channel: channel.name, type: 'slack', delivered: false, permanent: true, error: error.message };
      }
      throw error;
    }
    const result = await this.deps.slack.send(channel.name, webhookUrl, renderSlack(n), deadlineMs);
    return {
      channel: channel.name,
      type: 'slack',
      delivered: result.delivered,
      ...(result.permanent ? { permanent: true } : {}),
      ...(result.error !== undefined ? { error: result.error } : {}),
    };
  }

  private async deliverSns(channel: Extract<Channel, { type: 'sns' }>, n: Notification): Promise<DeliveryResult> {
    const result = await publishSns(this.deps.sns, channel.topicArn, n);
    if (result.delivered) {
      this.deps.logger.info('SNS notification published', { channel: channel.name, kind: n.kind, messageId: result.messageId });
      return { channel: channel.name, type: 'sns', delivered: true };
    }
    this.deps.logger.error(`SNS channel "${channel.name}" refused the notification: ${result.error ?? 'unknown error'}`, {
      channel: channel.name,
      topicArn: channel.topicArn,
      kind: n.kind,
    });
    return { channel: channel.name, type: 'sns', delivered: false, permanent: true, ...(result.error !== undefined ? { error: result.error } : {}) };
  }
}

export interface CreateNotifierOptions {
  ssm: SSMClient;
  sns: SNSClient;
  logger: NotifyLogger;
  channels?: readonly Channel[];
  /** Test seams, passed to {@link SlackSender} / {@link WebhookUrlSource}. */
  fetch?: FetchLike;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  env?: Record<string, string | undefined>;
  webhookMaxAgeSeconds?: number;
}

/**
 * A {@link Notifier} wired with its own {@link SlackSender} and {@link WebhookUrlSource}. Create it once per Lambda
 * instance (module scope) so pacing state and the webhook URL cache survive warm invocations.
 */
export function createNotifier(options: CreateNotifierOptions): Notifier {
  const { logger } = options;
  return new Notifier({
    ...(options.channels ? { channels: options.channels } : {}),
    logger,
    sns: options.sns,
    slack: new SlackSender({
      logger,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    }),
    webhookUrls: new WebhookUrlSource({
      ssmClient: options.ssm,
      logger,
      ...(options.env ? { env: options.env } : {}),
      ...(options.webhookMaxAgeSeconds !== undefined ? { maxAgeSeconds: options.webhookMaxAgeSeconds } : {}),
    }),
  });
}
