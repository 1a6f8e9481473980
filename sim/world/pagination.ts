/**
 * Pagination: opaque, stable `nextToken`s. A token names the operation it came from and the sort key of the last
 * item returned, so the next page starts right after that item even if items were added or removed in between (no
 * item is returned twice, none present throughout is skipped).
 */
import type { AwsApiError } from './errors.js';

interface TokenBody {
  v: 1;
  /** The operation (and list) the token belongs to. */
  k: string;
  /** Sort key of the last item returned. */
  a: number;
}

export function encodeToken(kind: string, after: number): string {
  const body: TokenBody = { v: 1, k: kind, a: after };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The key the token resumes after, or undefined if it is not a token of `kind`. */
export function decodeToken(kind: string, token: string): number | undefined {
  try {
    const body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody> | null;
    if (body?.v !== 1 || body.k !== kind || typeof body.a !== 'number') return undefined;
    return body.a;
  } catch {
    return undefined;
  }
}

export interface PageRequest {
  /** Identifies the operation/list; a token from another list is invalid. */
  kind: string;
  token?: string | undefined;
  limit: number;
  /** The error for a token that does not decode. */
  invalidToken: () => AwsApiError;
  /** Items are sorted by descending key (newest first). */
  descending?: boolean;
}

export interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

/** One page of `items` (sorted by `keyOf`, ascending unless `descending`). */
export function paginate<T>(items: readonly T[], keyOf: (item: T) => number, request: PageRequest): Page<T> {
  let start = 0;
  if (request.token !== undefined && request.token !== '') {
    const after = decodeToken(request.kind, request.token);
    if (after === undefined) throw request.invalidToken();
    // Binary search for the first item past `after`.
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const item = items[mid];
      const key = item === undefined ? 0 : keyOf(item);
      const past = request.descending ? key < after : key > after;
      if (past) hi = mid;
      else lo = mid + 1;
    }
    start = lo;
  }
  const page = items.slice(start, start + request.limit);
  const last = page[page.length - 1];
  const more = start + request.limit < items.length;
  return { items: page, nextToken: more && last !== undefined ? encodeToken(request.kind, keyOf(last)) : undefined };
}
