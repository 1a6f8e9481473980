import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EcsJsonError, readContainerInstances, readJson, readTaskDefinition, readTasks } from '../../lib/cli/ecs-json.js';
import { runCli } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '../..');
const INSTANCES = 'test/fixtures/placement/instances.json';
const TASKS = 'test/fixtures/placement/tasks.json';
const EXTERNAL_ARN = 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/external-0f1e2d3c';

const run = (argv: string[], cwd = ROOT) => runCli(argv, { cwd });

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-ops-cql-'));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('ecs-ops cql', () => {
  it('prints the selected ec2InstanceIds, one per line, in input order', async () => {
    const result = await run(['cql', '--expression', 'attribute:ecs.instance-type in [t2.small, t2.medium]', '--instances', INSTANCES]);
    expect(result).toEqual({ code: 0, stdout: 'i-0a1b2c3d4e5f60001\ni-0a1b2c3d4e5f60002\ni-abcd1234\n', stderr: '' });
  });

  it('prints the containerInstanceArn of an instance without ec2InstanceId (ECS Anywhere)', async () => {
    const result = await run(['cql', '-e', 'attribute:stack != prod', '-i', INSTANCES]);
    expect(result.stdout.split('\n')).toEqual(['i-0a1b2c3d4e5f60002', 'i-wxyx7890', EXTERNAL_ARN, '']);
  });

  it('--json prints a JSON array', async () => {
    const result = await run(['cql', '-e', 'agentVersion < 1.14.5', '-i', INSTANCES, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(['i-0a1b2c3d4e5f60001', 'i-abcd1234']);
    const none = await run(['cql', '-e', 'runningTasksCount > 100', '-i', INSTANCES, '--json']);
    expect(none).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('selects nothing: exit 0 and no output', async () => {
    expect(await run(['cql', '-e', 'runningTasksCount > 100', '-i', INSTANCES])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('--tasks gives task:group the tasks of a DescribeTasks response', async () => {
    const production = await run(['cql', '-e', 'task:group == service:production', '-i', INSTANCES, '--tasks', TASKS]);
    expect(production).toEqual({ code: 0, stdout: 'i-0a1b2c3d4e5f60001\ni-0a1b2c3d4e5f60003\n', stderr: '' });
    const notDatabase = await run(['cql', '-e', 'not(task:group == database)', '-i', INSTANCES, '-t', TASKS, '--json']);
    expect(JSON.parse(notDatabase.stdout)).toEqual([
      'i-0a1b2c3d4e5f60001',
      'i-0a1b2c3d4e5f60002',
      'i-0a1b2c3d4e5f60004',
      'i-abcd1234',
      'i-wxyx7890',
      'i-0a1b2c3d4e5f60007',
      EXTERNAL_ARN,
    ]);
  });

  it('without --tasks, task:group sees no tasks, with a note on stderr', async () => {
    const result = await run(['cql', '-e', 'task:group == service:production', '-i', INSTANCES]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: 'ecs-ops cql: note: no --tasks given, so task:group sees no tasks on any instance\n' });
  });

  it('an invalid expression exits 2 with the position and a caret under it', async () => {
    const result = await run(['cql', '-e', 'attribute:ecs.instance-type t2.small', '-i', INSTANCES]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'ecs-ops cql: invalid expression: at character 29: expected an operator (==, !=, >, >=, <, <=, exists, !exists, in, !in, =~, !~) after "attribute:ecs.instance-type", found "t2.small"',
        '  attribute:ecs.instance-type t2.small',
        '                              ^^^^^^^^',
        '',
      ].join('\n'),
    );
  });

  it('an unsupported regular expression exits 2 pointing into it', async () => {
    const result = await run(['cql', '-e', 'attribute:ecs.instance-type =~ [a-z&&[^e]]', '-i', INSTANCES]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').slice(1, 3)).toEqual(['  attribute:ecs.instance-type =~ [a-z&&[^e]]', `  ${' '.repeat(35)}^^`]);
  });

  it('the expression is checked before the files are read', async () => {
    const result = await run(['cql', '-e', 'nope', '-i', 'missing.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ecs-ops cql: invalid expression: at character 1: /);
  });

  it('a bad file exits 2 naming it', async () => {
    const dir = tempDir({
      'broken.json': '{"containerInstances": [',
      'object.json': '{"clusters": []}',
      'typed.json': JSON.stringify({ containerInstances: [{ ec2InstanceId: 'i-1', attributes: [{ name: 'a' }, { name: 7 }] }] }),
      'tasks.json': JSON.stringify({ tasks: 'none' }),
    });
    mkdirSync(join(dir, 'folder.json'));
    const expression = ['-e', 'agentConnected == true'];
    const cases: [string[], RegExp][] = [
      [['-i', 'missing.json'], /^ecs-ops cql: missing\.json: file not found\n$/],
      [['-i', 'folder.json'], /^ecs-ops cql: folder\.json: is a directory, expected a JSON file\n$/],
      [['-i', 'broken.json'], /^ecs-ops cql: broken\.json: invalid JSON: /],
      [['-i', 'object.json'], /^ecs-ops cql: object\.json: expected a DescribeContainerInstances response \(\{"containerInstances": \[\.\.\.\]\}\) or an array of container instances\n$/],
      [['-i', 'typed.json'], /^ecs-ops cql: typed\.json: containerInstances\[0\]\.attributes\[1\]\.name: .*expected string/],
      [['-i', join(ROOT, INSTANCES), '-t', 'tasks.json'], /^ecs-ops cql: tasks\.json: expected a DescribeTasks response/],
    ];
    for (const [args, stderr] of cases) {
      const result = await run(['cql', ...expression, ...args], dir);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr, args.join(' ')).toMatch(stderr);
    }
  });

  it('usage errors exit 2 with one line pointing to the help', async () => {
    for (const [args, message] of [
      [['-i', INSTANCES], 'missing --expression EXPR'],
      [['-e', 'agentConnected == true'], 'missing --instances FILE'],
      [['-e', 'a', '-i', INSTANCES, 'extra'], 'unexpected argument "extra"'],
      [['--nope'], "Unknown option '--nope'"],
    ] as const) {
      const result = await run(['cql', ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`ecs-ops cql: ${message}`);
      expect(result.stderr).toMatch(/^[^\n]*; run ecs-ops cql --help\n$/);
    }
  });

  it('is listed in ecs-ops --help and has its own help', async () => {
    expect((await run(['--help'])).stdout).toContain('cql -e EXPR -i FILE [-t FILE] [--json]');
    const help = await run(['cql', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--tasks FILE');
    expect((await run(['help', 'cql'])).stdout).toBe(help.stdout);
  });
});

describe('lib/cli/ecs-json', () => {
  it('reads a DescribeContainerInstances response or a bare array; null counts as absent', () => {
    const fromResponse = readContainerInstances(INSTANCES, { cwd: ROOT });
    expect(fromResponse).toHaveLength(8);
    expect(fromResponse[0]?.remainingResources?.[0]).toMatchObject({ name: 'CPU', integerValue: 1792 });
    const dir = tempDir({ 'bare.json': JSON.stringify([{ containerInstanceArn: 'arn', ec2InstanceId: null, registeredAt: 1609459200, custom: { kept: true } }]) });
    const [bare] = readContainerInstances(join(dir, 'bare.json'));
    expect(bare).toEqual({ containerInstanceArn: 'arn', registeredAt: 1609459200, custom: { kept: true } });
  });

  it('checks the fields the query language and the engine read', () => {
    const dir = tempDir({
      'date.json': JSON.stringify([{ registeredAt: 'yesterday' }]),
      'count.json': JSON.stringify({ containerInstances: [{ runningTasksCount: '3' }] }),
    });
    expect(() => readContainerInstances('date.json', { cwd: dir })).toThrow(/^date\.json: \[0\]\.registeredAt: not a date/);
    expect(() => readContainerInstances('count.json', { cwd: dir })).toThrow(/^count\.json: containerInstances\[0\]\.runningTasksCount: /);
    try {
      readContainerInstances('count.json', { cwd: dir });
    } catch (error) {
      expect(error).toBeInstanceOf(EcsJsonError);
      expect((error as EcsJsonError).file).toBe('count.json');
    }
  });

  it('reads tasks and task definitions', () => {
    expect(readTasks(TASKS, { cwd: ROOT }).map((t) => t.group)).toContain('database');
    const dir = tempDir({
      'tasks.json': JSON.stringify([{ group: 'g', containerInstanceArn: 'a' }]),
      'td.json': JSON.stringify({ taskDefinition: { family: 'web', cpu: '256', containerDefinitions: [{ name: 'app', memory: 512 }] } }),
      'td-bare.json': JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app' }] }),
      'td-empty.json': JSON.stringify({}),
      'td-no-containers.json': JSON.stringify({ taskDefinition: { family: 'web', containerDefinitions: [] } }),
      'td-bad.json': JSON.stringify({ taskDefinition: { revision: 'x' } }),
    });
    expect(readTasks('tasks.json', { cwd: dir })).toEqual([{ group: 'g', containerInstanceArn: 'a' }]);
    expect(readTaskDefinition('td.json', { cwd: dir })).toMatchObject({ family: 'web', containerDefinitions: [{ name: 'app', memory: 512 }] });
    expect(readTaskDefinition('td-bare.json', { cwd: dir })).toEqual({ family: 'web', containerDefinitions: [{ name: 'app' }] });
    // RegisterTaskDefinition requires at least one container: anything less is not a task definition.
    expect(() => readTaskDefinition('td-empty.json', { cwd: dir })).toThrow(/^td-empty\.json: containerDefinitions: a task definition without containers/);
    expect(() => readTaskDefinition('td-no-containers.json', { cwd: dir })).toThrow(/^td-no-containers\.json: taskDefinition\.containerDefinitions: a task definition without containers/);
    expect(() => readTaskDefinition('td-bad.json', { cwd: dir })).toThrow(/^td-bad\.json: taskDefinition\.revision: /);
    expect(readJson('td-bare.json', { cwd: dir })).toEqual({ family: 'web', containerDefinitions: [{ name: 'app' }] });
  });
});
