/**
 * AWS JSON 1.1 (ECS, Application Auto Scaling, SSM) — the server side.
 *
 * Request: `POST /`, `X-Amz-Target: <prefix>.<Operation>`, body = the input as JSON. The client writes timestamps as
 * epoch seconds and blobs as base64; `decodeJsonInput` walks the operation's input schema and turns them back into
 * `Date` / `Uint8Array`, everything else is taken as is.
 * Response: `Content-Type: application/x-amz-json-1.1`, body = the output as JSON with every `Date` as epoch seconds
 * (fractional) and every `Uint8Array` as base64.
 * Error: the status (400 for client errors), header `x-amzn-errortype: <code>`, body `{"__type": code, "message"}`.
 */
import { NormalizedSchema } from '@smithy/core/schema';
import type { $SchemaRef } from '@smithy/types';
import { types } from 'node:util';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function decodeValue(ns: NormalizedSchema, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (ns.isTimestampSchema()) {
    if (typeof value === 'number') return new Date(value * 1000);
    if (typeof value === 'string') return /^-?\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
    return value;
  }
  if (ns.isBlobSchema()) return typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'base64')) : value;
  if (ns.isListSchema()) {
    if (!Array.isArray(value)) return value;
    const member = ns.getValueSchema();
    return value.map((item: unknown) => decodeValue(member, item));
  }
  if (ns.isMapSchema()) {
    if (!isRecord(value)) return value;
    const member = ns.getValueSchema();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeValue(member, v)]));
  }
  if (ns.isStructSchema()) {
    if (!isRecord(value)) return value;
    const out: Record<string, unknown> = { ...value };
    for (const [name, member] of ns.structIterator()) {
      if (name in value) out[name] = decodeValue(member, value[name]);
    }
    return out;
  }
  return value;
}

/** The SDK input from a JSON request body (already parsed), typed by the operation's input schema. */
export function decodeJsonInput(inputSchema: $SchemaRef, body: unknown): Record<string, unknown> {
  const decoded = decodeValue(NormalizedSchema.of(inputSchema), body ?? {});
  return isRecord(decoded) ? decoded : {};
}

/** A timestamp as the schema says it travels: epoch seconds unless the member has a `timestampFormat` trait. */
function timestampToWire(ns: NormalizedSchema | undefined, date: Date): number | string {
  const format = ns?.getSchema();
  if (format === 5) return date.toISOString();
  if (format === 6) return date.toUTCString();
  return date.getTime() / 1000;
}

/** The JSON value of an output value; members the schema does not know are converted generically. */
function toWire(ns: NormalizedSchema | undefined, value: unknown): unknown {
  if (types.isDate(value)) return timestampToWire(ns, value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) {
    const member = ns?.isListSchema() ? ns.getValueSchema() : undefined;
    return value.map((item: unknown) => toWire(member, item));
  }
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    const members = ns?.isStructSchema() ? new Map(ns.structIterator()) : undefined;
    const mapValue = ns?.isMapSchema() ? ns.getValueSchema() : undefined;
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(members?.get(k) ?? mapValue, v);
    return out;
  }
  return value;
}

/** The response body for an operation's output. */
export function encodeJsonOutput(outputSchema: $SchemaRef, output: unknown): string {
  const ns = NormalizedSchema.of(outputSchema);
  return JSON.stringify(toWire(ns.isUnitSchema() ? undefined : ns, output ?? {}));
}

/**
 * An error: `__type` and `message`, plus the error shape's other members (`fields`, e.g. ECS ConflictException
 * `resourceIds`), converted like an output (by `errorSchema` when the SDK models the error).
 */
export function encodeJsonError(
  code: string,
  message: string,
  fields: Readonly<Record<string, unknown>> = {},
  errorSchema?: $SchemaRef,
): { headers: Record<string, string>; body: string } {
  const members = toWire(errorSchema === undefined ? undefined : NormalizedSchema.of(errorSchema), fields);
  // Query-compatible JSON services (CloudWatch, SQS) also name the error's Query code in `x-amzn-query-error:
  // Code;Sender` (the shape's awsQueryError trait; Smithy awsQueryCompatible trait), which the SDK exposes as the code.
  const traits: unknown = Array.isArray(errorSchema) ? (errorSchema as unknown[])[3] : undefined;
  const queryError: unknown = isRecord(traits) ? traits.awsQueryError : undefined;
  const queryHeader: Record<string, string> = Array.isArray(queryError) && typeof queryError[0] === 'string' ? { 'x-amzn-query-error': `${queryError[0]};${Number(queryError[1]) >= 500 ? 'Receiver' : 'Sender'}` } : {};
  return {
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-errortype': code, ...queryHeader },
    body: JSON.stringify({ ...(isRecord(members) ? members : {}), __type: code, message }),
  };
}
