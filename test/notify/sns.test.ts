import {
  AuthorizationErrorException,
  InvalidParameterException,
  NotFoundException,
  PublishCommand,
  SNSClient,
  ThrottledException,
  type MessageAttributeValue,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  SNS_MAX_MESSAGE_BYTES,
  SNS_MAX_SUBJECT_CHARS,
  publishSns,
  renderSns,
  snsSubject,
  toPrintableAscii,
  truncateUtf8,
  utf8Bytes,
} from '../../lib/notify/sns.js';
import { sampleNotification } from './support.js';

const snsMock = mockClient(SNSClient);
const client = new SNSClient({ region: 'us-east-1' });
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ecs-ops-alerts';

beforeEach(() => {
  snsMock.reset();
});

const isPrintableAscii = (s: string): boolean => /^[\x20-\x7E]+$/.test(s);

describe('renderSns', () => {
  it('builds subject, plain-text message and attributes', () => {
    const { Subject, Message, MessageAttributes } = renderSns(sampleNotification());
    expect(Subject).toBe('[CRITICAL] Tasks cannot be placed: web on prod');
    expect(Message).toBe(
      [
        '[CRITICAL] Tasks cannot be placed: web on prod',
        '',
        'ECS could not place 2 tasks of service web: no container instance met all requirements.',
        '',
        'Cluster: prod',
        'Service: web',
        'Reason: RESOURCE:MEMORY',
        '',
        'Details:',
        'task a1b2 needs 2048 MiB',
        'task c3d4 needs 2048 MiB',
        '',
        'Links:',
        '- Service in console: https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/health?region=us-east-1&tab=events',
        '',
        'Time: 2024-05-01T12:34:56Z',
        'Kind: service-task-placement-failure',
        'Cluster: prod',
        'Service: web',
      ].join('\n'),
    );
    expect(MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      kind: { DataType: 'String', StringValue: 'service-task-placement-failure' },
      cluster: { DataType: 'String', StringValue: 'prod' },
      service: { DataType: 'String', StringValue: 'web' },
    });
  });

  it('omits cluster and service attributes when absent or empty', () => {
    const n = sampleNotification({ severity: 'warning', service: '  ' });
    delete n.cluster;
    const { MessageAttributes } = renderSns(n);
    expect(Object.keys(MessageAttributes)).toEqual(['severity', 'kind']);
    expect(Object.values(MessageAttributes).every((a) => a.StringValue !== '')).toBe(true);
  });

  it('cleans a non-ASCII title into a printable ASCII subject', () => {
    const subject = snsSubject(sampleNotification({ severity: 'warning', title: '🚨 Déploiement échoué: web → “prod” — 3 tâches…\nline two\tend ✅' }));
    expect(subject).toBe('[WARNING] Deploiement echoue: web -> "prod" - 3 taches... line two end');
    expect(isPrintableAscii(subject)).toBe(true);
  });

  it('keeps subjects at most 99 characters and never empty', () => {
    const long = snsSubject(sampleNotification({ title: 'word '.repeat(60) }));
    expect(long.length).toBeLessThanOrEqual(SNS_MAX_SUBJECT_CHARS);
    expect(long.startsWith('[CRITICAL] ')).toBe(true);
    expect(long.endsWith('...')).toBe(true);
    expect(snsSubject(sampleNotification({ severity: 'info', title: '🔥🔥🔥' }))).toBe('[INFO] service-task-placement-failure');
    expect(snsSubject(sampleNotification({ title: '', kind: '' }))).toBe('[CRITICAL] ecs-ops notification');
    expect(toPrintableAscii('デプロイ失敗 web')).toBe('? web');
  });

  it('truncates a 300 KB message to the SNS limit by bytes, as valid UTF-8', () => {
    // 3-byte and 4-byte characters, so a byte cut would land inside one.
    const details = Array.from({ length: 3000 }, (_, i) => `${i} ${'é€😀'.repeat(12)}`);
    const n = sampleNotification({ details });
    const { Subject, Message, MessageAttributes } = renderSns(n);
    const bytes = utf8Bytes(Message);
    expect(utf8Bytes(details.join('\n'))).toBeGreaterThan(300_000);
    expect(bytes).toBeLessThanOrEqual(SNS_MAX_MESSAGE_BYTES);
    expect(bytes).toBeGreaterThan(SNS_MAX_MESSAGE_BYTES - 1000);
    const attributes = JSON.stringify(MessageAttributes).length;
    expect(bytes + utf8Bytes(Subject) + attributes).toBeLessThanOrEqual(SNS_MAX_MESSAGE_BYTES + 200);
    expect(Message.endsWith('\n\n… (truncated)')).toBe(true);
    expect(Message.isWellFormed()).toBe(true);
    expect(Message).not.toContain('\uFFFD');
    expect(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(Message, 'utf8'))).toBe(Message);
  });

  it('truncateUtf8 never splits a character', () => {
    for (let max = 20; max < 40; max++) {
      const out = truncateUtf8('aé€😀'.repeat(10), max, '…');
      expect(utf8Bytes(out)).toBeLessThanOrEqual(max);
      expect(out).not.toContain('\uFFFD');
      expect(out.endsWith('…')).toBe(true);
    }
  });
});

describe('publishSns', () => {
  it('publishes subject, message and attributes', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const result = await publishSns(client, TOPIC, sampleNotification());
    expect(result).toEqual({ delivered: true, messageId: 'm-1' });
    expect(snsMock).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(snsMock).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: '[CRITICAL] Tasks cannot be placed: web on prod',
      MessageAttributes: expect.objectContaining({ severity: { DataType: 'String', StringValue: 'critical' } }) as Record<string, MessageAttributeValue>,
    });
    const input = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.MessageGroupId).toBeUndefined();
  });

  it('adds a message group and deduplication id on FIFO topics', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-2' });
    await publishSns(client, `${TOPIC}.fifo`, sampleNotification());
    const input = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.MessageGroupId).toBe('prod');
    expect(input?.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['NotFound', new NotFoundException({ message: 'Topic does not exist', $metadata: {} })],
    ['AuthorizationError', new AuthorizationErrorException({ message: 'not authorized to perform SNS:Publish', $metadata: {} })],
    ['InvalidParameter', new InvalidParameterException({ message: 'Invalid parameter: Subject', $metadata: {} })],
  ])('reports %s as permanent without throwing', async (_, error) => {
    snsMock.on(PublishCommand).rejects(error);
    const result = await publishSns(client, TOPIC, sampleNotification());
    expect(result).toMatchObject({ delivered: false, permanent: true });
    expect(result.error).toContain(error.name);
    expect(result.error).toContain(error.message);
  });

  it('lets transient errors propagate', async () => {
    snsMock.on(PublishCommand).rejects(new ThrottledException({ message: 'Rate exceeded', $metadata: {} }));
    await expect(publishSns(client, TOPIC, sampleNotification())).rejects.toThrow('Rate exceeded');
  });
});
