import { describe, expect, it } from 'vitest';
import { renderSlack, slackLimitViolations, TRUNCATION_MARKER } from '../../../lib/notify/slack-render.js';
import { renderSns, SNS_MAX_SUBJECT_CHARS } from '../../../lib/notify/sns.js';
import { buildDigest } from '../../../lib/summary/digest/build.js';
import type { AasActivityInput } from '../../../lib/summary/digest/model.js';
import {
  digestSlackNotifications,
  digestSnsNotification,
  MAX_LINE_CHARS,
  MAX_SLACK_PARTS,
  renderDigestText,
  sparkline,
} from '../../../lib/summary/digest/render.js';
import { aas, min, service, snapshot, targetTracking, WINDOW } from './fixtures.js';
import { morningDigest } from './sample.js';

describe('sparkline', () => {
  it('draws the step function over the window, keeping a short spike', () => {
    expect(sparkline([[WINDOW.start, 6], [min(10), 16], [min(40), 8], [WINDOW.end, 8]], WINDOW.start, WINDOW.end, 8)).toBe('██▁▁▁▁▁▁');
    // A 1-minute spike inside a 30-minute slice still shows.
    expect(sparkline([[WINDOW.start, 2], [min(31), 10], [min(32), 2]], WINDOW.start, WINDOW.end, 8)).toBe('▁█▁▁▁▁▁▁');
    expect(sparkline([[WINDOW.start, 3]], WINDOW.start, WINDOW.end, 4)).toBe('▄▄▄▄');
  });
});

describe('the digest as text (terminal, SNS) — checked by eye once', () => {
  it('reads at a glance: busiest first, each change with its time, size and cause, quiet services folded', () => {
    expect(renderDigestText(morningDigest())).toMatchInlineSnapshot(`
      "Scaling digest · prod · 08:00–12:00 UTC
      2 services scaled (1 out, 2 in), 1 deployment (1 failed), 1 Auto Scaling group changed, 2 failed launches, 1 ecs-ops action, 2 steady.

      web  ▁███▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂  tasks 6 → 8 (low 6, high 16) · running 6 → 8 (low 6, high 16)
          - 08:02 deployment ecs-svc/4125071934000886933 failed: tasks failed to start
          - 08:10 ↑ +10 6 → 16 · target tracking, policy TargetTrackingPolicy (alarm TargetTracking-service/prod/web-AlarmHigh-fcd80aef-5161-4890-aeb4-35dde11ff42c)
          - 08:25 not scaled: already at its maximum (16) · alarm web-cpu-gt-75, policy web-cpu-gt-75
          - 08:40 ↓ −8 16 → 8 · target tracking, policy TargetTrackingPolicy (alarm TargetTracking-service/prod/web-AlarmLow-fcd80aef-5161-4890-aeb4-35dde11ff42c)
      api  ██████████████████▁▁▁▁▁▁  tasks 12 → 4 (low 4, high 12)
          - 11:00 ↓ −8 12 → 4 · scheduled action api-evening-scale-in
      Steady (2): billing (3), worker (2)
      prod-ecs-ondemand  ▁███████████████████▅▅▅▅  desired 4 → 5 (low 4, high 6) · instances 5 (low 5, high 6) · 1 launched, 1 terminated
          - 08:12 ↑ +2 4 → 6 · target tracking, policy ECSManagedAutoScalingPolicy-b0b56b86-6ae1-4a6a-8b9c-2d5a0b1b6f1e (alarm TargetTracking-Infra-ECS-Cluster-prod-ECSAutoScalingGroup-1RDKYQ5ECDEWS-AlarmHigh-4d3bd4c8-8b3c-4a47-9a8b-2a0c6c0e3d1a)
          - 08:13–08:15 2 failed launches: insufficient m5.large capacity in us-east-1b
          - 11:20 ↓ −1 6 → 5 · manual: a user request explicitly set group desired capacity
      Steady groups: prod-ecs-spot (2)
      ecs-ops
          - 11:20 drained i-0bbbbbbbbbbbbbbb1 (prod-ecs-ondemand, terminated by a user request): terminated 4m 12s after it was chosen
      "
    `);
  });

  it('shows times in the schedule’s time zone', () => {
    expect(renderDigestText(morningDigest(), { timeZone: 'Europe/Paris' }).split('\n')[0]).toBe('Scaling digest · prod · 09:00–13:00 Europe/Paris');
  });
});

describe('the digest on Slack', () => {
  it('is one message within Slack’s limits for an ordinary morning — checked by eye once', () => {
    const parts = digestSlackNotifications(morningDigest());
    expect(parts).toHaveLength(1);
    const message = renderSlack(parts[0] ?? expect.fail('no part'));
    expect(slackLimitViolations(message)).toEqual([]);
    expect(message).toMatchInlineSnapshot(`
      {
        "blocks": [
          {
            "text": {
              "emoji": true,
              "text": "ℹ️ Scaling digest · prod · 08:00–12:00 UTC",
              "type": "plain_text",
            },
            "type": "header",
          },
          {
            "text": {
              "text": "2 services scaled (1 out, 2 in), 1 deployment (1 failed), 1 Auto Scaling group changed, 2 failed launches, 1 ecs-ops action, 2 steady.",
              "type": "mrkdwn",
              "verbatim": true,
            },
            "type": "section",
          },
          {
            "text": {
              "text": "*web*  \`▁███▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂▂\`  tasks 6 → 8 (low 6, high 16) · running 6 → 8 (low 6, high 16)
          • 08:02 ✖ deployment ecs-svc/4125071934000886933 failed: tasks failed to start
          • 08:10 ↑ +10 6 → 16 · target tracking, policy TargetTrackingPolicy (alarm TargetTracking-service/prod/web-AlarmHigh-fcd80aef-5161-4890-aeb4-35dde11ff42c)
          • 08:25 not scaled: already at its maximum (16) · alarm web-cpu-gt-75, policy web-cpu-gt-75
          • 08:40 ↓ −8 16 → 8 · target tracking, policy TargetTrackingPolicy (alarm TargetTracking-service/prod/web-AlarmLow-fcd80aef-5161-4890-aeb4-35dde11ff42c)
      *api*  \`██████████████████▁▁▁▁▁▁\`  tasks 12 → 4 (low 4, high 12)
          • 11:00 ↓ −8 12 → 4 · scheduled action api-evening-scale-in
      _Steady (2): billing (3), worker (2)_
      *prod-ecs-ondemand*  \`▁███████████████████▅▅▅▅\`  desired 4 → 5 (low 4, high 6) · instances 5 (low 5, high 6) · 1 launched, 1 terminated
          • 08:12 ↑ +2 4 → 6 · target tracking, policy ECSManagedAutoScalingPolicy-b0b56b86-6ae1-4a6a-8b9c-2d5a0b1b6f1e (alarm TargetTracking-Infra-ECS-Cluster-prod-ECSAutoScalingGroup-1RDKYQ5ECDEWS-AlarmHigh-4d3bd4c8-8b3c-4a47-9a8b-2a0c6c0e3d1a)
          • 08:13–08:15 ✖ 2 failed launches: insufficient m5.large capacity in us-east-1b
          • 11:20 ↓ −1 6 → 5 · manual: a user request explicitly set group desired capacity
      _Steady groups: prod-ecs-spot (2)_
      *ecs-ops*
          • 11:20 drained i-0bbbbbbbbbbbbbbb1 (prod-ecs-ondemand, terminated by a user request): terminated 4m 12s after it was chosen",
              "type": "mrkdwn",
              "verbatim": true,
            },
            "type": "section",
          },
          {
            "elements": [
              {
                "text": "🕒 <!date^1767268800^{date_short_pretty} {time_secs}|2026-01-01T12:00:00.000Z>",
                "type": "mrkdwn",
                "verbatim": true,
              },
              {
                "text": "*Cluster:* prod",
                "type": "mrkdwn",
                "verbatim": true,
              },
              {
                "text": "ecs-ops · scaling-digest",
                "type": "mrkdwn",
                "verbatim": true,
              },
            ],
            "type": "context",
          },
        ],
        "text": "ℹ️ INFO: Scaling digest · prod · 08:00–12:00 UTC — 2 services scaled (1 out, 2 in), 1 deployment (1 failed), 1 Auto Scaling group changed, 2 failed launches, 1 ecs-ops action, 2 steady.",
      }
    `);
  });

  it('an empty window posts nothing, or one "nothing scaled" line per config', () => {
    const empty = buildDigest(snapshot({ services: [service('web', 6, 6)] }));
    expect(empty.empty).toBe(true);
    expect(digestSlackNotifications(empty, { emptyWindow: 'skip' })).toEqual([]);
    expect(digestSnsNotification(empty, { emptyWindow: 'skip' })).toBeUndefined();
    const posted = digestSlackNotifications(empty, { emptyWindow: 'post' });
    expect(posted.map((n) => n.title)).toEqual(['Scaling digest · prod · 08:00–12:00 UTC: nothing scaled']);
    expect(posted[0]?.details).toEqual([]);
  });

  it('60 busy services with the longest alarm and policy names AWS allows and one absurd cause: ordered messages, each within every limit, nothing cut', () => {
    const names = Array.from({ length: 60 }, (_, i) => `service-${String(i).padStart(2, '0')}`);
    // Alarm names up to 255 characters, policy names up to 256.
    const alarm = (name: string): string => `${'a'.repeat(255 - name.length - 1)}-${name}`;
    const policy = (name: string): string => `${'p'.repeat(256 - name.length - 1)}-${name}`;
    const activities: AasActivityInput[] = names.flatMap((name, i) => [
      targetTracking(name, min(-30), 2, true),
      ...Array.from({ length: 1 + (i % 6) }, (_, k) =>
        aas(name, min(10 + k * 30), {
          description: `Setting desired count to ${k % 2 === 0 ? 10 + i : 2}.`,
          cause: i === 7 && k === 0 ? 'an absurdly long cause <!channel> & '.repeat(300) : `monitor alarm ${alarm(name)} in state ALARM triggered policy ${policy(name)}`,
        }),
      ),
    ]);
    const digest = buildDigest(snapshot({ services: names.map((n) => service(n, 2, 2)), aasActivities: activities }));
    const parts = digestSlackNotifications(digest);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.length).toBeLessThanOrEqual(MAX_SLACK_PARTS);
    const texts: string[] = [];
    parts.forEach((part, i) => {
      expect(part.title).toContain(`(${i + 1}/${parts.length})`);
      const message = renderSlack(part);
      expect(slackLimitViolations(message), `part ${i + 1}`).toEqual([]);
      const text = message.blocks.map((b) => (b.type === 'section' ? (b.text?.text ?? '') : '')).join('\n');
      // renderSlack never had to cut: the split left room.
      expect(text).not.toContain(TRUNCATION_MARKER);
      expect(text).not.toContain('more lines truncated');
      expect(text).not.toContain('<!channel>');
      texts.push(text);
    });
    // Every service is there, once, busiest first (most changes first), in message order.
    const all = texts.join('\n');
    const order = [...all.matchAll(/^\*(service-\d\d)\*/gm)].map((m) => m[1]);
    expect(order).toEqual(digest.services.map((s) => s.service));
    expect(new Set(order).size).toBe(60);
    expect(digest.services[0]?.changes.length).toBe(6);
    // Long causes are cut per line, with an ellipsis.
    expect(all.split('\n').filter((line) => line.length > MAX_LINE_CHARS)).toEqual([]);
    expect(all).toContain('…');
  });
});

describe('the digest on SNS', () => {
  it('has a printable ASCII subject within 99 characters and the whole digest as plain text', () => {
    const n = digestSnsNotification(morningDigest(), { timeZone: 'Europe/Paris' });
    const publication = renderSns(n ?? expect.fail('no notification'));
    expect(publication.Subject.length).toBeLessThanOrEqual(SNS_MAX_SUBJECT_CHARS);
    expect(publication.Subject).toMatch(/^[\x20-\x7E]+$/);
    expect(publication.Subject).toMatch(/^\[INFO\] Scaling digest prod - 09:00-13:00 Europe\/Paris: 2 services scaled/);
    expect(publication.Message).toContain('09:10 ↑ +10 6 → 16 · target tracking, policy TargetTrackingPolicy');
    expect(publication.Message).not.toContain('*web*');
    expect(publication.MessageAttributes.kind).toEqual({ DataType: 'String', StringValue: 'scaling-digest' });
  });
});
