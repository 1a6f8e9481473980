import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 (random free port) standing in for Slack incoming webhooks. It records every request
 * and answers `200 ok`, or the next queued reply (`respondWith`), e.g. 429 with `Retry-After`, 404 `no_service`,
 * 400 `invalid_blocks`, 500.
 */

export interface StandInReply {
  status: number;
  /** Plain-text body (Slack answers `ok` or an error code). Default: `ok` for 2xx, empty otherwise. */
  body?: string;
  headers?: Record<string, string>;
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON (`undefined` when it is not JSON). */
  body: unknown;
  /** The body as received (UTF-8). */
  raw: string;
  /** Size of the body in bytes. */
  bytes: number;
}

export interface SlackStandIn {
  /** `http://127.0.0.1:<port><path>`; the default path looks like a Slack webhook path, secret included. */
  url(path?: string): string;
  readonly port: number;
  /** Every request received, in order. */
  readonly received: ReceivedRequest[];
  /** Queues replies used (in order) for the next requests; once used up, answers are `200 ok` again. */
  respondWith(...replies: (StandInReply | StandInReply[])[]): void;
  /** Stops the server and drops open (keep-alive) connections. */
  close(): Promise<void>;
}

export const STAND_IN_WEBHOOK_PATH = '/services/T0STANDIN/B0STANDIN/s3cr3tWebhookT0ken0000';

export async function startSlackStandIn(): Promise<SlackStandIn> {
  const received: ReceivedRequest[] = [];
  const queue: StandInReply[] = [];

  const server = createServer((req, res) => {
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
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    received,
    url: (path = STAND_IN_WEBHOOK_PATH) => `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`,
    respondWith: (...replies) => {
      queue.push(...replies.flat());
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
