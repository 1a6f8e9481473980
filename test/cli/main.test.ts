import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { renderConfigJsonSchema } from '../../lib/config/json-schema.js';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLE = join(ROOT, 'ecs-ops.config.example.yml');

async function run(argv: string[], options: { env?: Record<string, string>; cwd?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: options.env ?? {},
    cwd: options.cwd ?? ROOT,
  });
  return { code, stdout, stderr };
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-ops-cli-'));
  tempDirs.push(dir);
  return dir;
}

describe('ecs-ops config check', () => {
  it('exits 0 and prints a summary for a valid file', async () => {
    const result = await run(['config', 'check', 'ecs-ops.config.example.yml']);
    expect(result).toEqual({ code: 0, stdout: 'ecs-ops.config.example.yml: OK (2 clusters, 3 channels, 2 schedules, 1 placement policy)\n', stderr: '' });
  });

  it('exits 2 and prints every error as file:line:col on stderr', async () => {
    const dir = tempDir();
    const text = readFileSync(EXAMPLE, 'utf8').replace('dedupeWindow: 15m', 'dedupeWindw: 15m').replace('standaloneTasks: wait', 'standaloneTasks: drain');
    writeFileSync(join(dir, 'broken.yml'), text);
    const lines = text.split('\n');
    const typoLine = lines.findIndex((l) => l.includes('dedupeWindw')) + 1;
    const enumLine = lines.findIndex((l) => l.includes('standaloneTasks: drain')) + 1;

    const result = await run(['config', 'check', 'broken.yml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      `broken.yml:${typoLine}:3 alerts.dedupeWindw: unknown key "dedupeWindw" (did you mean "dedupeWindow"?)`,
      `broken.yml:${enumLine}:20 drain.standaloneTasks: expected one of "wait" | "stop", got "drain"`,
      'broken.yml: 2 errors',
      '',
    ]);
  });

  it('warns (exit 0) about a schedule naming no role, with file:line:col and the config path to set', async () => {
    const dir = tempDir();
    const text = readFileSync(EXAMPLE, 'utf8').replace(/\n {4}# The task definition's execution role \(it logs[^\n]*\n[^\n]*\n {4}executionRoleArn: [^\n]*\n/, '\n');
    expect(text).not.toEqual(readFileSync(EXAMPLE, 'utf8'));
    writeFileSync(join(dir, 'no-roles.yml'), text);
    const line = text.split('\n').findIndex((l) => l.includes('- name: staging-cleanup')) + 1;
    const result = await run(['config', 'check', 'no-roles.yml'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('no-roles.yml: OK (2 clusters, 3 channels, 2 schedules, 1 placement policy)\n');
    expect(result.stderr).toMatch(new RegExp(`^no-roles\\.yml:${line}:5 warning: schedules\\[1\\]: schedule staging-cleanup names no executionRoleArn and no taskRoleArn: .*iam:PassRole.*Set schedules\\[1\\]\\.executionRoleArn \\(and schedules\\[1\\]\\.taskRoleArn\\)`));
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 on a YAML syntax error', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ecs-ops.config.yml'), 'version: 1\nclusters: [\n');
    const result = await run(['config', 'check'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ecs-ops\.config\.yml:3:1 YAML syntax error: /);
  });

  it('exits 2 naming a missing file', async () => {
    const dir = tempDir();
    const result = await run(['config', 'check', 'missing.yml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`missing.yml: config file not found: ${join(dir, 'missing.yml')}\n`);
  });

  it('defaults to ecs-ops.config.yml in the working directory, with a hint when it is missing', async () => {
    const dir = tempDir();
    const missing = await run(['config', 'check'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`ecs-ops.config.yml: config file not found: ${join(dir, 'ecs-ops.config.yml')}`);
    expect(missing.stderr).toContain('ECS_OPS_CONFIG');

    copyFileSync(EXAMPLE, join(dir, 'ecs-ops.config.yml'));
    const found = await run(['config', 'check'], { cwd: dir });
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(/^ecs-ops\.config\.yml: OK \(/);
  });

  it('defaults to $ECS_OPS_CONFIG', async () => {
    const result = await run(['config', 'check'], { env: { ECS_OPS_CONFIG: EXAMPLE }, cwd: tempDir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${EXAMPLE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: OK \\(2 clusters`));
  });

  it('rejects extra arguments and unknown options with exit 2', async () => {
    expect((await run(['config', 'check', 'a.yml', 'b.yml'])).code).toBe(2);
    const result = await run(['config', 'check', '--strict']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("ecs-ops config: Unknown option '--strict'; run ecs-ops config --help\n");
  });
});

describe('ecs-ops config schema', () => {
  it('prints the JSON Schema', async () => {
    const result = await run(['config', 'schema']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(renderConfigJsonSchema());
  });
});

describe('usage', () => {
  it('--help and help print the commands on stdout', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const result = await run(argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: ecs-ops <command>');
      expect(result.stdout).toContain('config check [FILE]');
      expect(result.stdout).toContain('config schema');
      expect(result.stderr).toBe('');
    }
  });

  it('help COMMAND and COMMAND --help print that command’s usage', async () => {
    const help = await run(['help', 'config']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('ecs-ops config check [FILE]');
    expect((await run(['config', '--help'])).stdout).toBe(help.stdout);
    expect((await run(['config', 'check', '--help'])).stdout).toBe(help.stdout);
  });

  it('an unknown command prints one line pointing to the help on stderr and exits 2', async () => {
    const result = await run(['deploy']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('ecs-ops: unknown command "deploy"; run ecs-ops --help\n');
  });

  it('no command, an unknown subcommand or an unknown global option exit 2', async () => {
    expect((await run([])).code).toBe(2);
    const sub = await run(['config', 'lint']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toContain('unknown subcommand "config lint"');
    const option = await run(['--verbose', 'config', 'check']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('unknown option --verbose');
  });
});

describe('options every command shares', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect((await run(['-V'])).stdout).toBe(`${version}\n`);
  });

  it('--output json (and its alias --json) on config check: one JSON document, errors included', async () => {
    const ok = await run(['config', 'check', 'ecs-ops.config.example.yml', '--output', 'json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ file: 'ecs-ops.config.example.yml', valid: true, summary: { clusters: 2, channels: 3, schedules: 2, placementPolicies: 1 }, warnings: [] });
    expect((await run(['config', 'check', 'ecs-ops.config.example.yml', '--json'])).stdout).toBe(ok.stdout);
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yml'), 'version: 2\n');
    const bad = await run(['config', 'check', 'bad.yml', '-o', 'json'], { cwd: dir });
    expect(bad.code).toBe(2);
    const out = JSON.parse(bad.stdout) as { valid: boolean; errors: string[] };
    expect(out.valid).toBe(false);
    expect(out.errors).toContainEqual(expect.stringMatching(/^bad\.yml:1:\d+ version/));
  });

  it('a bad --output value or --json against --output text is a one-line usage error', async () => {
    expect(await run(['config', 'check', '--output', 'yaml'])).toEqual({ code: 2, stdout: '', stderr: 'ecs-ops config: --output must be text or json, got "yaml"; run ecs-ops config --help\n' });
    expect((await run(['place', '--json', '--output', 'text'])).stderr).toBe('ecs-ops place: --json contradicts --output text; run ecs-ops place --help\n');
  });

  it('--region and --profile are only options of the commands that call AWS', async () => {
    expect((await run(['config', 'check', '--region', 'eu-west-1'])).stderr).toBe("ecs-ops config: Unknown option '--region'; run ecs-ops config --help\n");
  });
});

describe('bin/ecs-ops', () => {
  it('checks the example config as a real process', { timeout: 60_000 }, () => {
    const result = spawnSync(join(ROOT, 'bin/ecs-ops'), ['config', 'check', 'ecs-ops.config.example.yml'], { cwd: ROOT, encoding: 'utf8', timeout: 55_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('ecs-ops.config.example.yml: OK (2 clusters, 3 channels, 2 schedules, 1 placement policy)\n');
    expect(result.status).toBe(0);
  });
});
