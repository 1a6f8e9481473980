import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploymentValues } from '../../lib/deploy/values.js';
import { configFrom, repoRoot } from '../support/fixtures.js';

const base = `
version: 1
clusters:
  - name: prod
    asgs: [{ name: prod-asg }]
notifications:
  channels:
    - { name: ops, type: slack, webhookParameter: ecs-ops-slack, kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }
`;

describe('deploymentValues', () => {
  it('drops rules and pattern entries for ignored alert kinds', () => {
    const values = deploymentValues(
      configFrom(`${base}alerts:\n  ignore: [deployment-rollback, asg-launch-failed, asg-terminate-failed, service-task-start-impaired]\n`),
    );
    const patterns = values.functions.alerts.events.map((e) => e.eventBridge.pattern);
    expect(patterns).toHaveLength(2);
    const [serviceAction, deployment] = patterns as [{ detail: { eventName: string[] } }, { detail: unknown }];
    expect(serviceAction.detail.eventName).not.toContain('SERVICE_TASK_START_IMPAIRED');
    expect(serviceAction.detail.eventName).toContain('SERVICE_TASK_PLACEMENT_FAILURE');
    expect(deployment.detail).toEqual({ eventName: ['SERVICE_DEPLOYMENT_FAILED'] });
  });

  it('has no ASG rule when no ASG is configured', () => {
    const values = deploymentValues(configFrom(base.replace('    asgs: [{ name: prod-asg }]\n', '')));
    const sources = values.functions.alerts.events.map((e) => (e.eventBridge.pattern.source as string[])[0]);
    expect(sources).toEqual(['aws.ecs', 'aws.ecs']);
  });

  it('grants SSM on the parameter ARN and KMS decrypt only through SSM', () => {
    const iam = deploymentValues(configFrom(base)).functions.alerts.iam;
    const ssm = iam.find((s) => s.Action.includes('ssm:GetParameter'));
    expect(JSON.stringify(ssm?.Resource)).toContain(":parameter/ecs-ops-slack\"");
    const kms = iam.find((s) => s.Action.includes('kms:Decrypt'));
    expect(kms?.Resource).toEqual(['arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab']);
    expect(JSON.stringify(kms?.Condition)).toContain('kms:ViaService');
    expect(iam.some((s) => s.Action.includes('sns:Publish'))).toBe(false);
  });

  it('grants an encrypted SNS topic its key, through SNS only', () => {
    const config = configFrom(
      `${base}    - { name: pager, type: sns, topicArn: 'arn:aws:sns:eu-west-1:111122223333:pager', kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/abcd' }\n`,
    );
    const iam = deploymentValues(config).functions.alerts.iam;
    const snsKey = iam.find((s) => s.Action.includes('kms:GenerateDataKey'));
    expect(snsKey).toMatchObject({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: ['arn:aws:kms:eu-west-1:111122223333:key/abcd'] });
    expect(JSON.stringify(snsKey?.Condition)).toContain('"sns."');
    expect(iam.find((s) => s.Action.includes('sns:Publish'))?.Resource).toEqual(['arn:aws:sns:eu-west-1:111122223333:pager']);
  });

  it('bundles the validated config as a string literal that parses back to it', () => {
    const config = configFrom(base);
    const literal = deploymentValues(config).configLiteral;
    expect(JSON.parse(JSON.parse(literal) as string)).toEqual(config);
  });
});

describe('prepare (npm run package / deploy)', () => {
  const prepare = (mode: string, configPath: string) =>
    spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), ['lib/deploy/prepare.ts', mode], {
      cwd: repoRoot,
      env: { ...process.env, ECS_OPS_CONFIG: configPath },
      encoding: 'utf8',
    });

  it('refuses to deploy the example config, with a message saying what to do', () => {
    const result = prepare('deploy', 'ecs-ops.config.example.yml');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('refusing to deploy');
    expect(result.stderr).toContain('ecs-ops.config.yml');
  });

  it('refuses when there is no config file', () => {
    const result = prepare('deploy', 'does-not-exist.yml');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no config file at does-not-exist.yml');
  });

  it('rejects an invalid config naming file, line and path', () => {
    const result = prepare('package', 'test/fixtures/config/invalid-topic.yml');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/invalid-topic\.yml:\d+:\d+ notifications\.channels\[0\]\.topicArn/);
  });
});

describe('deploy guard (osls plugin)', () => {
  const require = createRequire(import.meta.url);
  const Guard = require('../../lib/deploy/deploy-guard.cjs') as new (serverless: unknown) => { hooks: Record<string, () => void> };
  class ServerlessError extends Error {}
  const withDeployValues = (deploy: unknown) => new Guard({ service: { custom: { deploy } }, classes: { Error: ServerlessError } });

  it('lets a package of a real config deploy', () => {
    expect(() => { withDeployValues({ exampleConfig: false }).hooks['before:deploy:deploy']?.(); }).not.toThrow();
  });

  it('stops a package of the example config, or of unknown origin', () => {
    for (const deploy of [{ exampleConfig: true }, {}]) {
      expect(() => { withDeployValues(deploy).hooks['before:deploy:deploy']?.(); }).toThrow(/refusing to deploy/);
      expect(() => { withDeployValues(deploy).hooks['before:deploy:function:initialize']?.(); }).toThrow(ServerlessError);
    }
  });
});
