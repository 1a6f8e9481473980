/**
 * `ecs-ops verify` against the simulated account (protocol server + world, real SDK clients, the operator role's
 * credentials, IAM enforced): what a user sees before deploying.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runOsls } from '../../lib/deploy/osls.js';
import { runCli } from '../support/cli.js';
import { startSimulatedAccount, type SimulatedAccount } from '../support/cli-sim.js';

let account: SimulatedAccount | undefined;
afterEach(async () => {
  await account?.close();
  account = undefined;
});

/**
 * The scenario's simulated account; with `channels`, holding the config's notification resources as `simulate` makes
 * them (SNS topics, the Slack webhook SecureStrings).
 */
async function openAccount(scenario: string, options: { channels?: boolean } = {}): Promise<SimulatedAccount> {
  const opened = await startSimulatedAccount(scenario);
  if (options.channels === true) {
    const config = parse(readFileSync(join(opened.dir, 'ecs-ops.config.yml'), 'utf8')) as { notifications: { channels: { type: string; name: string; topicArn?: string; webhookParameter?: string }[] } };
    for (const channel of config.notifications.channels) {
      if (channel.topicArn !== undefined) opened.world.createTopic(channel.topicArn);
      if (channel.webhookParameter !== undefined) opened.world.putSecureString(channel.webhookParameter, `https://hooks.slack.com/services/T0SIMULATE/B0${channel.name}/simulated`);
    }
  }
  return opened;
}

/** Rewrites the account's config file. */
function editConfig(dir: string, edit: (config: Record<string, unknown>) => void): void {
  const file = join(dir, 'ecs-ops.config.yml');
  const config = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(config);
  writeFileSync(file, stringify(config));
}

describe('ecs-ops verify on the simulator', () => {
  it('passes a config whose cluster, ASG, hook and webhook parameter all exist, with read-only calls only', async () => {
    account = await openAccount('drain-scale-in.yml', { channels: true });
    const { server, iam, dir, operatorEnv: env } = account;
    const result = await runCli(['verify'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('info  clusters[0].asgs[0]: prod-ecs: ECS does not manage draining on it (ecs-ops drains it alone)');
    expect(result.stdout).toContain('ecs-ops.config.yml verified against us-east-1: nothing to fix.');
    expect(result.code).toBe(0);
    const operations = Object.keys(server.calls.counts());
    expect(operations.every((op) => /:(List|Describe|Get)/.test(op)), operations.join(', ')).toBe(true);
    expect(iam.authorizer.denials).toEqual([]);
  });

  it('reports a missing cluster, a missing hook (with the put-lifecycle-hook command) and a missing parameter: exit 1', async () => {
    account = await startSimulatedAccount('drain-scale-in.yml', {
      fleet: (fleet) => ({ ...fleet, clusters: fleet.clusters.map((c) => ({ ...c, asgs: c.asgs.map((a) => ({ ...a, lifecycleHooks: [] })) })) }),
    });
    const { dir, operatorEnv: env, iam } = account;
    editConfig(dir, (config) => {
      (config.clusters as unknown[]).push({ name: 'staging' });
    });
    const result = await runCli(['verify', '--json'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout) as { findings: { severity: string; check: string; path: string; message: string; fix?: string }[] };
    const errors = out.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => [f.check, f.path])).toEqual([
      ['hook', 'clusters[0].asgs[0]'],
      ['cluster', 'clusters[1]'],
      ['parameter', 'notifications.channels[0]'],
    ]);
    expect(errors[0]?.fix).toBe(
      'aws autoscaling put-lifecycle-hook --auto-scaling-group-name prod-ecs --lifecycle-hook-name ecs-ops-drain --lifecycle-transition autoscaling:EC2_INSTANCE_TERMINATING --heartbeat-timeout 900 --default-result CONTINUE --region us-east-1',
    );
    expect(errors[1]?.message).toBe('cluster staging does not exist in us-east-1');
    expect(iam.authorizer.denials).toEqual([]);
  });

  it('reports a schedule whose task definition is missing', async () => {
    account = await openAccount('schedule-success.yml', { channels: true });
    const { dir, operatorEnv: env } = account;
    editConfig(dir, (config) => {
      (config.schedules as { taskDefinition: string }[])[0]!.taskDefinition = 'reprot';
    });
    const result = await runCli(['verify'], { cwd: dir, env });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('ERROR schedules[0]: schedule report: task definition reprot does not exist in us-east-1 (or has no ACTIVE revision)');
  });

  it('exits 3 with one line when the credentials are refused', async () => {
    account = await openAccount('drain-scale-in.yml', { channels: true });
    const env = { ...account.operatorEnv, AWS_ACCESS_KEY_ID: 'AKIDNOTKNOWN' };
    const result = await runCli(['verify'], { cwd: account.dir, env });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^ecs-ops verify: AWS refused the credentials \(UnrecognizedClientException: The security token included in the request is invalid[^\n]*\): pass --profile[^\n]*\n$/);
  });

  it('exits 3 when no region is set', async () => {
    account = await openAccount('drain-scale-in.yml', { channels: true });
    const { AWS_REGION: _region, ...rest } = account.operatorEnv;
    // No shared config files either: nothing names a region.
    const env = { ...rest, AWS_CONFIG_FILE: join(account.dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(account.dir, 'none') };
    const result = await runCli(['verify'], { cwd: account.dir, env });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('ecs-ops verify: no AWS region: pass --region, set AWS_REGION or a profile region\n');
  });

  it('stops `npm run deploy` before anything is built when verify finds a problem', async () => {
    account = await startSimulatedAccount('drain-scale-in.yml');
    const configPath = join(account.dir, 'ecs-ops.config.yml');
    // The deploy pre-flight's own calls (STS, CloudFormation) are not simulated: mocked; verify's go to the account.
    const sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/deployer' });
    const cloudFormation = mockClient(CloudFormationClient);
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [] });
    const root = mkdtempSync(join(tmpdir(), 'ecs-ops-deploy-'));
    const out: string[] = [];
    const err: string[] = [];
    let oslsRuns = 0;
    try {
      const code = await runOsls(['deploy', '--stage', 'test'], {
        env: { ...process.env, ...account.operatorEnv, ECS_OPS_CONFIG: configPath },
        root,
        out: (line) => out.push(line),
        err: (line) => err.push(line),
        preflightClients: (region) => ({ sts: new STSClient({ region }), cloudFormation: new CloudFormationClient({ region }) }),
        verify: async ({ configPath: file, region, env }) => {
          const result = await runCli(['verify', '--config', file, '--region', region], { cwd: account!.dir, env: env as Record<string, string> });
          out.push(result.stdout);
          return result.code;
        },
        runOsls: () => {
          oslsRuns++;
          return 0;
        },
      });
      expect(out.join('\n')).toContain('ERROR notifications.channels[0]: SSM parameter /ecs-ops/slack/ops');
      expect(err.join('\n')).toContain('ecs-ops: not deploying: ecs-ops verify found the problems above. Fix them, or deploy anyway with npm run deploy -- --skip-verify.');
      expect(code).toBe(1);
      expect(oslsRuns).toBe(0);
      expect(existsSync(join(root, '.ecs-ops/deploy.json'))).toBe(false);
    } finally {
      sts.restore();
      cloudFormation.restore();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
