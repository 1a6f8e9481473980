/**
 * Warnings about a valid config: things that fail at run time in some accounts, which `ecs-ops config check` and
 * `npm run package` / `deploy` say before anything is deployed. Each names its config path (and line, from the text).
 */
import { LineCounter, parseDocument } from 'yaml';
import { scheduleRoleWarnings, type ConfigWarning } from '../schedule/pass-role.js';
import { formatPath } from './errors.js';
import type { EcsOpsConfig } from './schema.js';
import { locate, nodePosition } from './yaml-locate.js';

export type { ConfigWarning };

export function configWarnings(config: EcsOpsConfig): ConfigWarning[] {
  return [...scheduleRoleWarnings(config)];
}

/** `FILE:LINE:COLUMN warning: PATH: message`, the line and column of the path's node in `text` when found. */
export function formatConfigWarnings(warnings: readonly ConfigWarning[], text: string, fileName: string): string[] {
  if (warnings.length === 0) return [];
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  return warnings.map((warning) => {
    const found = locate(doc, warning.path);
    const position = found.resolved ? nodePosition(found.node, found.keyNode, lineCounter) : undefined;
    const where = position === undefined ? fileName : `${fileName}:${position.line}:${position.column}`;
    return `${where} warning: ${formatPath(warning.path)}: ${warning.message}`;
  });
}
