import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessDeniedException, StopTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeEcs } from '../placement/policy/fake-ecs.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ecs-ops-audit-'));
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

const CONFIG = `version: 1
clusters:
  - name: prod
  - name: staging
notifications:
  channels: [{ name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }]
placement:
  dryRun: false
  policies:
    - name: spread
      select: { clusters: [prod] }
      mode: enforce
      rules: { azBalance: { maxSkew: 1 }, instanceMatch: 'attribute:ecs.instance-type =~ m5.*' }
`;
writeFileSync(join(dir, 'ecs-ops.config.yml'), CONFIG);
const env = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

describe('ecs-ops audit', () => {
  let fake: FakeEcs;
  let mock: ReturnType<FakeEcs['install']>;
  beforeEach(() => {
    fake = new FakeEcs();
    mock = fake.install();
    const a = fake.addInstance(1, 'us-east-1a');
    const b = fake.addInstance(2, 'us-east-1b');
    fake.addInstance(3, 'us-east-1c');
    fake.addService('web', 5);
    for (let i = 0; i < 4; i++) fake.addTask('web', a);
    fake.addTask('web', b);
  });

  it('reports the violations and the stops an enforce pass would make, stops nothing, exits 1', async () => {
    const result = await runCli(['audit', '--cluster', 'prod'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('prod: 1 service, 3 container instances, 5 tasks audited');
    expect(result.stdout).toContain('web  azBalance (policy spread, enforce): web: 4 tasks in us-east-1a, 1 in us-east-1b, 0 in us-east-1c; allowed skew 1');
    expect(result.stdout).toMatch(/An enforce pass would stop:\n {2}web {2}task web-\d+ on i-1 \(us-east-1a\) → replacement on i-3 \(us-east-1c\); azBalance 2 → 1, 2 stops needed in all/);
    expect(mock.commandCalls(StopTaskCommand)).toHaveLength(0);
  });

  it('--json and --config; exit 0 when compliant', async () => {
    writeFileSync(join(dir, 'other.yml'), CONFIG.replace('maxSkew: 1', 'maxSkew: 5'));
    const result = await runCli(['audit', '--cluster', 'prod', '--config', 'other.yml', '--json'], { cwd: dir, env });
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { violations: unknown[]; tasks: number; instances: number };
    expect(out).toMatchObject({ violations: [], tasks: 5, instances: 3 });
  });

  it('bad input exits 2: no --cluster, an undeclared cluster, a cluster no policy covers, an invalid config', async () => {
    expect((await runCli(['audit'], { cwd: dir, env })).code).toBe(2);
    const unknown = await runCli(['audit', '--cluster', 'dev'], { cwd: dir, env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('cluster "dev" is not declared');
    const uncovered = await runCli(['audit', '--cluster', 'staging'], { cwd: dir, env });
    expect(uncovered.stderr).toContain('no placement policy applies to cluster "staging"');
    writeFileSync(join(dir, 'bad.yml'), CONFIG.replace("=~ m5.*'", "m5'"));
    const bad = await runCli(['audit', '--cluster', 'prod', '--config', 'bad.yml'], { cwd: dir, env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yml:\d+:\d+ .*instanceMatch.*at character/s);
  });

  it('an AWS error is one line and exit 3 (not 1, which means violations)', async () => {
    mock.reset();
    mock.rejects(new AccessDeniedException({ message: 'User is not authorized to perform: ecs:ListServices', $metadata: { httpStatusCode: 400, requestId: 'req-1' } }));
    const result = await runCli(['audit', '--cluster', 'prod'], { cwd: dir, env });
    expect(result).toEqual({ code: 3, stdout: '', stderr: 'ecs-ops audit: AWS denied the call (AccessDeniedException: User is not authorized to perform: ecs:ListServices): the credentials lack a permission: docs/cli.md lists the actions each command calls\n' });
    const debug = await runCli(['audit', '--cluster', 'prod', '--debug'], { cwd: dir, env });
    expect(debug.code).toBe(3);
    expect(debug.stderr).toMatch(/^ecs-ops audit: AWS denied the call .*\nrequest id: req-1\nAccessDeniedException: User is not authorized.*\n {4}at /s);
  });

  it('a bug is one line and exit 1, its stack only with --debug', async () => {
    mock.reset();
    const result = await runCli(['audit', '--cluster', 'prod'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^ecs-ops audit: .*\(run with --debug for the stack trace\)\n$/);
    const debug = await runCli(['audit', '--cluster', 'prod', '--debug'], { cwd: dir, env });
    expect(debug.stderr).toMatch(/\n {4}at /);
  });
});
