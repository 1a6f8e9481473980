import type { NotifyLogger } from '../../lib/notify/logger.js';
import type { Notification } from '../../lib/notify/types.js';

export function sampleNotification(overrides: Partial<Notification> = {}): Notification {
  return {
    kind: 'service-task-placement-failure',
    severity: 'critical',
    title: 'Tasks cannot be placed: web on prod',
    summary: 'ECS could not place 2 tasks of service web: no container instance met all requirements.',
    fields: [
      { label: 'Cluster', value: 'prod' },
      { label: 'Service', value: 'web' },
      { label: 'Reason', value: 'RESOURCE:MEMORY' },
    ],
    links: [
      { text: 'Service in console', url: 'https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/web/health?region=us-east-1&tab=events' },
    ],
    details: ['task a1b2 needs 2048 MiB', 'task c3d4 needs 2048 MiB'],
    cluster: 'prod',
    service: 'web',
    occurredAt: '2024-05-01T12:34:56Z',
    ...overrides,
  };
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  attributes: Record<string, unknown>;
}

/** A logger that keeps every line; `text()` is all of it serialised, for "never logged" assertions. */
export function recordingLogger(): { logger: NotifyLogger; lines: LogLine[]; text: () => string } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, attributes: Record<string, unknown>): void => {
      lines.push({ level, message, attributes });
    };
  return {
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    lines,
    text: () => JSON.stringify(lines),
  };
}

/** A clock whose `sleep` returns at once, records the wait and moves `now` forward by it. */
export function fakeClock(start = 1_700_000_000_000): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[]; advance: (ms: number) => void } {
  let time = start;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: (ms: number) => {
      sleeps.push(ms);
      time += ms;
      return Promise.resolve();
    },
    sleeps,
    advance: (ms: number) => {
      time += ms;
    },
  };
}
