/**
 * `ecs-ops run NAME [--config FILE] [--wait]`: runs a schedule of the config once, now, as its tick would (same
 * RunTask parameters, startedBy, group, tags and clientToken; the concurrency policy applies, suspend and the
 * starting deadline do not), with the caller's AWS credentials. With --wait, follows the run to its end and exits
 * with its result: 0 every task succeeded, 1 a task failed (exit codes, stop code and reason printed).
 */
import { resolve } from 'node:path';
import { setTimeout as sleepMs } from 'node:timers/promises';
import { ECSClient } from '@aws-sdk/client-ecs';
import { clientOptions } from '../../aws/clients.js';
import type { AwsClientConfig } from '../aws.js';
import { ConfigLoadError, formatConfigErrors, loadConfigFile } from '../../config/index.js';
import { describeTasks, formatDuration, handleTick, judgeTask, TaskDefinitionCache, type ScheduleDeps, type TaskView } from '../../schedule/index.js';
import { AWS_OPTIONS_HELP, COMMON_OPTIONS_HELP, ExitCode, parseCommandArgs, UsageError, writeJson, type CliIo, type Command } from '../command.js';
import { configFileName } from './config.js';

const USAGE = `Usage: ecs-ops run NAME [--config FILE] [--wait] [--timeout DURATION] [--output text|json]

Runs the schedule NAME of the config once, now, with your AWS credentials: the RunTask its next tick would make
(task definition, count, capacity and fallback strategy, network, overrides, tags, startedBy ecs-ops/NAME). The
schedule's concurrency policy applies (forbid: nothing is started while a run is going); suspend and the starting
deadline do not. Nothing is posted to the notification channels: the result is printed.

Options:
  --config FILE        The config file (default: $ECS_OPS_CONFIG, else ecs-ops.config.yml)
  --wait               Wait for the run to end and exit with its result
  --timeout DURATION   With --wait: give up waiting after this long (default: the schedule's timeoutSeconds, else 1h)
  --interval DURATION  With --wait: time between two looks at the tasks (default 6s)
${AWS_OPTIONS_HELP}
${COMMON_OPTIONS_HELP}

JSON output: {schedule, actions, started: [task ARNs], problems: [...], tasks: [{taskArn, outcome, durationMs,
exitCodes, stopCode, reason}] (with --wait)}.

Exit codes: 0 started (with --wait: every task succeeded), 1 not started or failed, 2 bad input, 3 AWS error
(credentials, region, a refused call).
`;

/** `90s`, `5m`, `1h`, or seconds. */
function durationMs(text: string, option: string): number {
  const match = /^(\d+)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${option}: expected a duration like 90s, 5m or 1h, got "${text}"`, runCommand);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

export interface RunOnceDeps {
  /** The ECS client for where the command's options and environment point. */
  ecs: (target: AwsClientConfig) => ECSClient;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

const taskId = (arn: string): string => arn.split('/').pop() ?? arn;

export const runCommand: Command = {
  name: 'run',
  overview: [['run NAME [--wait]', 'Run a schedule once, now (with --wait: exit with its result)']],
  usage: USAGE,
  run(args, io) {
    return runOnce(args, io, { ecs: (target) => new ECSClient({ ...clientOptions('event', io.env), ...target }), now: Date.now, sleep: (ms) => sleepMs(ms) });
  },
};

export async function runOnce(args: string[], io: CliIo, deps: RunOnceDeps): Promise<number> {
  const { values, positionals, output, aws } = parseCommandArgs(runCommand, args, {
    config: { type: 'string' },
    wait: { type: 'boolean' },
    timeout: { type: 'string' },
    interval: { type: 'string' },
  }, { aws: true });
  if (values.help) {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing the schedule NAME' : `run takes one NAME, got ${positionals.length}`, runCommand);
  const name = positionals[0] ?? '';
  const file = configFileName(io, values.config).name;
  let config;
  try {
    config = loadConfigFile(resolve(io.cwd, file)).config;
  } catch (error) {
    if (!(error instanceof ConfigLoadError)) throw error;
    io.stderr.write(`${formatConfigErrors(error.errors, file).join('\n')}\n`);
    return ExitCode.badInput;
  }
  const schedule = config.schedules.find((s) => s.name === name);
  if (!schedule) {
    throw new UsageError(`no schedule "${name}" in ${file} (schedules: ${config.schedules.map((s) => s.name).join(', ') || 'none'})`, runCommand);
  }
  const timeoutMs = values.timeout !== undefined ? durationMs(values.timeout, '--timeout') : (schedule.timeoutSeconds ?? 3600) * 1000;
  const intervalMs = values.interval !== undefined ? durationMs(values.interval, '--interval') : 6000;

  const ecs = deps.ecs((await aws(io)).clientConfig('ECS'));
  // Problems are printed, not posted: every "notification" of the run goes to stderr once (and into the JSON).
  const printed = new Set<string>();
  const problems: { title: string; summary: string }[] = [];
  const taskDefinitions = new TaskDefinitionCache();
  const scheduleDeps: ScheduleDeps = {
    config,
    ecs,
    deliverOnce: (request) => {
      const fingerprint = request.key.slice(0, request.key.lastIndexOf('#'));
      if (!printed.has(fingerprint)) {
        printed.add(fingerprint);
        problems.push({ title: request.notification.title, summary: request.notification.summary });
        io.stderr.write(`${request.notification.title}\n  ${request.notification.summary}\n`);
      }
      return Promise.resolve({ token: request.token, at: new Date(deps.now()).toISOString() });
    },
    reportOnce: async (_key, work) => {
      await work();
      return 'reported';
    },
    taskDefinitions,
    logger: { info: () => undefined, warn: () => undefined, error: (message, extra) => io.stderr.write(`${message} ${JSON.stringify(extra)}\n`) },
    metrics: { count: () => undefined },
    now: deps.now,
  };
  const tickMs = Math.floor(deps.now() / 1000) * 1000;
  const outcome = await handleTick(schedule, tickMs, scheduleDeps, deps.now() + 60_000, true);
  const started = outcome.status === 'handled' ? (outcome.taskArns ?? []) : [];
  const actions = outcome.status === 'handled' ? outcome.actions.filter((action) => !action.startsWith('notified')) : [];
  const report = (code: number, tasks?: unknown[]): number => {
    if (output === 'json') writeJson(io, { schedule: name, actions, started, problems, ...(tasks !== undefined ? { tasks } : {}) });
    return code;
  };
  if (output === 'text') for (const action of actions) io.stdout.write(`${action}\n`);
  if (started.length === 0) {
    io.stderr.write(`${name}: no task started\n`);
    return report(ExitCode.findings);
  }
  if (values.wait !== true) return report(ExitCode.ok);

  const deadline = deps.now() + timeoutMs;
  let tasks: TaskView[];
  for (;;) {
    tasks = await describeTasks(ecs, schedule.cluster, started);
    const stopped = tasks.filter((t) => t.lastStatus === 'STOPPED');
    if (stopped.length === started.length) break;
    if (deps.now() >= deadline) {
      io.stderr.write(`${name}: gave up waiting after ${formatDuration(timeoutMs)}: ${tasks.map((t) => `${taskId(t.taskArn)} ${t.lastStatus}`).join(', ')}\n`);
      return report(ExitCode.findings, tasks.map((t) => ({ taskArn: t.taskArn, outcome: 'running', lastStatus: t.lastStatus })));
    }
    await deps.sleep(intervalMs);
  }
  let failed = 0;
  const results = [];
  for (const task of tasks) {
    const facts = await taskDefinitions.get(ecs, task.taskDefinitionArn);
    const result = judgeTask(task, facts?.essential);
    results.push({ taskArn: task.taskArn, outcome: result.outcome, durationMs: result.durationMs, exitCodes: Object.fromEntries(result.containers.map((c) => [c.name, c.exitCode ?? null])), stopCode: task.stopCode, reason: result.reason });
    const codes = result.containers.map((c) => `${c.name}=${c.exitCode === undefined ? 'none' : String(c.exitCode)}`).join(', ');
    const duration = result.durationMs !== undefined ? ` in ${formatDuration(result.durationMs)}` : '';
    const line = `${taskId(task.taskArn)} ${result.outcome}${duration} (exit codes ${codes}; ${task.stopCode ?? 'no stop code'}: ${result.reason})\n`;
    if (result.outcome === 'succeeded') {
      if (output === 'text') io.stdout.write(line);
    } else {
      failed++;
      io.stderr.write(line);
    }
  }
  return report(failed === 0 ? ExitCode.ok : ExitCode.findings, results);
}
