/**
 * Reading `ecs-ops.config.yml`: YAML → ConfigSchema, with every problem reported as file:line:column, path and a
 * readable message.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import type * as z from 'zod';
import { ConfigSchema, type EcsOpsConfig } from './schema.js';
import { ConfigLoadError, formatPath, type ConfigError } from './errors.js';
import { issueToErrors } from './issues.js';
import { keyString, pairAtOffset, positionOf } from './yaml-locate.js';

export type ParseConfigResult = { ok: true; config: EcsOpsConfig } | { ok: false; errors: ConfigError[] };

export interface LoadedConfig {
  /** Absolute path of the file read. */
  path: string;
  /** The file's text as read. */
  text: string;
  config: EcsOpsConfig;
}

function byPosition(a: ConfigError, b: ConfigError): number {
  return (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0);
}

function yamlErrorToConfigError(error: YAMLError, doc: Document, lineCounter: LineCounter): ConfigError {
  const offset = error.pos[0];
  const { line, column } = positionOf(offset, lineCounter);
  if (error.code === 'DUPLICATE_KEY') {
    const found = pairAtOffset(doc, offset);
    if (found) {
      const key = keyString(found.pair.key) ?? '';
      const first = found.map.items.find((pair) => keyString(pair.key) === key && pair !== found.pair);
      const firstOffset = isNode(first?.key) ? first.key.range?.[0] : undefined;
      const where = firstOffset === undefined ? '' : ` (first set on line ${positionOf(firstOffset, lineCounter).line})`;
      return { path: formatPath(found.path), line, column, message: `duplicate key "${key}"${where}: each key may appear once in a mapping` };
    }
    return { path: '', line, column, message: 'duplicate key: each key may appear once in a mapping' };
  }
  const text = error.message.replace(/\s+/g, ' ').trim();
  return { path: '', line, column, message: `YAML syntax error: ${text.charAt(0).toLowerCase()}${text.slice(1)}` };
}

export type ParseYamlResult<T> = { ok: true; value: T; data: unknown } | { ok: false; errors: ConfigError[] };

export interface ParseYamlOptions {
  /** The error for an empty document (default: `<file> is empty`). */
  emptyMessage?: string;
}

/**
 * Parses a YAML document and validates it with a zod schema, reporting every problem as a located `ConfigError`
 * (line, column, path, readable message). `fileName` is only used in messages about the file as a whole. YAML syntax
 * errors (including duplicate keys) are reported first and stop validation. On success, `value` is the schema's
 * output and `data` the document as plain data (before the schema's defaults and transforms).
 */
export function parseYamlWithSchema<T>(text: string, fileName: string, schema: z.ZodType<T>, options: ParseYamlOptions = {}): ParseYamlResult<T> {
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema (so `on`, `yes`, `no` stay strings) with `<<` merge keys, which people use to share settings.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((error) => yamlErrorToConfigError(error, doc, lineCounter)).sort(byPosition) };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    return { ok: false, errors: [{ path: '', line: 1, column: 1, message: `cannot read the YAML document: ${(error as Error).message}` }] };
  }
  if (data === null || data === undefined) {
    return { ok: false, errors: [{ path: '', line: 1, column: 1, message: options.emptyMessage ?? `${basename(fileName)} is empty` }] };
  }

  const result = schema.safeParse(data);
  if (result.success) return { ok: true, value: result.data, data };

  const ctx = { doc, lineCounter, data, schema };
  const seen = new Set<string>();
  const errors = result.error.issues
    .flatMap((issue) => issueToErrors(issue, ctx))
    .filter((error) => {
      const key = `${error.path}\0${error.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort(byPosition);
  return { ok: false, errors };
}

/**
 * Parses and validates a config document. `fileName` is only used in messages about the file as a whole.
 * YAML syntax errors (including duplicate keys) are reported first and stop validation.
 */
export function parseConfig(text: string, fileName: string): ParseConfigResult {
  const result = parseYamlWithSchema(text, fileName, ConfigSchema, {
    emptyMessage: `${basename(fileName)} is empty: it needs at least version, clusters and notifications`,
  });
  return result.ok ? { ok: true, config: result.value } : result;
}

/**
 * Reads and validates a config file. Throws `ConfigLoadError` (with located errors) when the file is missing,
 * unreadable or invalid.
 */
export function loadConfigFile(path: string): LoadedConfig {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `config file not found: ${absolute}`
        : code === 'EISDIR'
          ? `${absolute} is a directory, not a config file`
          : `cannot read config file ${absolute}: ${(error as Error).message}`;
    throw new ConfigLoadError(path, [{ path: '', message }]);
  }
  const result = parseConfig(text, path);
  if (!result.ok) throw new ConfigLoadError(path, result.errors);
  return { path: absolute, text, config: result.config };
}
