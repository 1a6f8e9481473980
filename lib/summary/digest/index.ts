/**
 * Scaling digest: what scaled, when and why, per cluster and window.
 *
 *   schedule invocation ──window (from the schedule expression)──▶ gather (AAS, ASG, ECS) ──▶ DigestSnapshot
 *     ──buildDigest──▶ Digest ──render──▶ Slack parts / SNS message ──deliverToChannels (idempotent)──▶ channels
 *
 * The same gather/build/render runs in `ecs-ops digest` (lib/cli/commands/digest.ts).
 */
import type { Channel, EcsOpsConfig } from '../../config/schema.js';
import { parseSchedulerInvocation } from '../../events/index.js';
import { channelsFor } from '../../notify/index.js';
import type { Notification } from '../../notify/types.js';
import { deliverToChannels, type ChannelOutcome, type DeliverOnce } from '../post-alert.js';
import { buildDigest, type DigestOptions } from './build.js';
import { gatherDigestSnapshots, type DigestGatherDeps } from './gather.js';
import type { Digest, DigestWindow } from './model.js';
import { digestSlackNotifications, digestSnsNotification } from './render.js';
import { windowForSchedule } from './window.js';

export * from './model.js';
export { buildDigest, drainRecords, type DigestOptions } from './build.js';
export { formatDuration } from '../../notify/format.js';
export { gatherDigestSnapshots, type ClusterToGather, type DigestGatherDeps } from './gather.js';
export { DIGEST_KIND, digestSlackNotifications, digestSnsNotification, renderDigestText, sparkline } from './render.js';
export { previousFireTime, ScheduleWindowError, windowForSchedule } from './window.js';

/**
 * How long a posted digest part is remembered (Powertools Idempotency): longer than any retry of the invocation
 * (Lambda's asynchronous retries and `maximumEventAge`), so a retried invocation never posts a part twice.
 */
export const DIGEST_IDEMPOTENCY_SECONDS = 2 * 86_400;

/** The digest's settings with their defaults (the section is optional in the config). */
export function digestSettings(config: EcsOpsConfig): NonNullable<EcsOpsConfig['summary']['digest']> {
  return config.summary.digest ?? { schedule: 'cron(0 8 * * ? *)', timezone: 'UTC', emptyWindow: 'skip', quietChanges: 0 };
}

/** The clusters to digest and their ASGs. */
export function digestClusters(config: EcsOpsConfig, only?: readonly string[]): { name: string; asgs: string[] }[] {
  const wanted = only ?? digestSettings(config).clusters;
  return config.clusters.filter((c) => wanted === undefined || wanted.includes(c.name)).map((c) => ({ name: c.name, asgs: c.asgs.map((a) => a.name) }));
}

/** Build options from the config: the ASGs whose terminations are ecs-ops drains, Spot draining, folding. */
export function digestOptions(config: EcsOpsConfig): DigestOptions {
  return {
    drainedAsgs: config.clusters.flatMap((c) => c.asgs.filter((a) => a.drain).map((a) => a.name)),
    spotDrains: config.drain.spotInterruption,
    quietChanges: digestSettings(config).quietChanges,
  };
}

/** Gathers and builds the digests of `clusters` for `window`. */
export async function digestsFor(deps: DigestGatherDeps, config: EcsOpsConfig, clusters: readonly { name: string; asgs: string[] }[], window: DigestWindow): Promise<Digest[]> {
  const snapshots = await gatherDigestSnapshots(deps, clusters, window);
  const options = digestOptions(config);
  return snapshots.map((s) => buildDigest(s, options));
}

/** The channels a cluster's digest goes to: `summary.digest.channels`, else those that take `info` for the cluster. */
export function digestChannels(config: EcsOpsConfig, cluster: string): Channel[] {
  const named = digestSettings(config).channels;
  if (named !== undefined) return config.notifications.channels.filter((c) => named.includes(c.name));
  const probe: Notification = { kind: 'scaling-digest', severity: 'info', title: '', summary: '', fields: [], links: [], cluster, occurredAt: '' };
  return channelsFor(probe, config.notifications.channels);
}

export interface DigestLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

export interface DigestRunDeps {
  config: EcsOpsConfig;
  gather: DigestGatherDeps;
  /** Per-message idempotent delivery (post-alert.ts `idempotentDelivery` with {@link DIGEST_IDEMPOTENCY_SECONDS}). */
  deliverOnce: DeliverOnce;
  logger: DigestLogger;
}

export interface ClusterDigestOutcome {
  cluster: string;
  empty: boolean;
  services: number;
  changes: number;
  /** Per channel and message part: posted, duplicate (an earlier attempt posted it) or failed. */
  deliveries: (ChannelOutcome & { part: string })[];
}

export type DigestRunOutcome =
  | { status: 'malformed'; error: string }
  | { status: 'digested'; window: { start: string; end: string }; clusters: ClusterDigestOutcome[] };

/** Thrown after every channel was tried when some failed transiently: Lambda retries, posted parts are not reposted. */
export class DigestDeliveryError extends AggregateError {}

/**
 * One scheduled digest: the window ends at the scheduled time and starts at the schedule's previous fire time. Each
 * cluster's digest goes to its channels, Slack as ordered parts (a part that fails stops the later ones on that
 * channel, so order holds after the retry), SNS as one message. Every part is delivered at most once per channel:
 * its idempotency key is cluster + window end + part.
 */
export async function runScheduledDigest(raw: unknown, deps: DigestRunDeps, deadlineMs: number): Promise<DigestRunOutcome> {
  const { config, logger } = deps;
  let scheduledTime: number;
  try {
    scheduledTime = Date.parse(parseSchedulerInvocation(raw).scheduledTime);
    if (!Number.isFinite(scheduledTime)) throw new Error('scheduled time is not a date');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.error('malformed schedule invocation dropped', { error: message });
    return { status: 'malformed', error: message };
  }
  const settings = digestSettings(config);
  const window = windowForSchedule(settings.schedule, settings.timezone, scheduledTime);
  const digests = await digestsFor(deps.gather, config, digestClusters(config), window);
  const transient: unknown[] = [];
  const outcomes: ClusterDigestOutcome[] = [];
  for (const digest of digests) {
    const channels = digestChannels(config, digest.cluster);
    const deliveries: ClusterDigestOutcome['deliveries'] = [];
    const key = `digest|${digest.cluster}|${new Date(window.end).toISOString()}`;
    for (const channel of channels) {
      const parts =
        channel.type === 'slack'
          ? digestSlackNotifications(digest, { timeZone: settings.timezone, emptyWindow: settings.emptyWindow })
          : [digestSnsNotification(digest, { timeZone: settings.timezone, emptyWindow: settings.emptyWindow })].filter((n): n is Notification => n !== undefined);
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i] as Notification;
        const partKey = channel.type === 'slack' ? `part ${i + 1}/${parts.length}` : 'sns';
        const result = await deliverToChannels(part, `${key}|${partKey}`, [channel], deps.deliverOnce, deadlineMs);
        transient.push(...result.transient);
        deliveries.push(...result.outcomes.map((o) => ({ ...o, part: partKey })));
        if (result.outcomes.some((o) => o.outcome === 'failed')) {
          logger.error('digest part not delivered; later parts held back', { cluster: digest.cluster, channel: channel.name, part: partKey, error: result.outcomes[0]?.error });
          break;
        }
      }
    }
    const changes = digest.services.reduce((n, s) => n + s.changes.length, 0);
    logger.info('digest handled', { cluster: digest.cluster, empty: digest.empty, services: digest.services.length, changes, deliveries });
    outcomes.push({ cluster: digest.cluster, empty: digest.empty, services: digest.services.length, changes, deliveries });
  }
  if (transient.length > 0) throw new DigestDeliveryError(transient, `digest delivery failed on ${transient.length} channel part(s); Lambda will retry them`);
  return { status: 'digested', window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() }, clusters: outcomes };
}
