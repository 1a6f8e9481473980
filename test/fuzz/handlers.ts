/**
 * Every Lambda handler of the toolkit, discovered from functions/*.ts (a new function is covered as soon as its file
 * exists), run as in production: its exported `handler`, the config bundled the way esbuild's `define` bundles it
 * (`__ECS_OPS_CONFIG__`), the environment the packaged template gives it, and every AWS SDK client of the
 * dependencies replaced by aws-sdk-client-mock stubs that record each call. Output (Powertools JSON logs, EMF metrics,
 * console) is captured.
 */
import type { Context } from 'aws-lambda';
import type { MetadataBearer } from '@smithy/types';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vi } from 'vitest';
import { repoRoot } from '../support/fixtures.js';
import { bundledConfigDigest } from '../../lib/config/bundled.js';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface FunctionUnderTest {
  /** Short name: the file name without `.ts` (`alerts`, `drain`, …). */
  name: string;
  modulePath: string;
}

/** functions/*.ts that export a `handler`. */
export function discoverFunctions(): FunctionUnderTest[] {
  const dir = join(repoRoot, 'functions');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
    .sort()
    .map((f) => ({ name: f.slice(0, -3), modulePath: join(dir, f) }));
}

interface TemplateFunction {
  Type: string;
  Properties: { Handler?: string; Environment?: { Variables?: Record<string, unknown> } };
}

/**
 * The environment variables of each packaged function by short name (from `functions/<name>.handler`), references
 * to stack resources replaced by a name (`IDEMPOTENCY_TABLE: ecs-ops-test-IdempotencyTable`).
 */
export function environmentsFromTemplate(packageDir: string): Map<string, Record<string, string>> {
  const template = JSON.parse(readFileSync(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8')) as { Resources: Record<string, TemplateFunction> };
  const out = new Map<string, Record<string, string>>();
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const name = /^functions\/([\w-]+)\.handler$/.exec(resource.Properties.Handler ?? '')?.[1];
    if (name === undefined) continue;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(resource.Properties.Environment?.Variables ?? {})) {
      env[k] = typeof v === 'string' ? v : typeof v === 'object' && v !== null && 'Ref' in v ? `ecs-ops-test-${String((v).Ref)}` : JSON.stringify(v);
    }
    // Source maps are the bundle's business; here the sources run directly.
    delete env.NODE_OPTIONS;
    out.set(name, env);
  }
  return out;
}

/** The config a package bundles into its functions (serverless-state.json: a JS string literal of the JSON). */
export function configLiteralFromPackage(packageDir: string): string {
  const state = JSON.parse(readFileSync(join(packageDir, 'serverless-state.json'), 'utf8')) as { service: { custom: { deploy: { configLiteral: string } } } };
  return JSON.parse(state.service.custom.deploy.configLiteral) as string;
}

/** Defaults for a function the example package does not contain (not enabled by the example config). */
const DEFAULT_ENV: Record<string, string> = { IDEMPOTENCY_TABLE: 'ecs-ops-test-IdempotencyTable', POWERTOOLS_LOG_LEVEL: 'INFO' };

const HOST_ENV_REMOVED = ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'POWERTOOLS_DEV'];

/**
 * Imports a fresh copy of the function module (a cold start: module state such as the cached production handler is
 * new) with the bundled config and environment in place. Returns the handler and a function restoring the environment.
 */
export async function coldHandler(fn: FunctionUnderTest, configLiteral: string, env: Record<string, string> | undefined): Promise<Handler> {
  vi.resetModules();
  (globalThis as { __ECS_OPS_CONFIG__?: string }).__ECS_OPS_CONFIG__ = configLiteral;
  // What esbuild defines next to it in a package (prepare.ts writes both).
  (globalThis as { __ECS_OPS_CONFIG_DIGEST__?: string }).__ECS_OPS_CONFIG_DIGEST__ = bundledConfigDigest(configLiteral);
  for (const key of HOST_ENV_REMOVED) vi.stubEnv(key, undefined);
  for (const [k, v] of Object.entries({ ...DEFAULT_ENV, AWS_REGION: 'us-east-1', ...(env ?? {}) })) vi.stubEnv(k, v);
  const mod = (await import(fn.modulePath)) as { handler?: unknown };
  if (typeof mod.handler !== 'function') throw new Error(`${fn.modulePath} exports no handler function`);
  return mod.handler as Handler;
}

export function lambdaContext(functionName: string, requestId = 'fuzz-request'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'fuzz',
    getRemainingTimeInMillis: () => 30_000,
  } as unknown as Context; // done/fail/succeed: deprecated callbacks no handler uses
}

export interface RecordedCall {
  /** `ecs:UpdateContainerInstancesState`, `dynamodb:PutItem`, … (service from the SDK package name). */
  action: string;
  input: unknown;
}

/** Read-only by name: Describe*, List*, Get* (and Batch forms). */
export const isReadOnlyOperation = (action: string): boolean => /^(Batch)?(Describe|List|Get)[A-Z]/.test(action.split(':')[1] ?? '');

export interface AwsMocks {
  /** Every stubbed client class, by service. */
  stubs: Map<string, AwsStub<object, MetadataBearer, object>[]>;
  calls(): RecordedCall[];
  mutatingCalls(): RecordedCall[];
  reset(): void;
  restore(): void;
}

/**
 * Stubs every `*Client` class exported by the AWS SDK packages in package.json's dependencies (so a client a new
 * function adds is covered). Every call resolves `undefined` unless a test sets an answer on `stubs`.
 */
export async function mockEveryAwsClient(): Promise<AwsMocks> {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const stubs = new Map<string, AwsStub<object, MetadataBearer, object>[]>();
  const owners: { service: string; stub: AwsStub<object, MetadataBearer, object> }[] = [];
  for (const name of Object.keys(pkg.dependencies).filter((d) => /^@aws-sdk\/(client|lib)-/.test(d))) {
    const service = name.replace(/^@aws-sdk\/(client|lib)-/, '').replace(/-/g, '');
    const mod = (await import(name)) as Record<string, unknown>;
    for (const [exported, value] of Object.entries(mod)) {
      // `__Client` is smithy's base class re-exported by every package: stubbing it would stub every client at once.
      if (!exported.endsWith('Client') || exported.startsWith('__') || typeof value !== 'function') continue;
      const proto = (value as { prototype?: { send?: unknown } }).prototype;
      if (typeof proto?.send !== 'function') continue;
      // mockClient's typing wants a concrete client class; any class with `send` works at run time.
      const stub = mockClient(value as Parameters<typeof mockClient>[0]) as unknown as AwsStub<object, MetadataBearer, object>;
      stubs.set(service, [...(stubs.get(service) ?? []), stub]);
      owners.push({ service, stub });
    }
  }
  const calls = (): RecordedCall[] =>
    owners.flatMap(({ service, stub }) =>
      stub.calls().map((call) => {
        const command = call.args[0] as { constructor: { name: string }; input: unknown };
        return { action: `${service}:${command.constructor.name.replace(/Command$/, '')}`, input: command.input };
      }),
    );
  return {
    stubs,
    calls,
    mutatingCalls: () => calls().filter((c) => !isReadOnlyOperation(c.action)),
    reset: () => { for (const { stub } of owners) stub.reset(); },
    restore: () => { for (const { stub } of owners) stub.restore(); },
  };
}

export interface CapturedOutput {
  lines: string[];
  /** Lines parsed as JSON (Powertools logs), others skipped. */
  json(): Record<string, unknown>[];
  text(): string;
  clear(): void;
}

/** Captures stdout, stderr and console while the test runs (restored by vi.restoreAllMocks). */
export function captureOutput(): CapturedOutput {
  const lines: string[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => { lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')); });
  }
  return {
    lines,
    json: () =>
      lines
        .flatMap((chunk) => chunk.split('\n'))
        .flatMap((line) => {
          if (!line.trim().startsWith('{')) return [];
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    text: () => lines.join('\n'),
    clear: () => { lines.length = 0; },
  };
}
