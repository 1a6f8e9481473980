/**
 * Security checks over the packaged CloudFormation template (the example config packaged as `npm run package` does, or
 * the package in ECS_OPS_TEMPLATE_DIR in CI), for every IAM role and policy and every function — present and future:
 * nothing here names a function, so a new function is checked as soon as it is packaged.
 *
 * - no `*` or `service:*` action;
 * - mutating actions (anything but Describe/List/Get) on specific resources or with a condition key, except the few
 *   actions AWS offers neither for (a table citing the Service Authorization Reference);
 * - `iam:PassRole` only on the task and execution roles of configured schedules, with `iam:PassedToService`;
 * - no secret in an environment variable or in a bundle; the Slack webhook only through SSM parameter names.
 *
 * Each check is also run on a hand-made bad template, so it is known to fail when it should.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { zipEntryMap } from '../../sim/runtime/zip.js';
import { packageExample } from '../support/package.js';
import {
  identityStatements,
  passRoleViolations,
  scheduleRoleArns,
  secretEnvironmentViolations,
  unscopedMutationViolations,
  wildcardActionViolations,
  type CfnTemplate,
  type LocatedStatement,
} from './template-iam.js';

let dir: string;
let template: CfnTemplate;
let config: Record<string, unknown>;

beforeAll(async () => {
  dir = await packageExample();
  template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as CfnTemplate;
  // The config the package was built from, as bundled into the functions (a JS string literal of the JSON).
  const state = JSON.parse(readFileSync(join(dir, 'serverless-state.json'), 'utf8')) as { service: { custom: { deploy: { configLiteral: string } } } };
  config = JSON.parse(JSON.parse(state.service.custom.deploy.configLiteral) as string) as Record<string, unknown>;
}, 240_000);

const format = (violations: { where: string; problem: string }[]): string[] => violations.map((v) => `${v.where}: ${v.problem}`);

function statementsOf(t: CfnTemplate): LocatedStatement[] {
  return identityStatements(t);
}

/** A template with one role holding the given statements. */
function templateWith(...statements: object[]): CfnTemplate {
  return {
    Resources: {
      BadRole: {
        Type: 'AWS::IAM::Role',
        Properties: { Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: statements } }] },
      },
    },
  };
}

describe('IAM in the packaged template', () => {
  it('has identity policies for every function, and reads them all', () => {
    const functions = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(2);
    const statements = statementsOf(template);
    // Every function's role is among the owners of statements we check.
    for (const [id, fn] of functions) {
      const role = (fn.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
      expect(role, `${id} has a role of this stack`).toBeDefined();
      expect(statements.some((s) => s.owner === role), `${id}: statements of ${role ?? '?'} are checked`).toBe(true);
    }
  });

  it('grants no `*` or `service:*` action (nor NotAction/NotResource)', () => {
    expect(format(wildcardActionViolations(statementsOf(template)))).toEqual([]);
    expect(format(wildcardActionViolations(identityStatements(templateWith({ Effect: 'Allow', Action: ['ecs:*'], Resource: '*' }, { Effect: 'Allow', Action: '*', Resource: '*' }))))).toHaveLength(2);
  });

  it('scopes every mutating action to resources or condition keys', () => {
    expect(format(unscopedMutationViolations(statementsOf(template)))).toEqual([]);
    const bad = identityStatements(
      templateWith(
        { Effect: 'Allow', Action: ['ecs:UpdateService'], Resource: '*' },
        { Effect: 'Allow', Action: ['ecs:RunTask'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task-definition/*' } },
        { Effect: 'Allow', Action: ['sns:Publish'], Resource: 'arn:aws:sns:us-east-1:*:topic' },
      ),
    );
    expect(format(unscopedMutationViolations(bad))).toHaveLength(3);
    const good = identityStatements(
      templateWith(
        { Effect: 'Allow', Action: ['ecs:DescribeServices'], Resource: '*' },
        { Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'ecs-ops' } } },
        { Effect: 'Allow', Action: ['ecs:UpdateService'], Resource: 'arn:aws:ecs:us-east-1:123456789012:service/prod/web' },
        { Effect: 'Allow', Action: ['xray:PutTraceSegments'], Resource: '*' },
      ),
    );
    expect(format(unscopedMutationViolations(good))).toEqual([]);
  });

  it('passes roles only for configured schedules, only to ECS tasks', () => {
    const allowed = scheduleRoleArns(config);
    expect(format(passRoleViolations(statementsOf(template), allowed))).toEqual([]);
    if (allowed.size === 0) {
      // Nothing to pass: no function may pass any role.
      expect(statementsOf(template).filter((s) => (s.statement.Action ?? []).includes('iam:PassRole')).map((s) => s.where)).toEqual([]);
    }
    const role = 'arn:aws:iam::123456789012:role/report-task';
    const ok = templateWith({ Effect: 'Allow', Action: 'iam:PassRole', Resource: [role], Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } });
    expect(format(passRoleViolations(identityStatements(ok), new Set([role])))).toEqual([]);
    expect(format(passRoleViolations(identityStatements(ok), new Set()))).toHaveLength(1);
    const noCondition = templateWith({ Effect: 'Allow', Action: 'iam:PassRole', Resource: [role] });
    expect(format(passRoleViolations(identityStatements(noCondition), new Set([role])))).toHaveLength(1);
    expect(scheduleRoleArns({ schedules: [{ name: 'x', task: { taskRoleArn: role, executionRoleArn: `${role}-exec` } }], other: { taskRoleArn: 'ignored' } })).toEqual(new Set([role, `${role}-exec`]));
  });
});

describe('secrets in the packaged template and bundles', () => {
  it('keeps secrets out of every function’s environment variables', () => {
    expect(format(secretEnvironmentViolations(template))).toEqual([]);
    const bad: CfnTemplate = {
      Resources: {
        F: {
          Type: 'AWS::Lambda::Function',
          Properties: { Environment: { Variables: { SLACK_WEBHOOK: 'x', HOOK: 'https://hooks.slack.com/services/T/B/x', TOKEN_X: 'y', K: 'AKIAIOSFODNN7EXAMPLE' } } },
        },
      },
    };
    expect(format(secretEnvironmentViolations(bad))).toHaveLength(4);
  });

  it('names Slack webhooks only by SSM parameter in the bundled config', () => {
    const channels = ((config.notifications as { channels?: Record<string, unknown>[] } | undefined)?.channels ?? []).filter((c) => c.type === 'slack');
    expect(channels.length).toBeGreaterThan(0);
    for (const channel of channels) {
      expect(Object.keys(channel)).toContain('webhookParameter');
      expect(String(channel.webhookParameter)).toMatch(/^\/[\w./-]+$/);
      expect(JSON.stringify(channel)).not.toMatch(/https?:\/\//);
    }
  });

  it('bundles no webhook URL or token into any function', () => {
    const zips = readdirSync(dir).filter((f) => f.endsWith('.zip'));
    expect(zips.length).toBeGreaterThanOrEqual(2);
    for (const zip of zips) {
      for (const [name, entry] of zipEntryMap(join(dir, zip))) {
        if (!name.endsWith('.mjs') && !name.endsWith('.js')) continue;
        const code = entry.data().toString('utf8');
        expect(code, `${zip}/${name}`).not.toMatch(/hooks\.slack\.com\/services\/[A-Z0-9]/);
        expect(code, `${zip}/${name}`).not.toMatch(/xox[abposr]-[0-9A-Za-z]/);
      }
    }
  });
});
