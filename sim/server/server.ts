/**
 * One HTTP server on 127.0.0.1 that the real AWS SDK v3 clients talk to unchanged (`endpoint: server.url`, or
 * `AWS_ENDPOINT_URL`): ECS, Application Auto Scaling and SSM over JSON 1.1, EC2 Auto Scaling and SNS over Query/XML,
 * DynamoDB handed to an in-process dynalite, and a Slack webhook sink under `/slack/`.
 *
 * The server only translates: it decodes the wire format into the SDK input shape, calls the `AwsApis` method of the
 * same name, and encodes the output (or the `AwsApiError` thrown) back. Before the call it authorizes it (when given
 * an `authorize` hook: sim/iam) and then applies the injected faults; every request is recorded in the call log.
 *
 * Authorization comes before the fault dice: a denial is a property of the request, not of luck (a throttled call
 * that the SDK retries would meet the same denial), and with nothing denied the dice fall exactly as without
 * enforcement, so a seed gives the same run either way.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AwsApis, ServiceName } from '../world/api.js';
import { AwsApiError } from '../world/errors.js';
import { SeededRandom } from '../world/random.js';
import { ApiCallLog, type ApiCall } from './call-log.js';
import { decideFault, faultError, faultRuleFor, validateFaults, type FaultConfig } from './faults.js';
import { JSON_CONTENT_TYPE, decodeJsonInput, encodeJsonError, encodeJsonOutput } from './json-protocol.js';
import { XML_CONTENT_TYPE, decodeQueryInput, encodeQueryError, encodeQueryOutput } from './query-protocol.js';
import { SERVICES, errorSchema, operationSchema, queryServiceOf, serviceFromHeaders, targetOf, type QueryService, type SimService } from './services.js';
import { createSlackSink, type SlackSink } from './slack-sink.js';

export interface AwsServerOptions {
  /** The account behind the API (the simulated world, or a test fake). */
  apis: AwsApis;
  /** Source of the fault dice and request ids. Default: a fixed seed. */
  random?: SeededRandom;
  /** Injected faults; change them later with `setFaults`. Default: none. */
  faults?: FaultConfig;
  /** Serve the Slack webhook sink under `/slack/` (when false, `/slack/*` answers 404 `no_service`). Default: true. */
  slack?: boolean;
  /** Serve DynamoDB (an in-process dynalite) on the same port. Default: false. */
  dynamodb?: boolean;
  /** The time stamped on call-log entries. Default: real time (pass the virtual clock to log simulated time). */
  now?: () => Date;
  /**
   * Stamp responses with `now()` as their `Date` header (for clients whose own clock is that virtual clock, as the
   * simulator's handlers are). Default: false (Node's real date).
   */
  dateFromNow?: boolean;
  /**
   * Called when an `AwsApis` method throws something other than an `AwsApiError` (a bug, answered as a 500
   * `InternalFailure`). Default: `console.error`.
   */
  onInternalError?: (error: unknown, call: { service: ServiceName; operation: string; input: unknown }) => void;
  /**
   * Authorizes each call before it runs (sim/iam): the error to answer when the caller may not make it. The access
   * key id is the one the request is signed with (SigV4 `Authorization: … Credential=<id>/…`). Default: every call
   * is allowed.
   */
  authorize?: CallAuthorizer;
  /** The port to listen on (127.0.0.1). Default: 0, a free port the system picks. */
  port?: number;
}

/** What an `authorize` hook is asked: who calls, which operation, with what input (the SDK input shape). */
export interface AuthorizationRequest {
  accessKeyId: string | undefined;
  service: ServiceName | 'dynamodb';
  operation: string;
  input: unknown;
}

export type CallAuthorizer = (request: AuthorizationRequest) => Promise<AwsApiError | undefined>;

/** The access key id a SigV4-signed request names in its credential scope. */
export function accessKeyIdOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /Credential=([^/,\s]+)\//.exec(header) : null;
  return match?.[1];
}

export interface AwsServer {
  /** `http://127.0.0.1:<port>`: the endpoint for every SDK client. */
  readonly url: string;
  readonly port: number;
  readonly calls: ApiCallLog;
  /** The Slack webhook sink; `slack.url()` is a webhook URL on this server (`<url>/slack/services/…`). */
  readonly slack: SlackSink;
  /** Replaces the fault configuration (takes effect for the next request). */
  setFaults(faults: FaultConfig): void;
  /** Stops the server and drops open (keep-alive) connections. */
  close(): Promise<void>;
}

/** The path prefix of the Slack sink. */
export const SLACK_PATH_PREFIX = '/slack';

const DEFAULT_SEED = 0x5eed;

/** Like Node's `RequestListener`, but the name of the hook dynalite's server installs. */
type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
}

export async function startAwsServer(options: AwsServerOptions): Promise<AwsServer> {
  const { apis } = options;
  const random = options.random ?? new SeededRandom(DEFAULT_SEED);
  // Request ids from their own stream, so that they do not shift the fault dice.
  const ids = new SeededRandom(random.int(2 ** 32));
  const now = options.now ?? (() => new Date());
  const onInternalError =
    options.onInternalError ??
    ((error: unknown, call: { service: ServiceName; operation: string }) => {
      console.error(`sim/server: ${call.service}:${call.operation} threw a non-AwsApiError (answered 500 InternalFailure)`, error);
    });
  let faults: FaultConfig = options.faults ?? {};
  validateFaults(faults);
  const calls = new ApiCallLog();
  let url = '';
  const slack = createSlackSink(() => `${url}${SLACK_PATH_PREFIX}`);
  const slackEnabled = options.slack ?? true;
  const dynamo: RequestHandler | undefined = options.dynamodb ? await startDynalite() : undefined;

  /** The API method of that name, if the service's API has it. */
  const apiMethod = (service: ServiceName, operation: string): ((input: unknown) => unknown) | undefined => {
    const api = apis[service] as unknown as Record<string, unknown>;
    const method = api[operation];
    return typeof method === 'function' ? (input) => (method as (this: unknown, input: unknown) => unknown).call(api, input) : undefined;
  };

  /** Latency, then the fault dice; the injected error if one is rolled. */
  const applyFaults = async (service: SimService, operation: string, protocol: 'json' | 'query') => {
    const decision = decideFault(faultRuleFor(faults, service, operation), random);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision.fault === undefined) return undefined;
    return { ...faultError(decision.fault, protocol), injected: decision.fault.kind };
  };

  /** Calls the API; the output, or the error to answer (non-AwsApiErrors become 500 InternalFailure). */
  const invoke = (service: ServiceName, operation: string, method: (input: unknown) => unknown, input: unknown) => {
    try {
      return { output: method(input) };
    } catch (error) {
      if (error instanceof AwsApiError) return { error };
      onInternalError(error, { service, operation, input });
      const message = error instanceof Error ? error.message : String(error);
      return { error: new AwsApiError('InternalFailure', `Internal error in the simulator: ${message}`, 500) };
    }
  };

  const log = (at: Date, service: ApiCall['service'], operation: string, status: number, errorCode?: string, injected?: ApiCall['injected']) => {
    calls.record({
      service,
      operation,
      status,
      at,
      ...(errorCode === undefined ? {} : { errorCode }),
      ...(injected === undefined ? {} : { injected }),
    });
  };

  // ---------------------------------------------------------------------------------------------------- JSON 1.1
  const handleJson = async (req: IncomingMessage, service: SimService | undefined, at: Date): Promise<Reply> => {
    const body = await readBody(req);
    const requestId = ids.uuid();
    const target = targetOf(req.headers);
    const operation = target?.operation ?? '';
    const spec = service === undefined || service === 'dynamodb' ? undefined : SERVICES[service];
    const error = (status: number, code: string, message: string, injected?: ApiCall['injected'], fields?: Readonly<Record<string, unknown>>): Reply => {
      log(at, service ?? 'unknown', operation, status, code, injected);
      const encoded = encodeJsonError(code, message, fields, spec === undefined ? undefined : errorSchema(spec, code));
      return { status, headers: { ...encoded.headers, 'x-amzn-requestid': requestId }, body: encoded.body };
    };

    const schema = spec?.protocol === 'json' ? operationSchema(spec, operation) : undefined;
    const method = spec === undefined ? undefined : apiMethod(spec.name, operation);
    if (spec === undefined || schema === undefined || method === undefined) {
      return error(400, 'UnknownOperationException', `Unknown operation: ${target === undefined ? '(no X-Amz-Target)' : operation}`);
    }

    let parsed: unknown;
    try {
      parsed = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      return error(400, 'SerializationException', 'Start of structure or map found where not expected.');
    }
    const input = decodeJsonInput(schema[4], parsed);
    const denied = await options.authorize?.({ accessKeyId: accessKeyIdOf(req), service: spec.name, operation, input });
    if (denied) return error(denied.status, denied.code, denied.message);

    const injected = await applyFaults(spec.name, operation, 'json');
    if (injected) return error(injected.status, injected.code, injected.message, injected.injected);

    const result = invoke(spec.name, operation, method, input);
    if (result.error) return error(result.error.status, result.error.code, result.error.message, undefined, result.error.fields);
    log(at, spec.name, operation, 200);
    return {
      status: 200,
      headers: { 'content-type': spec.protocol === 'json' && 'jsonVersion' in spec ? `application/x-amz-json-${spec.jsonVersion}` : JSON_CONTENT_TYPE, 'x-amzn-requestid': requestId },
      body: encodeJsonOutput(schema[5], result.output),
    };
  };

  // ------------------------------------------------------------------------------------------------------ Query
  const handleQuery = async (req: IncomingMessage, headerService: QueryService | undefined, at: Date): Promise<Reply> => {
    const params = new URLSearchParams(await readBody(req));
    const requestId = ids.uuid();
    const spec = headerService ?? queryServiceOf(params);
    const operation = params.get('Action') ?? '';
    const xmlns = (spec ?? SERVICES.autoscaling).xmlns;
    const error = (
      status: number,
      code: string,
      message: string,
      fault: 'Sender' | 'Receiver',
      injected?: ApiCall['injected'],
      fields?: Readonly<Record<string, unknown>>,
    ): Reply => {
      log(at, spec?.name ?? 'unknown', operation, status, code, injected);
      return {
        status,
        headers: { 'content-type': XML_CONTENT_TYPE, 'x-amzn-requestid': requestId },
        body: encodeQueryError(code, message, fault, xmlns, requestId, fields, spec === undefined ? undefined : errorSchema(spec, code)),
      };
    };

    if (operation === '') return error(400, 'MissingAction', 'The request must contain the parameter Action.', 'Sender');
    const schema = spec === undefined ? undefined : operationSchema(spec, operation);
    const method = spec === undefined ? undefined : apiMethod(spec.name, operation);
    if (spec === undefined || schema === undefined || method === undefined) {
      return error(400, 'InvalidAction', `The action ${operation} is not valid for this web service.`, 'Sender');
    }

    const input = decodeQueryInput(schema[4], params);
    const denied = await options.authorize?.({ accessKeyId: accessKeyIdOf(req), service: spec.name, operation, input });
    if (denied) return error(denied.status, denied.code, denied.message, denied.fault);

    const injected = await applyFaults(spec.name, operation, 'query');
    if (injected) return error(injected.status, injected.code, injected.message, injected.status >= 500 ? 'Receiver' : 'Sender', injected.injected);

    const result = invoke(spec.name, operation, method, input);
    if (result.error) return error(result.error.status, result.error.code, result.error.message, result.error.fault, undefined, result.error.fields);
    log(at, spec.name, operation, 200);
    return {
      status: 200,
      headers: { 'content-type': XML_CONTENT_TYPE, 'x-amzn-requestid': requestId },
      body: encodeQueryOutput(operation, schema[5], result.output, xmlns, requestId),
    };
  };

  // --------------------------------------------------------------------------------------------------- DynamoDB
  const handleDynamo = async (req: IncomingMessage, res: ServerResponse, at: Date): Promise<void> => {
    const operation = targetOf(req.headers)?.operation ?? '';
    const jsonError = (status: number, code: string, message: string, injected?: ApiCall['injected']) => {
      log(at, 'dynamodb', operation, status, code, injected);
      const encoded = encodeJsonError(code, message);
      send(res, { status, headers: { ...encoded.headers, 'content-type': 'application/x-amz-json-1.0' }, body: encoded.body });
    };
    if (dynamo === undefined) {
      await readBody(req);
      jsonError(400, 'UnknownOperationException', 'DynamoDB is not served: start the server with { dynamodb: true }');
      return;
    }
    // The body is read here (to know the table the call is about) and handed to dynalite as a fresh request.
    const body = await readBody(req);
    if (options.authorize) {
      let input: unknown = {};
      try {
        input = JSON.parse(body) as unknown;
      } catch {
        // dynalite answers the malformed body itself.
      }
      const denied = await options.authorize({ accessKeyId: accessKeyIdOf(req), service: 'dynamodb', operation, input });
      if (denied) {
        jsonError(denied.status, denied.code, denied.message);
        return;
      }
    }
    const injected = await applyFaults('dynamodb', operation, 'json');
    if (injected) {
      jsonError(injected.status, injected.code, injected.message, injected.injected);
      return;
    }
    // dynalite answers errors as {"__type": "com.amazonaws.dynamodb.v20120810#Code", …}: keep the code for the log.
    let errorCode: string | undefined;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.end = ((...args: unknown[]) => {
      const [chunk] = args;
      if (res.statusCode >= 400 && (typeof chunk === 'string' || chunk instanceof Uint8Array)) errorCode = dynamoErrorCode(Buffer.from(chunk).toString('utf8'));
      return end(...args);
    }) as ServerResponse['end'];
    res.on('finish', () => {
      log(at, 'dynamodb', operation, res.statusCode, res.statusCode >= 400 ? (errorCode ?? 'UnknownError') : undefined);
    });
    dynamo(replayRequest(req, body), res);
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (path === SLACK_PATH_PREFIX || path.startsWith(`${SLACK_PATH_PREFIX}/`)) {
      if (slackEnabled) slack.handle(req, res);
      else send(res, { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'no_service' });
      return;
    }
    const at = now();
    // The server's clock is the simulated one: without this, Node stamps every response with the real date, the SDK
    // of a handler on the virtual clock sees minutes or months of clock skew on every error and classifies each (even
    // ConditionalCheckFailed) as transient — retried until the retry quota is gone.
    if (options.dateFromNow === true) res.setHeader('date', at.toUTCString());
    const service = serviceFromHeaders(req.headers);
    if (service === 'dynamodb') {
      await handleDynamo(req, res, at);
      return;
    }
    const spec = service === undefined ? undefined : SERVICES[service];
    const isJson =
      spec !== undefined ? spec.protocol === 'json' : targetOf(req.headers) !== undefined || (req.headers['content-type'] ?? '').includes('json');
    const reply = isJson ? await handleJson(req, service, at) : await handleQuery(req, spec?.protocol === 'query' ? spec : undefined, at);
    send(res, reply);
  };

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      console.error('sim/server: request failed', error);
      if (!res.headersSent) send(res, { status: 500, headers: { 'content-type': 'text/plain' }, body: 'internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    calls,
    slack,
    setFaults: (next) => {
      validateFaults(next);
      faults = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** A request with the same method, URL and headers whose body is `body` (the original's stream is consumed). */
function replayRequest(req: IncomingMessage, body: string): IncomingMessage {
  const replay = Readable.from([Buffer.from(body, 'utf8')]) as unknown as IncomingMessage;
  Object.assign(replay, { method: req.method, url: req.url, headers: req.headers, httpVersion: req.httpVersion, socket: req.socket });
  return replay;
}

function dynamoErrorCode(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const type = typeof parsed === 'object' && parsed !== null && '__type' in parsed ? parsed.__type : undefined;
    return typeof type === 'string' ? type.slice(type.lastIndexOf('#') + 1) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An in-process dynalite (in-memory, tables ACTIVE at once). Its HTTP server never listens: requests are handed to
 * its request listener, so DynamoDB shares the server's port.
 */
async function startDynalite(): Promise<RequestHandler> {
  const { default: dynalite } = await import('dynalite');
  const db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  return (req, res) => {
    db.emit('request', req, res);
  };
}
