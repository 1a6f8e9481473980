import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { digestChannels, digestClusters, digestOptions } from '../../../lib/summary/digest/index.js';
import { configFrom } from '../../support/fixtures.js';

const head = `version: 1
clusters:
  - name: prod
    asgs: [{ name: prod-ecs }, { name: prod-legacy, drain: false }]
  - name: staging
notifications:
  channels:
    - { name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }
    - { name: pager, type: sns, topicArn: 'arn:aws:sns:us-east-1:123456789012:pager', severities: [critical] }
    - { name: staging-feed, type: slack, webhookParameter: /ecs-ops/slack/staging, clusters: [staging] }
`;

describe('summary.digest config', () => {
  it('names an undeclared cluster or channel with its path and line', () => {
    const result = parseConfig(`${head}summary:\n  digest:\n    clusters: [prod, qa]\n    channels: [ops, chat]\n`, 'ecs-ops.config.yml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.path, e.message, e.line])).toEqual([
      ['summary.digest.clusters[1]', 'cluster "qa" is not declared under clusters', 13],
      ['summary.digest.channels[1]', 'channel "chat" is not declared under notifications.channels', 14],
    ]);
  });

  it('goes to the channels that take info for the cluster, or to the channels named', () => {
    const config = configFrom(`${head}summary:\n  digest: {}\n`);
    expect(digestChannels(config, 'prod').map((c) => c.name)).toEqual(['ops']);
    expect(digestChannels(config, 'staging').map((c) => c.name)).toEqual(['ops', 'staging-feed']);
    const named = configFrom(`${head}summary:\n  digest: { channels: [pager] }\n`);
    expect(digestChannels(named, 'prod').map((c) => c.name)).toEqual(['pager']);
  });

  it('digests the clusters named (default all) with their ASGs; drains are those of ASGs ecs-ops drains', () => {
    const config = configFrom(`${head}summary:\n  digest: { clusters: [prod], quietChanges: 2 }\n`);
    expect(digestClusters(config)).toEqual([{ name: 'prod', asgs: ['prod-ecs', 'prod-legacy'] }]);
    expect(digestOptions(config)).toEqual({ drainedAsgs: ['prod-ecs'], spotDrains: true, quietChanges: 2 });
  });
});
