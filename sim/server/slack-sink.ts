import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Slack incoming webhooks. It records every request and answers `200 ok`, or the next queued reply
 * (`respondWith`), e.g. 429 with `Retry-After`, 404 `no_service`, 400 `invalid_blocks`, 500.
 *
 * Two ways to run it: inside the AWS protocol server (sim/server/server.ts routes `/slack/*` to `handle`), or
 * standalone on its own port (`startSlackSink`, used by test/support/slack-stand-in.ts).
 */

export interface SlackReply {
  status: number;
  /** Plain-text body (Slack answers `ok` or an error code). Default: `ok` for 2xx, empty otherwise. */
  body?: string;
  headers?: Record<string, string>;
}

export interface SlackReceivedRequest {
  method: string;
  /** The request path (and query string) as received. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON (`undefined` when it is not JSON). */
  body: unknown;
  /** The body as received (UTF-8). */
  raw: string;
  /** Size of the body in bytes. */
  bytes: number;
}

export interface SlackSink {
  /** An absolute webhook URL on this sink; the default path looks like a Slack webhook path, secret included. */
  url(path?: string): string;
  /** Every request received, in order. */
  readonly received: SlackReceivedRequest[];
  /** Queues replies used (in order) for the next requests; once used up, answers are `200 ok` again. */
  respondWith(...replies: (SlackReply | SlackReply[])[]): void;
  /** Forgets the received requests and the queued replies. */
  reset(): void;
  /** Records one request and answers it (a Node `request` listener). */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void;
}

/** A sink on its own HTTP server. */
export interface SlackSinkServer extends SlackSink {
  readonly port: number;
  /** Stops the server and drops open (keep-alive) connections. */
  close(): Promise<void>;
}

export const SLACK_WEBHOOK_PATH = '/services/T0STANDIN/B0STANDIN/s3cr3tWebhookT0ken0000';

/**
 * A sink without a server of its own. `baseUrl` gives the URL the sink is reachable at (it may only be known once the
 * hosting server listens); `url(path)` is `baseUrl() + path`.
 */
export function createSlackSink(baseUrl: () => string): SlackSink {
  const received: SlackReceivedRequest[] = [];
  const queue: SlackReply[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const buffer = Buffer.concat(chunks);
      const raw = buffer.toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, raw, bytes: buffer.length });
      const reply = queue.shift() ?? { status: 200 };
      const text = reply.body ?? (reply.status >= 200 && reply.status < 300 ? 'ok' : '');
      res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8', ...reply.headers });
      res.end(text);
    });
  };

  return {
    received,
    url: (path = SLACK_WEBHOOK_PATH) => `${baseUrl()}${path.startsWith('/') ? path : `/${path}`}`,
    respondWith: (...replies) => {
      queue.push(...replies.flat());
    },
    reset: () => {
      received.length = 0;
      queue.length = 0;
    },
    handle,
  };
}

/** A sink on its own HTTP server on 127.0.0.1 (a free port); it answers every path. */
export async function startSlackSink(): Promise<SlackSinkServer> {
  let port = 0;
  const sink = createSlackSink(() => `http://127.0.0.1:${port}`);
  const server = createServer(sink.handle);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    ...sink,
    port,
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
