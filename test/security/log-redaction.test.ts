/**
 * No function ever logs the Slack webhook URL or its secret path, whatever happens to the post. Generalises the alerts
 * handler's log check to every function in functions/ (discovered, so new ones are covered): each runs as in
 * production (bundled config, packaged environment, every AWS client stubbed) with SSM answering a webhook URL that
 * carries a recognisable secret, on every event sample, while Slack (a real HTTP server on 127.0.0.1) accepts,
 * refuses (404 no_service, 400 invalid_blocks), fails (500), or cannot be reached. Everything written to stdout,
 * stderr and the console, and every error a handler throws (Lambda logs it), is searched for the secret.
 */
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { PublishCommand } from '@aws-sdk/client-sns';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSlackSink, type SlackSinkServer } from '../../sim/server/slack-sink.js';
import { fixtureEvent, repoRoot } from '../support/fixtures.js';
import { packageExample } from '../support/package.js';
import { captureOutput, coldHandler, configLiteralFromPackage, discoverFunctions, environmentsFromTemplate, lambdaContext, mockEveryAwsClient, type AwsMocks } from '../fuzz/handlers.js';

const SECRET = 'XyZs3cr3tW3bh00kT0k3nQ';
const SECRET_PATH = `/services/T0SECRET0/B0SECRET0/${SECRET}`;
const FIXTURES = readdirSync(join(repoRoot, 'test/fixtures/events'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();

type SlackMode = 'accepts' | 'no_service' | 'invalid_blocks' | 'server error' | 'unreachable';
const MODES: SlackMode[] = ['accepts', 'no_service', 'invalid_blocks', 'server error', 'unreachable'];

let slack: SlackSinkServer;
let aws: AwsMocks;
let configLiteral: string;
let environments: Map<string, Record<string, string>>;

beforeAll(async () => {
  const dir = await packageExample();
  configLiteral = configLiteralFromPackage(dir);
  environments = environmentsFromTemplate(dir);
  slack = await startSlackSink();
  aws = await mockEveryAwsClient();
}, 240_000);

afterAll(async () => {
  aws.restore();
  await slack.close();
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function answer(mode: SlackMode): void {
  aws.reset();
  // 127.0.0.1:9 (discard) refuses connections: the network-error path, whose description may carry the URL.
  const base = mode === 'unreachable' ? 'http://127.0.0.1:9' : slack.url('/').replace(/\/$/, '');
  for (const stub of aws.stubs.get('ssm') ?? []) stub.on(GetParameterCommand).callsFake((input: { Name: string }) => ({ Parameter: { Name: input.Name, Type: 'SecureString', Value: `${base}${SECRET_PATH}`, Version: 1 } }));
  for (const stub of aws.stubs.get('sns') ?? []) stub.on(PublishCommand).resolves({ MessageId: 'm-1' });
  if (mode === 'no_service') slack.respondWith(Array.from({ length: 50 }, () => ({ status: 404, body: `no_service ${SECRET_PATH}` })));
  if (mode === 'invalid_blocks') slack.respondWith(Array.from({ length: 50 }, () => ({ status: 400, body: 'invalid_blocks' })));
  if (mode === 'server error') slack.respondWith(Array.from({ length: 50 }, () => ({ status: 500, body: `internal error for ${SECRET_PATH}` })));
}

/**
 * Slack is paced at one post a second and failed posts are retried after 1 s and 2 s, in real time: the modes after
 * `accepts` replay only two of the samples that made the function post (all samples when none did).
 */
const postingSamples = new Map<string, string[]>();
const FAILING_MODE_SAMPLES = 2;

describe.each(discoverFunctions())('$name: logs never carry the Slack webhook URL', (fn) => {
  it.each(MODES)('when Slack %s, on the event samples', async (mode) => {
    answer(mode);
    const handler = await coldHandler(fn, configLiteral, { ...environments.get(fn.name), ECS_OPS_ALLOW_LOCAL_WEBHOOK: '1' });
    const output = captureOutput();
    const thrown: string[] = [];
    const before = slack.received.length;
    const posting = postingSamples.get(fn.name) ?? [];
    const samples = mode === 'accepts' || posting.length === 0 ? FIXTURES : posting.slice(0, FAILING_MODE_SAMPLES);
    for (const [i, name] of samples.entries()) {
      const received = slack.received.length;
      try {
        await handler(fixtureEvent(name), lambdaContext(`ecs-ops-${fn.name}`, `req-${mode}-${i}`));
      } catch (error) {
        // What Lambda would log for a failed invocation: the error with its stack and causes.
        thrown.push(error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error, Object.getOwnPropertyNames(error))}` : String(error));
      }
      if (mode === 'accepts' && slack.received.length > received) postingSamples.set(fn.name, [...(postingSamples.get(fn.name) ?? []), name]);
    }
    const posts = slack.received.length - before;
    const ssmReads = aws.calls().filter((c) => c.action === 'ssm:GetParameter').length;
    vi.restoreAllMocks();
    console.info(`${fn.name}, Slack ${mode}: ${samples.length} events, ${ssmReads} webhook reads, ${posts} posts received, ${thrown.length} invocations failed, ${output.lines.length} lines logged`);
    const everything = `${output.text()}\n${thrown.join('\n')}`;
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('T0SECRET0/B0SECRET0');
    // The check saw real output: every function logs something for these events.
    expect(output.lines.length).toBeGreaterThan(0);
  }, 120_000);
});

describe('the redaction check', () => {
  it('reaches Slack through some function (the URL was really in use)', async () => {
    const alerts = discoverFunctions().find((f) => f.name === 'alerts');
    expect(alerts).toBeDefined();
    answer('accepts');
    const handler = await coldHandler(alerts!, configLiteral, { ...environments.get('alerts'), ECS_OPS_ALLOW_LOCAL_WEBHOOK: '1' });
    captureOutput();
    const before = slack.received.length;
    await handler(fixtureEvent('ecs-service-action-placement-failure-ec2-cpu'), lambdaContext('ecs-ops-alerts', 'req-reach'));
    vi.restoreAllMocks();
    expect(slack.received.length - before).toBeGreaterThan(0);
    expect(slack.received.at(-1)?.path).toBe(SECRET_PATH);
  }, 60_000);
});
