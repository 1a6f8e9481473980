import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFunctions, type LoadedFunctions } from '../../../sim/runtime/functions.js';
import { readPackage, type Package } from '../../../sim/runtime/template.js';
import { VirtualClock } from '../../../sim/world/clock.js';
import { syntheticPackage, tempDir } from './support.js';

// Plain ESM, as a bundle would be: module state, logs on stdout/stderr, and a view of what the handler saw.
const counterSource = `
let count = 0;
const initEnv = process.env.AWS_LAMBDA_FUNCTION_NAME;
export const handler = async (event, context) => {
  count++;
  process.stdout.write(JSON.stringify({ level: 'INFO', message: 'handling', count }) + '\\n');
  process.stdout.write('{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"ecs-ops","Dimensions":[["service"]],"Metrics":[{"Name":"Handled","Unit":"Count"}]}]},"service":"t","Handled":1}\\n');
  process.stderr.write('partial ');
  console.error('line from console.error');
  if (event.fail) throw new RangeError('asked to fail');
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  // lib/time's sleep, as a bundle calls it: the simulator's time source.
  if (event.virtualSleepMs) await globalThis[Symbol.for('ecs-ops.time-source')].sleep(event.virtualSleepMs);
  if (event.leak) process.env.LEAKED = 'yes';
  const env = {};
  for (const key of ['TABLE', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_LAMBDA_FUNCTION_NAME', 'ECS_OPS_ALLOW_LOCAL_WEBHOOK', 'AWS_PROFILE', 'EXTRA', 'PATH']) env[key] = process.env[key];
  const { functionName, functionVersion, invokedFunctionArn, memoryLimitInMB, awsRequestId, logGroupName, callbackWaitsForEmptyEventLoop } = context;
  return { count, initEnv, env, now: Date.now(), remaining: context.getRemainingTimeInMillis(), context: { functionName, functionVersion, invokedFunctionArn, memoryLimitInMB, awsRequestId, logGroupName, callbackWaitsForEmptyEventLoop } };
};
`;

let pkg: Package;
let functions: LoadedFunctions;
const clock = new VirtualClock(Date.parse('2026-03-27T12:00:00Z'));
const hostProfile = process.env.AWS_PROFILE;

beforeAll(async () => {
  const dir = syntheticPackage([
    { name: 'counter', source: counterSource, timeout: 1, environment: { TABLE: { Ref: 'IdempotencyTable' } } },
    { name: 'broken', source: 'export const notTheHandler = 1;' },
  ]);
  pkg = readPackage(dir);
  process.env.AWS_PROFILE = 'a-real-profile';
  functions = await loadFunctions(pkg, { workDir: tempDir('functions'), endpointUrl: 'http://127.0.0.1:4566', clock, seed: 5, env: { EXTRA: 'extra' } });
});

afterAll(() => {
  if (hostProfile === undefined) delete process.env.AWS_PROFILE;
  else process.env.AWS_PROFILE = hostProfile;
});

interface CounterResult {
  count: number;
  initEnv: string;
  env: Record<string, string | undefined>;
  remaining: number;
  now: number;
  context: Record<string, unknown>;
}

describe('loadFunctions', () => {
  it('extracts each bundle into workDir/<functionName>/', () => {
    const counter = functions.get('counter');
    expect(counter.modulePath).toMatch(/svc-test-counter\/functions\/counter\.mjs$/);
    expect(functions.get('CounterLambdaFunction')).toBe(counter);
    expect(functions.get('svc-test-counter')).toBe(counter);
    expect(() => functions.get('missing')).toThrow(/no function missing/);
  });

  it('invokes the handler with the function environment and a Lambda-like context, then restores process.env', async () => {
    clock.advanceBy(1000);
    const record = await functions.get('counter').invoke({ id: 'evt-1', 'detail-type': 'Thing Happened' }, { attempt: 2, source: 'rule-1' });
    expect(record.error).toBeUndefined();
    const result = record.result as CounterResult;
    expect(result.env).toMatchObject({
      TABLE: pkg.ref('IdempotencyTable'),
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'svc-test-counter',
      ECS_OPS_ALLOW_LOCAL_WEBHOOK: '1',
      EXTRA: 'extra',
      AWS_PROFILE: undefined,
    });
    expect(result.env.AWS_ACCESS_KEY_ID).toBeTruthy();
    expect(result.env.PATH).toBe(process.env.PATH);
    expect(result.initEnv).toBe('svc-test-counter');
    expect(result.context).toEqual({
      functionName: 'svc-test-counter',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:svc-test-counter',
      memoryLimitInMB: '512',
      awsRequestId: record.requestId,
      logGroupName: '/aws/lambda/svc-test-counter',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(result.remaining).toBeGreaterThan(0);
    expect(result.remaining).toBeLessThanOrEqual(1000);
    expect(record).toMatchObject({ function: 'svc-test-counter', logicalId: 'CounterLambdaFunction', eventId: 'evt-1', detailType: 'Thing Happened', attempt: 2, source: 'rule-1', coldStart: true, timedOut: false });
    expect(record.startVirtualMs).toBe(clock.now());
    expect(record.initDurationMs).toBeGreaterThan(0);
    expect(record.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(process.env.AWS_PROFILE).toBe('a-real-profile');
    expect(process.env.TABLE).toBeUndefined();
    expect(process.env.AWS_ENDPOINT_URL).toBeUndefined();
  });

  it('captures stdout/stderr (JSON logs, EMF metrics, console) into the record', async () => {
    const record = await functions.get('counter').invoke({});
    expect(record.logs.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', expect.stringContaining('"message":"handling"')],
      ['stdout', expect.stringContaining('"_aws"')],
      ['stderr', 'partial line from console.error'],
    ]);
    expect(record.logs[0]!.json).toMatchObject({ level: 'INFO', message: 'handling' });
    expect(record.logs[1]!.json).toMatchObject({ Handled: 1 });
    expect(record.logs[2]!.json).toBeUndefined();
  });

  it('keeps module state between invocations (warm) and resets it on coldStart()', async () => {
    const counter = functions.get('counter');
    const before = (await counter.invoke({})).result as CounterResult;
    const warm = await counter.invoke({});
    expect(warm.coldStart).toBe(false);
    expect((warm.result as CounterResult).count).toBe(before.count + 1);
    counter.coldStart();
    const cold = await counter.invoke({});
    expect(cold.coldStart).toBe(true);
    expect((cold.result as CounterResult).count).toBe(1);
  });

  it('records a handler error without throwing, and removes variables the handler set', async () => {
    const record = await functions.get('counter').invoke({ fail: true, leak: false });
    expect(record.error).toMatchObject({ name: 'RangeError', message: 'asked to fail' });
    expect(record.result).toBeUndefined();
    await functions.get('counter').invoke({ leak: true });
    expect(process.env.LEAKED).toBeUndefined();
  });

  it('fails an invocation that runs past the timeout, and starts the next one cold', async () => {
    const counter = functions.get('counter');
    const record = await counter.invoke({ sleepMs: 1500 });
    expect(record).toMatchObject({ timedOut: true, error: { name: 'Sandbox.Timedout', message: 'Task timed out after 1.00 seconds' } });
    expect((await counter.invoke({})).coldStart).toBe(true);
  });

  it('virtual waits: Date and the remaining time move by the wait, not by real time; the next invocation of the warm environment starts after it', async () => {
    const counter = functions.get('counter');
    counter.coldStart();
    clock.advanceBy(60_000);
    const record = await counter.invoke({ virtualSleepMs: 600 });
    expect(record.error).toBeUndefined();
    const result = record.result as CounterResult;
    expect(result.now).toBe(clock.now() + 600);
    expect(result.remaining).toBe(400);
    expect(record).toMatchObject({ startVirtualMs: clock.now(), endVirtualMs: clock.now() + 600, timedOut: false });
    expect(record.durationMs).toBeLessThan(500);
    // The world has not moved: the environment was busy until +600 ms, so the next invocation starts then.
    const next = await counter.invoke({});
    expect(next.startVirtualMs).toBe(clock.now() + 600);
    expect((next.result as CounterResult).now).toBe(clock.now() + 600);
  });

  it('a virtual wait past the timeout fails the invocation at once (Sandbox.Timedout), and the next one is cold', async () => {
    const counter = functions.get('counter');
    clock.advanceBy(60_000);
    const record = await counter.invoke({ virtualSleepMs: 5_000 });
    expect(record).toMatchObject({ timedOut: true, error: { name: 'Sandbox.Timedout', message: 'Task timed out after 1.00 seconds' }, endVirtualMs: clock.now() + 1000 });
    expect(record.durationMs).toBeLessThan(900);
    const next = await counter.invoke({});
    expect(next.coldStart).toBe(true);
    expect(next.startVirtualMs).toBe(clock.now());
  });

  it('reports a handler that is not exported', async () => {
    const record = await functions.get('broken').invoke({});
    expect(record.error).toMatchObject({ name: 'Runtime.HandlerNotFound', message: 'functions/broken.handler is undefined or not exported' });
  });

  it('runs invocations one at a time, in call order', async () => {
    const counter = functions.get('counter');
    const records = await Promise.all([counter.invoke({ id: 'a', sleepMs: 50 }), counter.invoke({ id: 'b' }), counter.invoke({ id: 'c', sleepMs: 10 })]);
    expect(records.map((r) => r.eventId)).toEqual(['a', 'b', 'c']);
    for (let i = 1; i < records.length; i++) expect(records[i]!.startRealMs).toBeGreaterThanOrEqual(records[i - 1]!.endRealMs);
    expect(functions.invocations.slice(-3)).toEqual(records);
  });

  it('uses seeded request ids', async () => {
    const dir = syntheticPackage([{ name: 'counter', source: counterSource }]);
    const ids = async () => {
      const loaded = await loadFunctions(readPackage(dir), { workDir: join(tempDir('functions-seed'), 'w'), endpointUrl: 'http://127.0.0.1:1', seed: 42 });
      return [(await loaded.get('counter').invoke({})).requestId, (await loaded.get('counter').invoke({})).requestId];
    };
    expect(await ids()).toEqual(await ids());
  });
});
