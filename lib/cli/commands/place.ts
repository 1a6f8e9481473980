/**
 * `ecs-ops place`: where ECS would place tasks, from DescribeContainerInstances / DescribeTasks /
 * DescribeTaskDefinition JSON files, with RunTask's placement constraints and strategies.
 */
import type { PlacementConstraint, PlacementStrategy, Task } from '../../placement/model.js';
import {
  defaultGroup,
  defaultStrategies,
  place,
  PlacementValidationError,
  type PlacementTask,
  type PlaceResult,
  type StrategyRule,
} from '../../placement/engine/index.js';
import { caretExcerpt, QuerySyntaxError } from '../../placement/query/index.js';
import { COMMON_OPTIONS_HELP, ExitCode, parseCommandArgs, UsageError, type CliIo, type Command } from '../command.js';
import { EcsJsonError, readContainerInstances, readTaskDefinition, readTasks } from '../ecs-json.js';

const USAGE = `Usage:
  ecs-ops place --instances FILE --task-definition FILE [options]

Plans where ECS would place tasks: the container instances with the CPU, GPU, memory, ports and ENIs the task
needs, that satisfy the placement constraints, ranked by the placement strategies (ties broken by a seeded random
choice). Nothing is started.

Options:
  --instances FILE              DescribeContainerInstances output ({"containerInstances": [...]}) or an array
  --tasks FILE                  DescribeTasks output ({"tasks": [...]}) or an array: the tasks already running
  --task-definition FILE        DescribeTaskDefinition output ({"taskDefinition": {...}}) or the bare object
  --count N                     Tasks to place (default 1)
  --group NAME                  Task group, e.g. service:web (default family:<family>)
  --placement-strategy JSON     RunTask's shape: '[{"type":"spread","field":"attribute:ecs.availability-zone"}]'
                                (default: AZ spread then instance spread for service:*, else random)
  --placement-constraints JSON  RunTask's shape: '[{"type":"memberOf","expression":"attribute:ecs.instance-type =~ c5.*"}]'
  --seed N                      Seed of the random choices (default 0): same inputs and seed, same plan
${COMMON_OPTIONS_HELP}

JSON output: {"placements": [...], "failures": [...]} instead of a table.

Failure reasons are ECS's: RESOURCE:CPU, RESOURCE:MEMORY, RESOURCE:GPU, RESOURCE:PORTS, RESOURCE:ENI, ATTRIBUTE,
AGENT, NO ACTIVE INSTANCES, MISSING, or the constraint that is unsatisfied.

Exit codes: 0 every task placed, 1 some could not be placed, 2 bad input (file, JSON, a task definition without
containers, constraint, strategy, expression).
`;

export const placeCommand: Command = {
  name: 'place',
  overview: [['place --instances FILE --task-definition FILE', 'Plan where ECS would place tasks (constraints, strategies, reasons)']],
  usage: USAGE,
  run(args, io) {
    return run(args, io);
  },
};

const OPTIONS = {
  instances: { type: 'string' },
  tasks: { type: 'string' },
  'task-definition': { type: 'string' },
  count: { type: 'string' },
  group: { type: 'string' },
  'placement-strategy': { type: 'string' },
  'placement-constraints': { type: 'string' },
  seed: { type: 'string' },
} as const;

function run(args: string[], io: CliIo): number {
  const { values, positionals, output } = parseCommandArgs(placeCommand, args, OPTIONS);
  if (values.help) {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`place takes no positional arguments, got "${positionals.join(' ')}"`, placeCommand);
  if (values.instances === undefined) throw new UsageError('missing --instances FILE', placeCommand);
  if (values['task-definition'] === undefined) throw new UsageError('missing --task-definition FILE', placeCommand);
  const count = integerOption('--count', values.count, 1, 0);
  // A plan is for people to read: a million tasks is a typo, not a question ECS could be asked (RunTask takes 10).
  if (count > MAX_PLAN_COUNT) throw new UsageError(`--count must be at most ${MAX_PLAN_COUNT.toLocaleString('en-US')}, got ${count}`, placeCommand);
  const seed = integerOption('--seed', values.seed, 0, Number.MIN_SAFE_INTEGER);

  try {
    const placementStrategy = jsonList<PlacementStrategy>('--placement-strategy', values['placement-strategy'], ['type', 'field']);
    const placementConstraints = jsonList<PlacementConstraint>('--placement-constraints', values['placement-constraints'], ['type', 'expression']);
    const instances = readContainerInstances(values.instances, io);
    const tasks = values.tasks === undefined ? [] : readTasks(values.tasks, io).map(withAttachments);
    const taskDefinition = readTaskDefinition(values['task-definition'], io);
    const group = values.group ?? defaultGroup(taskDefinition.family);
    const result = place({ instances, tasks, taskDefinition, count, group, placementStrategy, placementConstraints, seed });
    io.stdout.write(output === 'json' ? `${JSON.stringify(result)}\n` : table(result, strategyLine(placementStrategy, group)));
    return result.failures.length > 0 ? ExitCode.findings : ExitCode.ok;
  } catch (error) {
    if (error instanceof PlacementValidationError) {
      io.stderr.write(`ecs-ops place: ${error.message}\n`);
      if (error.expression !== undefined && error.position !== undefined) {
        const excerpt = error.cause instanceof QuerySyntaxError ? error.cause.excerpt() : caretExcerpt(error.expression, error.position);
        io.stderr.write(`${excerpt.replace(/^/gm, '  ')}\n`);
      }
      return ExitCode.badInput;
    }
    if (error instanceof EcsJsonError || error instanceof BadOption) {
      io.stderr.write(`ecs-ops place: ${error.message}\n`);
      return ExitCode.badInput;
    }
    throw error;
  }
}

/** A bad option value found after parsing (invalid JSON, wrong shape): exit 2 without the whole usage. */
class BadOption extends Error {}

/** The largest plan `ecs-ops place` computes (the engine benchmark plans 100,000 tasks in under a second). */
const MAX_PLAN_COUNT = 100_000;

function integerOption(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${name} must be ${min === 0 ? 'a non-negative integer' : 'an integer'}, got "${text}"`, placeCommand);
  }
  return value;
}

/** A JSON array (or one object) of {type, field} / {type, expression}, as RunTask takes them. */
function jsonList<T>(name: string, text: string | undefined, keys: readonly string[]): T[] {
  if (text === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BadOption(`${name}: invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  return items.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new BadOption(`${name}[${i}]: expected an object like {"type": …}`);
    const entry: Record<string, string> = {};
    for (const [key, v] of Object.entries(item)) {
      if (!keys.includes(key)) throw new BadOption(`${name}[${i}]: unknown key "${key}" (expected ${keys.join(', ')})`);
      if (v === null || v === undefined) continue;
      if (typeof v !== 'string') throw new BadOption(`${name}[${i}].${key}: expected a string`);
      entry[key] = v;
    }
    return entry as T;
  });
}

/** Keeps the ENI attachments DescribeTasks returns (the engine counts them), dropping malformed entries. */
function withAttachments(task: Task): PlacementTask {
  const raw: unknown = Reflect.get(task, 'attachments');
  if (!Array.isArray(raw)) return { ...task, attachments: undefined };
  const attachments = (raw as unknown[])
    .filter((a): a is Record<string, unknown> => typeof a === 'object' && a !== null)
    .map((a) => ({ type: typeof a.type === 'string' ? a.type : undefined, status: typeof a.status === 'string' ? a.status : undefined }));
  return { ...task, attachments };
}

function describeRule(rule: StrategyRule): string {
  return rule.kind === 'random' ? 'random' : `${rule.kind === 'binpack' ? 'binpack' : 'spread'}(${rule.field})`;
}

function strategyLine(given: readonly PlacementStrategy[], group: string): string {
  if (given.length > 0) return `Strategy: ${given.map((s) => (s.type === 'random' ? 'random' : `${s.type ?? '?'}(${s.field ?? ''})`)).join(', ')}`;
  return `Strategy: ${defaultStrategies(group).map(describeRule).join(', ')} (default for ${group.startsWith('service:') ? 'services' : 'RunTask'})`;
}

function shortArn(arn: string | undefined): string {
  if (arn === undefined) return '-';
  return arn.slice(arn.lastIndexOf('/') + 1);
}

function table(result: PlaceResult, strategy: string): string {
  const rows: [string, string, string, string][] = [['TASK', 'EC2 INSTANCE', 'CONTAINER INSTANCE', 'RESULT']];
  const all = [
    ...result.placements.map((p) => ({ task: p.task, row: [String(p.task), p.ec2InstanceId ?? '-', shortArn(p.containerInstanceArn), 'placed'] as [string, string, string, string] })),
    ...result.failures.map((f) => ({
      task: f.task,
      row: [String(f.task), '-', f.containerInstanceArn === undefined ? '-' : `closest: ${shortArn(f.containerInstanceArn)}`, f.reason] as [string, string, string, string],
    })),
  ].sort((a, b) => a.task - b.task);
  rows.push(...all.map((r) => r.row));
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
  const lines = rows.map((r) => `${r[0].padEnd(widths[0] ?? 0)}  ${r[1].padEnd(widths[1] ?? 0)}  ${r[2].padEnd(widths[2] ?? 0)}  ${r[3]}`.trimEnd());
  const total = result.placements.length + result.failures.length;
  const instances = new Set(result.placements.map((p) => p.containerInstanceArn)).size;
  const reasons = [...new Set(result.failures.map((f) => f.reason))];
  const summary = `Placed ${result.placements.length} of ${total} task${total === 1 ? '' : 's'} on ${instances} instance${instances === 1 ? '' : 's'}${
    result.failures.length > 0 ? `; ${result.failures.length} could not be placed (${reasons.join(', ')})` : ''
  }.`;
  return `${strategy}\n\n${lines.join('\n')}\n\n${summary}\n`;
}
