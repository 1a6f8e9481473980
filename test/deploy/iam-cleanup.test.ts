/**
 * lib/deploy/iam-cleanup.cjs: the unused default role and logs:CreateLogGroup leave the compiled template, and only
 * when nothing needs them.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { cleanTemplate } = require('../../lib/deploy/iam-cleanup.cjs') as { cleanTemplate: (template: Template) => string[] };

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[] }>;
  Outputs?: Record<string, unknown>;
}

const logStatement = () => ({ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:PutLogEvents'], Resource: ['arn:aws:logs:*:*:log-group:/aws/lambda/f:*:*'] });

function template(): Template {
  return {
    Resources: {
      IamRoleLambdaExecution: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [logStatement()] } }] } },
      FLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/f' } },
      FRole: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [logStatement(), { Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: '*' }] } }] } },
      F: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['FRole', 'Arn'] } }, DependsOn: ['FRole', 'FLogGroup'] },
      GRole: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [logStatement()] } }] } },
      G: { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['GRole', 'Arn'] } }, DependsOn: ['GRole'] },
    },
  };
}

const statements = (t: Template, role: string): { Action: string | string[] }[] =>
  (t.Resources[role]?.Properties?.Policies as { PolicyDocument: { Statement: { Action: string | string[] }[] } }[]).flatMap((p) => p.PolicyDocument.Statement);

describe('iam-cleanup plugin', () => {
  it('removes the default role nothing references, and CreateLogGroup from roles of functions whose log group is a resource', () => {
    const t = template();
    const removed = cleanTemplate(t);
    expect(t.Resources.IamRoleLambdaExecution).toBeUndefined();
    expect(statements(t, 'FRole')).toEqual([{ ...logStatement(), Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }]);
    // G has no log group resource: it still needs to create its log group.
    expect(statements(t, 'GRole')).toEqual([logStatement()]);
    expect(removed).toEqual(['IamRoleLambdaExecution', 'FRole logs:CreateLogGroup (F)', 'FRole logs:CreateLogGroup (F)']);
  });

  it('keeps the default role when anything references it (Ref, GetAtt, Sub, DependsOn, Outputs)', () => {
    const uses: ((t: Template) => void)[] = [
      (t) => (t.Resources.X = { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] } } }),
      (t) => (t.Resources.X = { Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': 'IamRoleLambdaExecution.Arn' } } }),
      (t) => (t.Resources.X = { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'IamRoleLambdaExecution' }] } }),
      (t) => (t.Resources.X = { Type: 'AWS::SSM::Parameter', Properties: { Value: { 'Fn::Sub': 'role ${IamRoleLambdaExecution.Arn}' } } }),
      (t) => (t.Resources.X = { Type: 'AWS::SQS::Queue', DependsOn: 'IamRoleLambdaExecution' }),
      (t) => (t.Outputs = { Role: { Value: { Ref: 'IamRoleLambdaExecution' } } }),
    ];
    for (const use of uses) {
      const t = template();
      use(t);
      cleanTemplate(t);
      expect(t.Resources.IamRoleLambdaExecution, JSON.stringify(t.Resources.X ?? t.Outputs)).toBeDefined();
    }
  });
});
