// osls plugin: takes out of the compiled template the IAM that nothing uses.
//
// - The default `IamRoleLambdaExecution` role: osls creates it even though every function has its own role
//   (serverless-iam-roles-per-function copies it as their template). Removed when no resource references it.
// - `logs:CreateLogGroup` in the function roles: every function's log group is a CloudFormation resource (osls declares
//   `<Function>LogGroup`, which the function depends on), so the function never creates it. Kept for a function
//   without such a resource.
//
// It runs after serverless.yml's own `resources` are merged (a reference from there counts), before the template is
// written. The pure part (cleanTemplate) is exported for the tests.
'use strict';

// osls's name for it (naming.getRoleLogicalId()).
const DEFAULT_ROLE = 'IamRoleLambdaExecution';

/** Whether `value` (any template fragment) references logical id `id` by Ref, Fn::GetAtt, Fn::Sub or DependsOn. */
function references(value, id) {
  if (Array.isArray(value)) return value.some((v) => references(v, id));
  if (value === null || typeof value !== 'object') return false;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'Ref' && v === id) return true;
    if (key === 'Fn::GetAtt' && (Array.isArray(v) ? v[0] === id : typeof v === 'string' && v.split('.')[0] === id)) return true;
    if (key === 'Fn::Sub') {
      const text = Array.isArray(v) ? v[0] : v;
      if (typeof text === 'string' && new RegExp(`\\$\\{${id}(\\.[^}]*)?\\}`).test(text)) return true;
    }
    if (key === 'DependsOn' && (v === id || (Array.isArray(v) && v.includes(id)))) return true;
    if (references(v, id)) return true;
  }
  return false;
}

const asArray = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Removes the unused default role and `logs:CreateLogGroup` from the roles of functions whose log group is a template
 * resource. Mutates and returns `template`; returns what it removed, for the log line.
 */
function cleanTemplate(template) {
  const resources = template.Resources;
  const removed = [];
  const role = resources[DEFAULT_ROLE];
  if (role && role.Type === 'AWS::IAM::Role') {
    const others = Object.entries(resources).filter(([id]) => id !== DEFAULT_ROLE);
    const used = others.some(([, resource]) => references(resource, DEFAULT_ROLE)) || references(template.Outputs || {}, DEFAULT_ROLE);
    if (!used) {
      delete resources.IamRoleLambdaExecution;
      removed.push(DEFAULT_ROLE);
    }
  }
  for (const [id, fn] of Object.entries(resources)) {
    if (fn.Type !== 'AWS::Lambda::Function') continue;
    const hasLogGroup = asArray(fn.DependsOn).some((dep) => resources[dep] && resources[dep].Type === 'AWS::Logs::LogGroup');
    const roleId = fn.Properties && fn.Properties.Role && Array.isArray(fn.Properties.Role['Fn::GetAtt']) ? fn.Properties.Role['Fn::GetAtt'][0] : undefined;
    const fnRole = roleId === undefined ? undefined : resources[roleId];
    if (!hasLogGroup || !fnRole || fnRole.Type !== 'AWS::IAM::Role') continue;
    for (const policy of asArray(fnRole.Properties && fnRole.Properties.Policies)) {
      const statements = asArray(policy.PolicyDocument && policy.PolicyDocument.Statement);
      for (const statement of statements) {
        const actions = asArray(statement.Action);
        if (!actions.includes('logs:CreateLogGroup')) continue;
        statement.Action = actions.filter((a) => a !== 'logs:CreateLogGroup');
        removed.push(`${roleId} logs:CreateLogGroup (${id})`);
      }
      policy.PolicyDocument.Statement = statements.filter((s) => asArray(s.Action).length > 0);
    }
  }
  return removed;
}

class EcsOpsIamCleanup {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:aws:package:finalize:mergeCustomProviderResources': () => this.clean() };
  }

  clean() {
    cleanTemplate(this.serverless.service.provider.compiledCloudFormationTemplate);
  }
}

module.exports = EcsOpsIamCleanup;
module.exports.cleanTemplate = cleanTemplate;
