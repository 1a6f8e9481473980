/**
 * Loads the packaged bundles and invokes them the way the Lambda Node.js runtime does: the handler module is imported
 * once per function (module state survives between invocations, as in a warm execution environment) with the
 * function's environment set, and `handler(event, context)` is awaited with a Lambda-like context. The environment
 * points the AWS SDK at the simulator (`AWS_ENDPOINT_URL`) with credentials of the function's own (an access key id
 * per function, sim/iam/principals.ts), so the simulated AWS knows which role each call is made with.
 *
 * Invocations run one at a time, because `process.env` and the standard streams are process-wide: during an invocation
 * `process.env` holds the function's environment (host variables that could leak real AWS settings are removed) and
 * everything written to stdout/stderr (Powertools JSON logs, EMF metrics) is captured into the invocation record
 * instead of being printed. Both are restored afterwards.
 */
import type { Context } from 'aws-lambda';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { functionAccessKeyId } from '../iam/principals.js';
import { SeededRandom } from '../world/random.js';
import type { Package, PackagedFunction } from './template.js';
import { installVirtualDate } from './virtual-date.js';
import { extractZip } from './zip.js';

export interface LoadFunctionsOptions {
  /** Each bundle is extracted into `<workDir>/<functionName>/` (replacing what is there). */
  workDir: string;
  /** Where the SDK sends every request (`AWS_ENDPOINT_URL`). */
  endpointUrl: string;
  /** Default: the package's simulated region. */
  region?: string;
  /** Extra variables for every function, applied last (e.g. `AWS_ENDPOINT_URL_DYNAMODB`). */
  env?: Record<string, string>;
  /** Virtual time for the invocation records (e.g. the world's VirtualClock). */
  clock?: { now(): number };
  /** Seed of the request ids. Default 1. */
  seed?: number;
  /** Also print what handlers write (it is captured either way). */
  verbose?: boolean;
  /** Enforce the function timeout in real time (default true): a timed-out invocation fails and the next one is cold. */
  enforceTimeout?: boolean;
}

export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string | undefined;
}

export interface CapturedLine {
  stream: 'stdout' | 'stderr';
  text: string;
  /** The line parsed as JSON, when it is JSON (Powertools logs, EMF metrics). */
  json?: unknown;
}

export interface InvokeInfo {
  /** 1 for the first attempt, 2 and 3 for Lambda's retries of an asynchronous invocation. */
  attempt?: number;
  /** Name of the rule or schedule that caused the invocation. */
  source?: string;
}

export interface InvocationRecord {
  requestId: string;
  function: string;
  logicalId: string;
  eventId: string | undefined;
  detailType: string | undefined;
  source: string | undefined;
  attempt: number;
  coldStart: boolean;
  /** Virtual time (ms) at start and end; undefined without a clock. */
  startVirtualMs: number | undefined;
  endVirtualMs: number | undefined;
  /** Real wall-clock time (epoch ms) at start and end. */
  startRealMs: number;
  endRealMs: number;
  /** Real duration of the handler call (ms), and of the module import on a cold start. */
  durationMs: number;
  initDurationMs: number | undefined;
  result?: unknown;
  error?: ErrorInfo;
  timedOut: boolean;
  logs: CapturedLine[];
}

export interface LambdaFunction {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly config: PackagedFunction;
  /** The resolved environment of the function (without the runtime variables). */
  readonly environment: Readonly<Record<string, string>>;
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
  readonly onFailure: string | undefined;
  /** Absolute path of the extracted handler module. */
  readonly modulePath: string;
  /** Invokes the handler; never throws for a handler error: the record carries it. */
  invoke(event: unknown, info?: InvokeInfo): Promise<InvocationRecord>;
  /** Drops the loaded module: the next invocation imports it again (a new execution environment). */
  coldStart(): void;
  /** This function's invocations, oldest first. */
  readonly invocations: readonly InvocationRecord[];
}

export interface LoadedFunctions {
  readonly functions: readonly LambdaFunction[];
  /** By logical id, function name or short name (`alerts`). */
  get(idOrName: string): LambdaFunction;
  /** Every invocation of every function, oldest first. */
  readonly invocations: readonly InvocationRecord[];
  /** Every function's next invocation is a cold start. */
  coldStartAll(): void;
}

/** Host variables removed during an invocation: real AWS settings must never reach a simulated function. */
const STRIPPED_ENV = /^(AWS_|AMAZON_|POWERTOOLS_|LAMBDA_|_HANDLER$|_X_AMZN_|ECS_OPS_|NODE_OPTIONS$|IDEMPOTENCY_)/;

type Handler = (event: unknown, context: Context) => unknown;

function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) return { name: error.name || error.constructor.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: typeof error === 'string' ? error : JSON.stringify(error) ?? String(error) };
}

function findModule(root: string, handler: string): { path: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw Object.assign(new Error(`Bad handler ${JSON.stringify(handler)}: expected <module>.<export>`), { name: 'Runtime.MalformedHandlerName' });
  const base = join(root, handler.slice(0, dot));
  // The Node.js runtime looks for .js, .mjs and .cjs, in that order.
  const path = ['.js', '.mjs', '.cjs'].map((ext) => base + ext).find((p) => existsSync(p));
  if (!path) throw Object.assign(new Error(`Cannot find module '${handler.slice(0, dot)}' in ${root}`), { name: 'Runtime.ImportModuleError' });
  return { path, exportName: handler.slice(dot + 1) };
}

interface Capture {
  lines: CapturedLine[];
  stop(): void;
}

/** Captures everything written to stdout/stderr (and the global console) until `stop()`. */
function captureOutput(verbose: boolean): Capture {
  const buffers = { stdout: '', stderr: '' };
  const lines: CapturedLine[] = [];
  const flush = (stream: 'stdout' | 'stderr', all: boolean) => {
    const parts = buffers[stream].split('\n');
    buffers[stream] = all ? '' : (parts.pop() ?? '');
    for (const text of parts) {
      if (text === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      lines.push(json === undefined ? { stream, text } : { stream, text, json });
    }
  };
  // Own-property descriptors are saved and put back, so whatever `write` / console a test runner installed returns.
  const saved: { target: object; key: string; descriptor: PropertyDescriptor | undefined }[] = [];
  const replace = (target: object, key: string, value: unknown) => {
    saved.push({ target, key, descriptor: Object.getOwnPropertyDescriptor(target, key) });
    Object.defineProperty(target, key, { value, configurable: true, writable: true, enumerable: false });
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    replace(process[stream], 'write', (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      buffers[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      flush(stream, false);
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => { (done as (error?: Error | null) => void)(null); });
      return true;
    });
  }
  // Test runners replace the global console with one that does not write to process.stdout.
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const stream = method === 'warn' || method === 'error' ? 'stderr' : 'stdout';
    replace(console, method, (...args: unknown[]) => {
      buffers[stream] += `${args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' ')}\n`;
      flush(stream, false);
    });
  }
  return {
    lines,
    stop: () => {
      for (const { target, key, descriptor } of saved.reverse()) {
        if (descriptor) Object.defineProperty(target, key, descriptor);
        else Reflect.deleteProperty(target, key);
      }
      flush('stdout', true);
      flush('stderr', true);
      if (verbose) for (const line of lines) process[line.stream].write(`${line.text}\n`);
    },
  };
}

/** Replaces `process.env` (in place) for the duration of an invocation. Returns the restore function. */
function swapEnv(variables: Record<string, string>): () => void {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (STRIPPED_ENV.test(key)) Reflect.deleteProperty(process.env, key);
  Object.assign(process.env, variables);
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) Reflect.deleteProperty(process.env, key);
    for (const [key, value] of Object.entries(saved)) if (value !== undefined) process.env[key] = value;
  };
}

/** Extracts the package's bundles and returns their invokers. */
export function loadFunctions(pkg: Package, options: LoadFunctionsOptions): Promise<LoadedFunctions> {
  const random = new SeededRandom(options.seed ?? 1);
  // Seeds of the invocations' clocks (backoff jitter): a stream of their own, so request ids stay as they were.
  const clockSeeds = new SeededRandom(((options.seed ?? 1) ^ 0x7f4a7c15) >>> 0);
  const region = options.region ?? pkg.stack.region;
  const all: InvocationRecord[] = [];
  const enforceTimeout = options.enforceTimeout ?? true;
  // One invocation at a time across all functions: process.env and the streams are shared.
  let queue: Promise<unknown> = Promise.resolve();
  const serialize = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };

  const functions = pkg.functions.map((config): LambdaFunction => {
    const root = join(options.workDir, config.functionName);
    rmSync(root, { recursive: true, force: true });
    extractZip(config.zip, root);
    const environment = pkg.environment(config);
    const logGroupName = `/aws/lambda/${config.functionName}`;
    const invocations: InvocationRecord[] = [];
    let generation = 0;
    let loaded: Handler | undefined;
    let located: { path: string; exportName: string } | undefined;
    let logStream = '';
    /** Virtual time the warm execution environment finished its last invocation. */
    let environmentFreeAt = Number.NEGATIVE_INFINITY;

    const runtimeEnv = (): Record<string, string> => ({
      ...environment,
      AWS_ENDPOINT_URL: options.endpointUrl,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: functionAccessKeyId(pkg.stack.stackName, config.logicalId),
      AWS_SECRET_ACCESS_KEY: 'simulated-secret-access-key',
      AWS_SESSION_TOKEN: 'simulated-session-token',
      // No shared config or credentials files: the host's ~/.aws must not change what the function does.
      AWS_CONFIG_FILE: join(root, '.aws-config-none'),
      AWS_SHARED_CREDENTIALS_FILE: join(root, '.aws-credentials-none'),
      AWS_LAMBDA_FUNCTION_NAME: config.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: logStream,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_EXECUTION_ENV: `AWS_Lambda_${config.runtime ?? 'nodejs'}`,
      LAMBDA_TASK_ROOT: root,
      _HANDLER: config.handler,
      ECS_OPS_ALLOW_LOCAL_WEBHOOK: '1',
      ...options.env,
    });

    const fn: LambdaFunction = {
      logicalId: config.logicalId,
      name: config.functionName,
      arn: config.arn,
      config,
      environment,
      maximumRetryAttempts: config.maximumRetryAttempts,
      maximumEventAgeSeconds: config.maximumEventAgeSeconds,
      onFailure: config.onFailure,
      get modulePath() {
        return findModule(root, config.handler).path;
      },
      invocations,
      coldStart: () => {
        loaded = undefined;
      },
      invoke: (event, info = {}) =>
        serialize(async () => {
          const coldStart = loaded === undefined;
          if (coldStart) logStream = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${random.hex(32)}`;
          const requestId = random.uuid();
          const record: InvocationRecord = {
            requestId,
            function: config.functionName,
            logicalId: config.logicalId,
            eventId: typeof event === 'object' && event !== null && typeof (event as { id?: unknown }).id === 'string' ? (event as { id: string }).id : undefined,
            detailType: typeof event === 'object' && event !== null && typeof (event as Record<string, unknown>)['detail-type'] === 'string' ? ((event as Record<string, unknown>)['detail-type'] as string) : undefined,
            source: info.source,
            attempt: info.attempt ?? 1,
            coldStart,
            startVirtualMs: options.clock?.now(),
            endVirtualMs: undefined,
            startRealMs: Date.now(),
            endRealMs: 0,
            durationMs: 0,
            initDurationMs: undefined,
            timedOut: false,
            logs: [],
          };
          const restoreEnv = swapEnv(runtimeEnv());
          const capture = captureOutput(options.verbose ?? false);
          const clock = options.clock;
          const timeoutMs = config.timeoutSeconds * 1000;
          // Installed before a cold start's import: module-level code (SDK clients) sees the virtual clock too.
          // One execution environment runs its invocations one after the other: an invocation starts at the world's
          // time, or when the previous one of this environment ended (virtually) if that is later. So clocks inside
          // the environment (the SDK's rate limiter, caches) never go back.
          if (coldStart) environmentFreeAt = Number.NEGATIVE_INFINITY;
          const virtual = clock ? installVirtualDate(Math.max(clock.now(), environmentFreeAt), { timeoutMs, seed: clockSeeds.int(2 ** 32) }) : undefined;
          if (virtual) record.startVirtualMs = virtual.clock.startMs;
          let timer: NodeJS.Timeout | undefined;
          try {
            if (!loaded) {
              const initStart = performance.now();
              located ??= findModule(root, config.handler);
              // A new query string is a new module instance: a fresh execution environment.
              const url = `${pathToFileURL(located.path).href}?instance=${++generation}`;
              const module = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
              const exported = module[located.exportName];
              if (typeof exported !== 'function') {
                throw Object.assign(new Error(`${config.handler} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
              }
              loaded = exported as Handler;
              record.initDurationMs = performance.now() - initStart;
            }
            const handler = loaded;
            const started = performance.now();
            // No done/fail/succeed: the nodejs24.x runtime supports async handlers only.
            const context = {
              callbackWaitsForEmptyEventLoop: true,
              functionName: config.functionName,
              functionVersion: '$LATEST',
              invokedFunctionArn: config.arn,
              memoryLimitInMB: String(config.memoryMb),
              awsRequestId: requestId,
              logGroupName,
              logStreamName: logStream,
              // On the virtual clock when there is one: the deadline moves with the handler's virtual waits only.
              getRemainingTimeInMillis: () =>
                virtual ? virtual.clock.remainingMs() : Math.max(0, Math.round(timeoutMs - (performance.now() - started))),
            } as Context;
            const timedOut = () => Object.assign(new Error(`Task timed out after ${config.timeoutSeconds.toFixed(2)} seconds`), { name: 'Sandbox.Timedout' });
            const call = Promise.resolve().then(() => handler(event, context));
            const virtualTimeout = virtual?.clock.timedOut.catch(() => {
              record.timedOut = true;
              throw timedOut();
            });
            const outcome = enforceTimeout
              ? await Promise.race([
                  call,
                  ...(virtualTimeout ? [virtualTimeout] : []),
                  // A safety net in real time (a handler stuck on something that is not virtual).
                  new Promise<never>((_, reject) => {
                    timer = setTimeout(() => {
                      record.timedOut = true;
                      reject(timedOut());
                    }, timeoutMs);
                    timer.unref();
                  }),
                ])
              : await call;
            // Requests alone (no wait) can take the handler past its timeout: Lambda would have stopped it there.
            if (enforceTimeout && virtual?.clock.overdue === true) {
              record.timedOut = true;
              throw timedOut();
            }
            record.durationMs = performance.now() - started;
            record.result = outcome;
          } catch (error) {
            record.error = errorInfo(error);
            // Lambda replaces the execution environment after a timeout or a failed init.
            if (record.timedOut || record.error.name.startsWith('Runtime.')) loaded = undefined;
          } finally {
            if (timer) clearTimeout(timer);
            virtual?.restore();
            capture.stop();
            restoreEnv();
            record.logs = capture.lines;
            record.endRealMs = Date.now();
            if (record.durationMs === 0) record.durationMs = record.endRealMs - record.startRealMs;
            // The world's clock stands still during an invocation: the end is its start plus the handler's virtual time.
            record.endVirtualMs = virtual ? virtual.clock.now() : options.clock?.now();
            if (virtual) environmentFreeAt = virtual.clock.now();
            invocations.push(record);
            all.push(record);
          }
          return record;
        }),
    };
    return fn;
  });

  const loadedFunctions: LoadedFunctions = {
    functions,
    invocations: all,
    get: (idOrName) => {
      const found = functions.find((f) => f.logicalId === idOrName || f.name === idOrName || f.config.handler.startsWith(`functions/${idOrName}.`));
      if (!found) throw new Error(`no function ${idOrName} (have ${functions.map((f) => f.logicalId).join(', ')})`);
      return found;
    },
    coldStartAll: () => {
      for (const f of functions) f.coldStart();
    },
  };
  return Promise.resolve(loadedFunctions);
}
