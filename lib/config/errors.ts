/**
 * Config errors as a person reads them: where (file, line, column, path in the document) and what is wrong.
 */

export interface ConfigError {
  /** Where in the document, e.g. `notifications.channels[1].topicArn`; empty for the whole file. */
  path: string;
  /** 1-based line of the offending YAML node (for a missing key: the mapping that should hold it). */
  line?: number;
  /** 1-based column of that node. */
  column?: number;
  message: string;
}

/** Thrown by `loadConfigFile` when the file cannot be read or is not a valid config. */
export class ConfigLoadError extends Error {
  override readonly name = 'ConfigLoadError';

  constructor(
    /** The file name as the caller wrote it (used in the formatted message). */
    readonly fileName: string,
    readonly errors: ConfigError[],
  ) {
    super(formatConfigErrors(errors, fileName).join('\n'));
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `['notifications', 'channels', 1, 'topicArn']` → `notifications.channels[1].topicArn`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = typeof segment === 'symbol' ? (segment.description ?? '') : segment;
      if (IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/**
 * One line per error: `ecs-ops.config.yml:12:7 notifications.channels[1].topicArn: expected an SNS topic ARN like ...`.
 * Errors without a position (e.g. an unreadable file) read `ecs-ops.config.yml: message`.
 */
export function formatConfigErrors(errors: readonly ConfigError[], fileName: string): string[] {
  return errors.map((error) => {
    const what = error.path === '' ? error.message : `${error.path}: ${error.message}`;
    if (error.line === undefined) return `${fileName}: ${what}`;
    return `${fileName}:${error.line}:${error.column ?? 1} ${what}`;
  });
}
