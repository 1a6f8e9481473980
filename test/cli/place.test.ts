import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = 'test/fixtures/placement';
const INSTANCES = `${FIXTURES}/engine-instances.json`;
const TASKS = `${FIXTURES}/engine-tasks.json`;
const TASK_DEFINITION = `${FIXTURES}/engine-task-definition.json`;

const arn = (n: number) => `arn:aws:ecs:us-east-1:123456789012:container-instance/prod/${n.toString(16).padStart(32, '0')}`;
const ec2 = (n: number) => `i-0${n.toString(16).padStart(16, '0')}`;

const run = (argv: string[], cwd = ROOT) => runCli(argv, { cwd });

const base = ['place', '--instances', INSTANCES, '--tasks', TASKS, '--task-definition', TASK_DEFINITION];

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-ops-place-'));
  tempDirs.push(dir);
  return dir;
}

describe('ecs-ops place', () => {
  it('places a service on the default AZ + instance spread, counting its running tasks, and exits 0', async () => {
    const result = await run([...base, '--group', 'service:web', '--count', '3', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // us-east-1a has 2 web tasks, us-east-1b 1 (plus a STOPPED one that does not count; instance 4 is DRAINING).
    expect(JSON.parse(result.stdout)).toEqual({
      placements: [
        { task: 0, containerInstanceArn: arn(3), ec2InstanceId: ec2(3) },
        { task: 1, containerInstanceArn: arn(2), ec2InstanceId: ec2(2) },
        { task: 2, containerInstanceArn: arn(3), ec2InstanceId: ec2(3) },
      ],
      failures: [],
    });
  });

  it('exits 1 and names the reason and the closest instance when tasks do not fit', async () => {
    const result = await run([...base, '--group', 'service:web', '--count', '20', '--json']);
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { placements: unknown[]; failures: unknown[] };
    expect(parsed.placements).toHaveLength(18); // memoryReservation 512: 5 + 7 + 6 fit
    expect(parsed.failures).toEqual([
      { task: 18, reason: 'RESOURCE:MEMORY', containerInstanceArn: arn(1) },
      { task: 19, reason: 'RESOURCE:MEMORY', containerInstanceArn: arn(1) },
    ]);
  });

  it('prints a table without --json', async () => {
    const result = await run([...base, '--group', 'service:web', '--count', '19']);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('Strategy: spread(attribute:ecs.availability-zone), spread(instanceId) (default for services)');
    expect(lines[2]).toMatch(/^TASK\s+EC2 INSTANCE\s+CONTAINER INSTANCE\s+RESULT$/);
    expect(lines[3]).toMatch(new RegExp(`^0\\s+${ec2(3)}\\s+${arn(3).split('/').pop()!}\\s+placed$`));
    expect(result.stdout).toMatch(new RegExp(`18\\s+-\\s+closest: ${arn(1).split('/').pop()!}\\s+RESOURCE:MEMORY`));
    expect(result.stdout).toContain('Placed 18 of 19 tasks on 3 instances; 1 could not be placed (RESOURCE:MEMORY).\n');
  });

  it('takes strategies and constraints in RunTask JSON shapes', async () => {
    const binpack = await run([...base, '--count', '2', '--placement-strategy', '[{"type":"binpack","field":"memory"}]', '--json']);
    expect(binpack.code).toBe(0);
    expect((JSON.parse(binpack.stdout) as { placements: { ec2InstanceId: string }[] }).placements.map((p) => p.ec2InstanceId)).toEqual([ec2(1), ec2(1)]);

    const distinct = await run([...base, '--group', 'service:web', '--count', '2', '--placement-constraints', '[{"type":"distinctInstance"}]', '--json']);
    expect(distinct.code).toBe(1);
    expect(JSON.parse(distinct.stdout)).toEqual({
      placements: [{ task: 0, containerInstanceArn: arn(2), ec2InstanceId: ec2(2) }],
      failures: [{ task: 1, reason: 'DistinctInstance placement constraint unsatisfied.', containerInstanceArn: arn(1) }],
    });
  });

  it('is deterministic for a seed (RunTask default: random)', async () => {
    const once = await run([...base, '--count', '5', '--seed', '9', '--json']);
    const again = await run([...base, '--count', '5', '--seed', '9', '--json']);
    expect(once.code).toBe(0);
    expect(once.stdout).toBe(again.stdout);
  });

  it('reads a bare task definition object, and works without --tasks', async () => {
    const dir = tempDir();
    const { taskDefinition } = JSON.parse(readFileSync(join(ROOT, TASK_DEFINITION), 'utf8')) as { taskDefinition: unknown };
    writeFileSync(join(dir, 'td.json'), JSON.stringify(taskDefinition));
    const result = await run(['place', '--instances', join(ROOT, INSTANCES), '--task-definition', 'td.json', '--group', 'service:web', '--json'], dir);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { placements: unknown[] }).placements).toHaveLength(1);
  });

  it('counts ENIs of awsvpc tasks from their attachments', async () => {
    const dir = tempDir();
    const td = JSON.parse(readFileSync(join(ROOT, TASK_DEFINITION), 'utf8')) as { taskDefinition: Record<string, unknown> };
    td.taskDefinition.networkMode = 'awsvpc';
    writeFileSync(join(dir, 'td.json'), JSON.stringify(td));
    const tasks = JSON.parse(readFileSync(join(ROOT, TASKS), 'utf8')) as { tasks: Record<string, unknown>[] };
    for (const t of tasks.tasks) t.attachments = [{ id: 'a', type: 'ElasticNetworkInterface', status: 'ATTACHED' }];
    writeFileSync(join(dir, 'tasks.json'), JSON.stringify(tasks));
    // c5.large without trunking: 2 task ENIs. Instance 1 has 2 in use, instance 3 has 1, instance 2 none → 3 fit.
    const result = await run(['place', '--instances', join(ROOT, INSTANCES), '--tasks', 'tasks.json', '--task-definition', 'td.json', '--count', '4', '--json'], dir);
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { placements: unknown[]; failures: { reason: string }[] };
    expect(parsed.placements).toHaveLength(3);
    expect(parsed.failures.map((f) => f.reason)).toEqual(['RESOURCE:ENI']);
  });
});

describe('ecs-ops place: bad input exits 2', () => {
  it('a missing file', async () => {
    const result = await run(['place', '--instances', 'nope.json', '--task-definition', TASK_DEFINITION]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe('ecs-ops place: nope.json: file not found\n');
  });

  it('a task definition without containers ({}) is refused, naming what is missing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.json'), '{}');
    const result = await run(['place', '--instances', join(ROOT, INSTANCES), '--task-definition', 'empty.json'], dir);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'ecs-ops place: empty.json: containerDefinitions: a task definition without containers (expected at least one container definition, as DescribeTaskDefinition prints)\n' });
  });

  it('a file that is not JSON', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), '{"containerInstances": [');
    const result = await run(['place', '--instances', 'bad.json', '--task-definition', join(ROOT, TASK_DEFINITION)], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ecs-ops place: bad\.json: invalid JSON: /);
  });

  it('invalid JSON or shapes in --placement-strategy / --placement-constraints', async () => {
    const notJson = await run([...base, '--placement-strategy', '[{type:spread}]']);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^ecs-ops place: --placement-strategy: invalid JSON: /);
    const badKey = await run([...base, '--placement-constraints', '[{"type":"memberOf","expr":"x"}]']);
    expect(badKey).toMatchObject({ code: 2, stderr: 'ecs-ops place: --placement-constraints[0]: unknown key "expr" (expected type, expression)\n' });
  });

  it('an invalid strategy or constraint, with the message', async () => {
    const binpack = await run([...base, '--placement-strategy', '{"type":"binpack","field":"disk"}']);
    expect(binpack).toMatchObject({ code: 2, stdout: '', stderr: 'ecs-ops place: placementStrategy[0]: invalid binpack field "disk": expected cpu or memory.\n' });
    const tooMany = await run([...base, '--placement-strategy', JSON.stringify(Array.from({ length: 6 }, () => ({ type: 'random' })))]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('maximum of 5 strategy rules');
    const distinct = await run([...base, '--placement-constraints', '[{"type":"distinctInstance","expression":"attribute:x exists"}]']);
    expect(distinct).toMatchObject({ code: 2, stderr: 'ecs-ops place: placementConstraints[0]: distinctInstance expression should not be specified.\n' });
  });

  it('a memberOf expression that does not parse, with its position', async () => {
    const result = await run([...base, '--placement-constraints', '[{"type":"memberOf","expression":"attribute:ecs.instance-type t2.small"}]']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines[0]).toMatch(/^ecs-ops place: placementConstraints\[0\]: invalid memberOf expression: at character 29: /);
    expect(lines[1]).toBe('  attribute:ecs.instance-type t2.small');
    expect(lines[2]).toBe(`  ${' '.repeat(28)}^^^^^^^^`);
  });

  it('missing required options and bad numbers: one line pointing to the help', async () => {
    const missing = await run(['place', '--task-definition', TASK_DEFINITION]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('ecs-ops place: missing --instances FILE; run ecs-ops place --help\n');
    const count = await run([...base, '--count=-1']);
    expect(count.code).toBe(2);
    expect(count.stderr).toContain('--count must be a non-negative integer, got "-1"');
    expect((await run([...base, '--count', '1.5'])).stderr).toContain('--count must be a non-negative integer, got "1.5"');
    const seed = await run([...base, '--seed', 'x']);
    expect(seed.stderr).toContain('--seed must be an integer, got "x"');
  });
});

describe('ecs-ops help', () => {
  it('lists place and shows its help', async () => {
    expect((await run(['--help'])).stdout).toContain('place --instances FILE --task-definition FILE');
    const help = await run(['help', 'place']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--placement-strategy JSON');
    expect((await run(['place', '--help'])).stdout).toBe(help.stdout);
  });
});
