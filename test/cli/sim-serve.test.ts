/**
 * `ecs-ops sim serve`: a scenario's simulated account on a local port, and the AWS-calling commands pointed at it with
 * nothing but the environment it prints (endpoint, region, the operator's keys, the config): audit, run, digest, their
 * exit codes, and the credential and region errors (exit 3, one line).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../support/cli.js';

interface Served {
  url: string;
  region: string;
  account: string;
  configFile: string;
  env: Record<string, string>;
}

/** Starts `ecs-ops sim serve SCENARIO --output json` in process; resolves once it has printed where it listens. */
function serve(scenario: string): Promise<{ served: Served; stop: () => Promise<CliRun> }> {
  const controller = new AbortController();
  return new Promise((resolve, reject) => {
    let printed = false;
    const finished = runCli(['sim', 'serve', `sim/scenarios/${scenario}`, '--output', 'json'], {
      signal: controller.signal,
      onStdout: (text) => {
        if (printed || !text.endsWith('\n')) return;
        printed = true;
        resolve({
          served: JSON.parse(text) as Served,
          stop: () => {
            controller.abort();
            return finished;
          },
        });
      },
    });
    finished.then((run) => { if (!printed) reject(new Error(`sim serve ended before serving: ${JSON.stringify(run)}`)); }, reject);
  });
}

describe('ecs-ops sim serve', () => {
  let placement: Awaited<ReturnType<typeof serve>>;
  let schedules: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    [placement, schedules] = await Promise.all([serve('placement-max-per-instance.yml'), serve('schedule-success.yml')]);
  });
  afterAll(async () => {
    for (const served of [placement, schedules]) {
      const stopped = await served.stop();
      expect(stopped).toMatchObject({ code: 0, stderr: '' });
    }
  });

  it('prints the endpoint, the region, the operator\'s keys and the scenario\'s config', () => {
    const { served } = placement;
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(served.env).toEqual({ AWS_ENDPOINT_URL: served.url, AWS_REGION: served.region, AWS_ACCESS_KEY_ID: expect.stringMatching(/^AKIA|^ASIA|^[A-Z0-9]{16,}$/) as unknown, AWS_SECRET_ACCESS_KEY: 'sim', ECS_OPS_CONFIG: served.configFile });
  });

  it('audit finds the violations of the served fleet: exit 1 (findings), JSON on stdout', async () => {
    const result = await runCli(['audit', '--cluster', 'prod', '--output', 'json'], { env: placement.served.env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout) as { services: number; instances: number; violations: { rule: string }[] };
    expect(out).toMatchObject({ services: 1, instances: 3 });
    expect(out.violations.map((v) => v.rule)).toEqual(['maxPerInstance']);
  });

  it('run starts the schedule\'s task (exit 0) and digest reports the cluster (exit 0)', async () => {
    const { env } = schedules.served;
    const run = await runCli(['run', 'report', '--output', 'json'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const started = (JSON.parse(run.stdout) as { started: string[] }).started;
    expect(started).toHaveLength(1);
    expect(started[0]).toMatch(new RegExp(`^arn:aws:ecs:${schedules.served.region}:${schedules.served.account}:task/prod/`));
    const digest = await runCli(['digest', '--cluster', 'prod', '--since', '1h'], { env });
    expect(digest.stderr).toBe('');
    expect(digest.code).toBe(0);
    expect(digest.stdout).toContain('prod');
  });

  it('a wrong access key is exit 3 with one line naming the refusal and what to do', async () => {
    const env = { ...placement.served.env, AWS_ACCESS_KEY_ID: 'AKIDNOTKNOWN' };
    for (const argv of [['audit', '--cluster', 'prod'], ['digest', '--cluster', 'prod', '--since', '1h'], ['run', 'report']]) {
      const result = await runCli(argv, { env: argv[0] === 'run' ? { ...schedules.served.env, AWS_ACCESS_KEY_ID: 'AKIDNOTKNOWN' } : env });
      expect(result.code, argv.join(' ')).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(new RegExp(`^ecs-ops ${argv[0] ?? ''}: AWS refused the credentials \\(UnrecognizedClientException: The security token included in the request is invalid\\.?\\): pass --profile, .*\\n$`));
    }
  });

  it('no region is exit 3 with one line, before any call', async () => {
    const { AWS_REGION: _region, ...env } = placement.served.env;
    const result = await runCli(['audit', '--cluster', 'prod'], { env: { ...env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' } });
    expect(result).toEqual({ code: 3, stdout: '', stderr: 'ecs-ops audit: no AWS region: pass --region, set AWS_REGION or a profile region\n' });
  });

  it('an endpoint nothing listens on is exit 3 with one line', async () => {
    const result = await runCli(['audit', '--cluster', 'prod'], { env: { ...placement.served.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^ecs-ops audit: cannot reach the AWS endpoint: ECONNREFUSED.*: check the network, and AWS_ENDPOINT_URL if you set it .*\n$/);
  });

  it('refuses a bad scenario or port with exit 2 and one line', async () => {
    expect(await runCli(['sim', 'serve'])).toEqual({ code: 2, stdout: '', stderr: 'ecs-ops sim: missing SCENARIO (a scenario file, e.g. sim/scenarios/tour.yml); run ecs-ops sim --help\n' });
    expect((await runCli(['sim', 'serve', 'sim/scenarios/tour.yml', '--port', 'http'])).stderr).toBe('ecs-ops sim: --port must be a port number (0-65535), got "http"; run ecs-ops sim --help\n');
    const missing = await runCli(['sim', 'serve', 'nope.yml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^nope\.yml/);
  });
});
