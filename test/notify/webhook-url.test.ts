import { AccessDeniedException, GetParameterCommand, ParameterNotFound, SSMClient, ThrottlingException } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ALLOW_LOCAL_WEBHOOK_ENV, WebhookUrlError, WebhookUrlSource, webhookUrlProblem } from '../../lib/notify/webhook-url.js';
import { recordingLogger } from './support.js';

const ssmMock = mockClient(SSMClient);
const PARAM = '/ecs-ops/slack/ops';
const SLACK_URL = 'https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/c2VjcmV0dG9rZW52YWx1ZQ';

let log: ReturnType<typeof recordingLogger>;

function source(env: Record<string, string | undefined> = {}, maxAgeSeconds?: number): WebhookUrlSource {
  return new WebhookUrlSource({
    ssmClient: new SSMClient({ region: 'us-east-1' }),
    env,
    logger: log.logger,
    ...(maxAgeSeconds !== undefined ? { maxAgeSeconds } : {}),
  });
}

async function failure(promise: Promise<unknown>): Promise<WebhookUrlError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WebhookUrlError);
  return error as WebhookUrlError;
}

beforeEach(() => {
  ssmMock.reset();
  log = recordingLogger();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('WebhookUrlSource', () => {
  it('reads the SecureString with decryption', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Name: PARAM, Type: 'SecureString', Value: SLACK_URL } });
    await expect(source().get(PARAM)).resolves.toBe(SLACK_URL);
    expect(ssmMock).toHaveReceivedCommandWith(GetParameterCommand, { Name: PARAM, WithDecryption: true });
  });

  it('caches the value for 5 minutes: two reads make one SSM call', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: SLACK_URL } });
    const urls = source();
    await urls.get(PARAM);
    await urls.get(PARAM);
    expect(ssmMock).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    vi.advanceTimersByTime(299_000);
    await urls.get(PARAM);
    expect(ssmMock).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    vi.advanceTimersByTime(2_000);
    await urls.get(PARAM);
    expect(ssmMock).toHaveReceivedCommandTimes(GetParameterCommand, 2);
  });

  it('names the parameter when it does not exist', async () => {
    ssmMock.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: {} }));
    const error = await failure(source().get(PARAM));
    expect(error.message).toBe(`Slack webhook parameter "${PARAM}" does not exist (SSM ParameterNotFound)`);
    expect(error.parameter).toBe(PARAM);
    expect(error.permanent).toBe(true);
  });

  it('treats access denied as permanent and throttling as transient', async () => {
    ssmMock.on(GetParameterCommand).rejectsOnce(new AccessDeniedException({ Message: 'not authorized', message: 'not authorized', $metadata: {} }));
    const denied = await failure(source().get(PARAM));
    expect(denied.permanent).toBe(true);
    expect(denied.message).toContain(PARAM);
    expect(denied.message).toContain('AccessDeniedException');

    ssmMock.on(GetParameterCommand).rejectsOnce(new ThrottlingException({ Message: 'Rate exceeded', message: 'Rate exceeded', $metadata: {} }));
    const throttled = await failure(source().get(PARAM));
    expect(throttled.permanent).toBe(false);
    expect(throttled.message).toContain(PARAM);
  });

  it.each([
    ['not a URL', 'hooks.slack.com/services/x'],
    ['another host', 'https://hooks.slack.com.evil.example/services/T0/B0/secret'],
    ['plain http', 'http://hooks.slack.com/services/T0/B0/secret'],
    ['credentials', 'https://user:pw@hooks.slack.com/services/T0/B0/secret'],
    ['no path', 'https://hooks.slack.com/?secret=1'],
    ['local without opt-in', 'http://127.0.0.1:8080/services/T0/B0/secret'],
  ])('rejects %s without quoting the value', async (_, value) => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: value } });
    const error = await failure(source().get(PARAM));
    expect(error.message).toContain(`"${PARAM}"`);
    expect(error.permanent).toBe(true);
    expect(error.message).not.toContain(value);
    expect(error.message).not.toContain('secret');
  });

  it('accepts a local URL only with ECS_OPS_ALLOW_LOCAL_WEBHOOK=1', async () => {
    const local = 'http://127.0.0.1:45678/services/T0/B0/secret';
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: local } });
    await expect(source({ [ALLOW_LOCAL_WEBHOOK_ENV]: '1' }).get(PARAM)).resolves.toBe(local);
    await expect(source({ [ALLOW_LOCAL_WEBHOOK_ENV]: 'true' }).get(PARAM)).rejects.toThrow(/ECS_OPS_ALLOW_LOCAL_WEBHOOK=1/);
    expect(webhookUrlProblem('http://localhost:45678/x', true)).toBeDefined();
    expect(webhookUrlProblem('http://127.0.0.1/x', true)).toBeDefined();
  });

  it('rejects an empty value', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: '  ' } });
    const error = await failure(source().get(PARAM));
    expect(error.message).toBe(`Slack webhook parameter "${PARAM}" is empty`);
  });

  it('never logs the URL', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: ` ${SLACK_URL}\n` } });
    await expect(source().get(PARAM)).resolves.toBe(SLACK_URL);
    expect(log.lines.length).toBeGreaterThan(0);
    expect(log.text()).toContain(PARAM);
    expect(log.text()).not.toContain('c2VjcmV0dG9rZW52YWx1ZQ');
    expect(log.text()).not.toContain('hooks.slack.com');
  });
});
