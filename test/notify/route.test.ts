import { describe, expect, it } from 'vitest';
import type { Channel } from '../../lib/config/schema.js';
import { channelsFor } from '../../lib/notify/route.js';
import { sampleNotification } from './support.js';

const channels: Channel[] = [
  { name: 'all', type: 'slack', webhookParameter: '/ecs-ops/slack/all', severities: ['critical', 'warning', 'info'] },
  { name: 'pager', type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:pager', severities: ['critical'] },
  { name: 'prod-warn', type: 'slack', webhookParameter: '/ecs-ops/slack/prod', severities: ['critical', 'warning'], clusters: ['prod'] },
  { name: 'staging', type: 'slack', webhookParameter: '/ecs-ops/slack/staging', severities: ['critical', 'warning', 'info'], clusters: ['staging'] },
];
const names = (list: Channel[]): string[] => list.map((c) => c.name);

describe('channelsFor', () => {
  it('filters by severity', () => {
    expect(names(channelsFor(sampleNotification({ severity: 'critical', cluster: 'other' }), channels))).toEqual(['all', 'pager']);
    expect(names(channelsFor(sampleNotification({ severity: 'info', cluster: 'other' }), channels))).toEqual(['all']);
  });

  it('filters by cluster', () => {
    expect(names(channelsFor(sampleNotification({ severity: 'warning', cluster: 'prod' }), channels))).toEqual(['all', 'prod-warn']);
    expect(names(channelsFor(sampleNotification({ severity: 'info', cluster: 'prod' }), channels))).toEqual(['all']);
    expect(names(channelsFor(sampleNotification({ severity: 'info', cluster: 'staging' }), channels))).toEqual(['all', 'staging']);
  });

  it('sends notifications without a cluster only to channels without a cluster filter', () => {
    const n = sampleNotification({ severity: 'critical' });
    delete n.cluster;
    expect(names(channelsFor(n, channels))).toEqual(['all', 'pager']);
  });

  it('returns nothing when no channel matches', () => {
    expect(channelsFor(sampleNotification({ severity: 'info' }), channels.slice(1, 3))).toEqual([]);
  });
});
