/**
 * The logging surface `lib/notify` needs. A Powertools `Logger` satisfies it; tests pass a recorder.
 * Attributes must never carry secrets (webhook URLs): callers log channel and parameter names only.
 */
export interface NotifyLogger {
  debug(message: string, attributes: Record<string, unknown>): void;
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}

/** Discards everything (default where a logger is optional). */
export const silentLogger: NotifyLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
