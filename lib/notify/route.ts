import type { Channel } from '../config/schema.js';
import type { Notification } from './types.js';

/**
 * The channels that receive `n`: those whose `severities` include its severity and that either have no `clusters`
 * filter or list its cluster (a notification without a cluster only reaches channels without a cluster filter).
 * Order follows `channels`.
 */
export function channelsFor(n: Notification, channels: readonly Channel[]): Channel[] {
  return channels.filter(
    (channel) =>
      channel.severities.includes(n.severity) &&
      (channel.clusters === undefined || (n.cluster !== undefined && channel.clusters.includes(n.cluster))),
  );
}
