import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseOslsArgs, runOsls, type RunDependencies } from '../../lib/deploy/osls.js';
import { repoRoot } from '../support/fixtures.js';

const CONFIG = `version: 1
clusters:
  - name: prod
    asgs: [{ name: prod-asg }]
notifications:
  channels:
    - { name: ops, type: sns, topicArn: 'arn:aws:sns:eu-west-1:111122223333:ops' }
`;

let dir: string;
let sts: ReturnType<typeof mockClient>;
let cfn: ReturnType<typeof mockClient>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecs-ops-osls-'));
  writeFileSync(join(dir, 'config.yml'), CONFIG);
  // An empty shared config: the machine's own ~/.aws never decides a test's region.
  writeFileSync(join(dir, 'aws-config'), '');
  sts = mockClient(STSClient);
  cfn = mockClient(CloudFormationClient);
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:role/deployer' });
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [] });
});

afterEach(() => {
  sts.restore();
  cfn.restore();
});

function harness(env: NodeJS.ProcessEnv, verifyCode = 0): { deps: RunDependencies; out: string[]; err: string[]; osls: string[][]; verified: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const osls: string[][] = [];
  const verified: string[] = [];
  const deps: RunDependencies = {
    env: { AWS_CONFIG_FILE: join(dir, 'aws-config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-config'), ...env },
    root: dir,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    preflightClients: (region) => ({ sts: new STSClient({ region }), cloudFormation: new CloudFormationClient({ region }) }),
    verify: ({ region }) => {
      verified.push(region);
      return Promise.resolve(verifyCode);
    },
    runOsls: (args) => {
      osls.push(args);
      return 0;
    },
  };
  return { deps, out, err, osls, verified };
}

describe('parseOslsArgs', () => {
  it('takes stage, region and profile, and passes everything else to osls', () => {
    expect(parseOslsArgs(['logs', '-f', 'drain', '--region=eu-west-1', '-s', 'dev', '--tail'])).toEqual({
      mode: 'logs',
      stage: 'dev',
      region: 'eu-west-1',
      profile: undefined,
      skipVerify: false,
      rest: ['-f', 'drain', '--tail'],
    });
    expect(parseOslsArgs(['info']).stage).toBe('prod');
  });

  it('refuses an unknown command, a missing value and a stage osls cannot name a stack with', () => {
    expect(() => parseOslsArgs(['destroy'])).toThrow('usage: npm run package|deploy|remove|info|logs');
    expect(() => parseOslsArgs(['deploy', '--region'])).toThrow('--region needs a value');
    expect(() => parseOslsArgs(['deploy', '--stage', 'my_stage'])).toThrow('--stage "my_stage"');
  });
});

describe('npm run deploy', () => {
  it('runs ecs-ops verify in the deploy region first and builds nothing when it finds problems; --skip-verify skips it', async () => {
    const failing = harness({ ECS_OPS_CONFIG: join(dir, 'config.yml'), AWS_DEFAULT_REGION: 'eu-west-1' }, 1);
    expect(await runOsls(['deploy', '--stage', 'dev'], failing.deps)).toBe(1);
    expect(failing.verified).toEqual(['eu-west-1']);
    expect(failing.osls).toEqual([]);
    expect(failing.err.at(-1)).toBe('ecs-ops: not deploying: ecs-ops verify found the problems above. Fix them, or deploy anyway with npm run deploy -- --skip-verify.');
    const skipped = harness({ ECS_OPS_CONFIG: join(dir, 'config.yml'), AWS_DEFAULT_REGION: 'eu-west-1' }, 1);
    expect(await runOsls(['deploy', '--stage', 'dev', '--skip-verify'], skipped.deps)).toBe(0);
    expect(skipped.verified).toEqual([]);
    expect(skipped.osls).toEqual([['deploy', '--stage', 'dev', '--region', 'eu-west-1']]);
  });

  it('says account, region and stage, writes deploy.json with the region, then runs osls deploy with both spelled out', async () => {
    const { deps, out, osls } = harness({ ECS_OPS_CONFIG: join(dir, 'config.yml'), AWS_DEFAULT_REGION: 'eu-west-1' });
    expect(await runOsls(['deploy', '--stage', 'dev'], deps)).toBe(0);
    expect(out[0]).toBe('ecs-ops: deploying stage dev (stack ecs-ops-dev) to account 111122223333, region eu-west-1 (from AWS_DEFAULT_REGION) as arn:aws:iam::111122223333:role/deployer');
    expect(osls).toEqual([['deploy', '--stage', 'dev', '--region', 'eu-west-1']]);
    const written = JSON.parse(readFileSync(join(dir, '.ecs-ops/deploy.json'), 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({ region: 'eu-west-1', regionSource: 'AWS_DEFAULT_REGION', exampleConfig: false, packaged: true, clusters: 'prod' });
  });

  it('refuses when no region is known, before asking AWS or building anything', async () => {
    const { deps, err, osls } = harness({ ECS_OPS_CONFIG: join(dir, 'config.yml') });
    expect(await runOsls(['deploy'], deps)).toBe(2);
    expect(err.join('\n')).toContain('refusing to deploy: no AWS region: pass --region (npm run deploy -- --region eu-west-1)');
    expect(osls).toEqual([]);
    expect(sts.calls()).toHaveLength(0);
    expect(existsSync(join(dir, '.ecs-ops/deploy.json'))).toBe(false);
  });

  it('refuses a second stage on a cluster another ecs-ops stack looks after, naming it', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'ecs-ops-prod',
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(0),
          Outputs: [
            { OutputKey: 'EcsOpsStage', OutputValue: 'prod' },
            { OutputKey: 'EcsOpsClusters', OutputValue: 'prod,staging' },
          ],
        },
      ],
    });
    const { deps, err, osls } = harness({ ECS_OPS_CONFIG: join(dir, 'config.yml') });
    expect(await runOsls(['deploy', '--stage', 'dev', '--region', 'eu-west-1'], deps)).toBe(2);
    expect(err.join('\n')).toContain('stack ecs-ops-prod (stage prod) already looks after prod');
    expect(osls).toEqual([]);
    // The same stage is an update of its own stack, not a second stage.
    expect(await runOsls(['deploy', '--stage', 'prod', '--region', 'eu-west-1'], deps)).toBe(0);
  });

  it('exits 3 with a one-line reason and a hint when AWS cannot be asked', async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const { deps, err, osls } = harness({ ECS_OPS_CONFIG: join(dir, 'config.yml'), AWS_REGION: 'eu-west-1' });
    expect(await runOsls(['deploy'], deps)).toBe(3);
    expect(err[0]).toBe('ecs-ops: cannot check the account before deploying (eu-west-1): Could not load credentials from any providers');
    expect(err[1]).toContain('aws sts get-caller-identity');
    expect(osls).toEqual([]);
  });

  it('refuses the example config', async () => {
    const { deps, err } = harness({ ECS_OPS_CONFIG: join(repoRoot, 'ecs-ops.config.example.yml'), AWS_REGION: 'eu-west-1' });
    expect(await runOsls(['deploy'], deps)).toBe(2);
    expect(err.join('\n')).toContain('it is the example config');
  });
});

describe('npm run package', () => {
  it('packages without a region, with a warning saying the package cannot be deployed (CI packages offline)', async () => {
    const { deps, err, osls } = harness({ ECS_OPS_CONFIG: join(dir, 'config.yml') });
    expect(await runOsls(['package'], deps)).toBe(0);
    expect(err.join('\n')).toContain('this package cannot be deployed');
    expect(osls).toEqual([['package', '--stage', 'prod']]);
    expect(JSON.parse(readFileSync(join(dir, '.ecs-ops/deploy.json'), 'utf8'))).toMatchObject({ region: null, regionSource: null });
    expect(sts.calls()).toHaveLength(0);
  });

  it("takes the config file's region", async () => {
    writeFileSync(join(dir, 'config.yml'), `${CONFIG}region: ap-southeast-2\n`);
    const { deps, osls } = harness({ ECS_OPS_CONFIG: join(dir, 'config.yml'), AWS_REGION: 'us-east-1' });
    expect(await runOsls(['package'], deps)).toBe(0);
    expect(osls).toEqual([['package', '--stage', 'prod', '--region', 'ap-southeast-2']]);
  });
});

describe('npm run remove, info, logs: no config or package needed', () => {
  it('run osls with the resolved region and the options given', async () => {
    const { deps, out, osls } = harness({ ECS_OPS_CONFIG: join(dir, 'missing.yml'), AWS_REGION: 'eu-north-1' });
    expect(await runOsls(['logs', '-f', 'drain', '--stage', 'dev'], deps)).toBe(0);
    expect(await runOsls(['remove', '--stage', 'dev'], deps)).toBe(0);
    expect(osls).toEqual([
      ['logs', '--stage', 'dev', '--region', 'eu-north-1', '-f', 'drain'],
      ['remove', '--stage', 'dev', '--region', 'eu-north-1'],
    ]);
    expect(out[1]).toBe('ecs-ops: remove stage dev (stack ecs-ops-dev) in region eu-north-1 (from AWS_REGION)');
  });

  it('refuse without a region rather than default to us-east-1', async () => {
    const { deps, err, osls } = harness({ ECS_OPS_CONFIG: join(dir, 'missing.yml') });
    expect(await runOsls(['info'], deps)).toBe(2);
    expect(err[0]).toContain('cannot info: no AWS region: pass --region (npm run info -- --region eu-west-1)');
    expect(osls).toEqual([]);
  });
});
