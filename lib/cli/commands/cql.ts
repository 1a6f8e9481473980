/**
 * `ecs-ops cql --expression EXPR --instances FILE [--tasks FILE] [--json]`: which container instances a cluster query
 * language expression selects (what a `memberOf` placement constraint would allow).
 */
import type { ContainerInstance } from '../../placement/model.js';
import { compileQuery, contextFromTasks, EMPTY_CONTEXT, QuerySyntaxError, type CompiledQuery, type QueryNode } from '../../placement/query/index.js';
import { COMMON_OPTIONS_HELP, ExitCode, parseCommandArgs, UsageError, type CliIo, type Command } from '../command.js';
import { EcsJsonError, readContainerInstances, readTasks } from '../ecs-json.js';

const USAGE = `Usage:
  ecs-ops cql --expression EXPR --instances FILE [--tasks FILE] [--json]

Prints the ec2InstanceId of each container instance the cluster query language expression selects (the
containerInstanceArn for instances without one, e.g. ECS Anywhere), one per line, in input order.

Options:
  -e, --expression EXPR   The expression, e.g. "attribute:ecs.instance-type =~ t2.* and runningTasksCount < 5"
  -i, --instances FILE    DescribeContainerInstances output ({"containerInstances": [...]}) or an array
  -t, --tasks FILE        DescribeTasks output ({"tasks": [...]}) or an array: the tasks task:group sees
                          (tasks STOPPED by last or desired status do not count); without it task:group sees none
${COMMON_OPTIONS_HELP}

JSON output: an array of the selected instances' labels.

Example:
  aws ecs describe-container-instances --cluster prod \\
    --container-instances $(aws ecs list-container-instances --cluster prod --query containerInstanceArns --output text) \\
    > instances.json
  ecs-ops cql -i instances.json -e 'attribute:ecs.availability-zone in [us-east-1a, us-east-1b] and agentConnected == true'

Exit codes: 0 ok (also when nothing is selected), 2 invalid expression, arguments or files.
`;

export const cqlCommand: Command = {
  name: 'cql',
  overview: [['cql -e EXPR -i FILE [-t FILE] [--json]', 'Select container instances with a cluster query language expression']],
  usage: USAGE,
  run,
};

function usesTaskGroup(node: QueryNode): boolean {
  switch (node.type) {
    case 'and':
    case 'or':
      return usesTaskGroup(node.left) || usesTaskGroup(node.right);
    case 'not':
      return usesTaskGroup(node.operand);
    case 'condition':
      return node.subject.name === 'task:group';
  }
}

/** What the CLI prints for an instance: its EC2 instance id, else its ARN. */
export function instanceLabel(instance: ContainerInstance): string {
  return instance.ec2InstanceId ?? instance.containerInstanceArn ?? '(an instance without ec2InstanceId or containerInstanceArn)';
}

function run(args: string[], io: CliIo): number {
  const { values, positionals, output } = parseCommandArgs(cqlCommand, args, {
    expression: { type: 'string', short: 'e' },
    instances: { type: 'string', short: 'i' },
    tasks: { type: 'string', short: 't' },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}" (quote the expression and pass it with --expression)`, cqlCommand);
  if (values.expression === undefined) throw new UsageError('missing --expression EXPR', cqlCommand);
  if (values.instances === undefined) throw new UsageError('missing --instances FILE', cqlCommand);

  let compiled: CompiledQuery;
  try {
    compiled = compileQuery(values.expression);
  } catch (error) {
    if (!(error instanceof QuerySyntaxError)) throw error;
    io.stderr.write(`ecs-ops cql: invalid expression: ${error.message}\n${indent(error.excerpt())}\n`);
    return ExitCode.badInput;
  }

  try {
    const instances = readContainerInstances(values.instances, io);
    const tasks = values.tasks === undefined ? undefined : readTasks(values.tasks, io);
    if (tasks === undefined && usesTaskGroup(compiled.ast)) {
      io.stderr.write('ecs-ops cql: note: no --tasks given, so task:group sees no tasks on any instance\n');
    }
    const context = tasks === undefined ? EMPTY_CONTEXT : contextFromTasks(tasks);
    const selected = instances.filter((instance) => compiled.matches(instance, context)).map(instanceLabel);
    io.stdout.write(output === 'json' ? `${JSON.stringify(selected)}\n` : selected.map((label) => `${label}\n`).join(''));
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof EcsJsonError)) throw error;
    io.stderr.write(`ecs-ops cql: ${error.message}\n`);
    return ExitCode.badInput;
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
