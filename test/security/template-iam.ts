/**
 * Reading IAM out of a packaged CloudFormation template: every identity policy statement (roles, policies, managed
 * policies), CloudFormation intrinsics rendered to text, and the checks the security test applies. Pure functions over
 * the template JSON so the test can also feed them hand-made bad templates (the checks must be able to fail).
 */

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
}
export interface PolicyStatement {
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
/** One statement and where it is: `<logical id> <policy name> #<index>`. */
export interface LocatedStatement {
  where: string;
  /** Logical id of the role the statement is attached to (for inline role policies), else the policy's. */
  owner: string;
  statement: PolicyStatement;
}

const IDENTITY_POLICY_TYPES = new Set(['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy']);

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every statement of every identity policy in the template (not trust policies: AssumeRolePolicyDocument is separate). */
export function identityStatements(template: CfnTemplate): LocatedStatement[] {
  const out: LocatedStatement[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (!IDENTITY_POLICY_TYPES.has(resource.Type)) continue;
    const props = resource.Properties ?? {};
    const documents: { name: string; doc: unknown }[] =
      resource.Type === 'AWS::IAM::Role'
        ? asArray(props.Policies as { PolicyName: unknown; PolicyDocument: unknown }[] | undefined).map((p, i) => ({ name: `Policies[${i}]`, doc: p.PolicyDocument }))
        : [{ name: 'PolicyDocument', doc: props.PolicyDocument }];
    for (const { name, doc } of documents) {
      asArray((doc as { Statement?: PolicyStatement | PolicyStatement[] } | undefined)?.Statement).forEach((statement, i) => {
        out.push({ where: `${id} ${name} Statement[${i}]`, owner: id, statement });
      });
    }
  }
  return out;
}

const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com' };

/**
 * A CloudFormation value as text: pseudo parameters become example values, `Ref X` of a stack resource `<ref:X>`,
 * `Fn::GetAtt [X, Attr]` `<stack:X.Attr>` (a resource of this stack: specific by construction).
 */
export function cfnText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.Ref === 'string') return PSEUDO[obj.Ref] ?? `<ref:${obj.Ref}>`;
    if (Array.isArray(obj['Fn::GetAtt'])) return `<stack:${(obj['Fn::GetAtt'] as string[]).join('.')}>`;
    if (Array.isArray(obj['Fn::Join'])) {
      const [sep, parts] = obj['Fn::Join'] as [string, unknown[]];
      return parts.map(cfnText).join(sep);
    }
    if (obj['Fn::Sub'] !== undefined) {
      const sub = obj['Fn::Sub'];
      const [text, vars] = Array.isArray(sub) ? (sub as [string, Record<string, unknown>]) : [sub as string, {}];
      return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => (vars[name] !== undefined ? cfnText(vars[name]) : (PSEUDO[name] ?? `<ref:${name}>`)));
    }
  }
  return JSON.stringify(value);
}

export const actionsOf = (s: PolicyStatement): string[] => asArray(s.Action);
export const resourcesOf = (s: PolicyStatement): string[] => asArray(s.Resource).map(cfnText);

/** Read-only by name: Describe*, List*, Get* (and their Batch forms). Everything else counts as mutating. */
export function isReadOnlyAction(action: string): boolean {
  const name = action.split(':')[1] ?? '';
  return /^(Batch)?(Describe|List|Get)[A-Z]/.test(name);
}

/**
 * A resource naming specific things: a resource of this stack, or an ARN whose account is not a wildcard and whose
 * resource part is more than `*` or `<type>/*` (e.g. `container-instance/prod/*` names the cluster `prod`).
 */
export function isSpecificResource(resource: string): boolean {
  if (resource.startsWith('<stack:')) return true;
  if (resource === '*') return false;
  const parts = resource.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return false;
  const account = parts[4] ?? '';
  if (account.includes('*')) return false;
  const resourcePart = parts.slice(5).join(':');
  if (resourcePart === '' || resourcePart === '*') return false;
  return !/^[A-Za-z0-9-]+[/:]\*$/.test(resourcePart);
}

/** Condition keys of a statement (`ecs:cluster`, `iam:PassedToService`, …) regardless of the operator. */
export function conditionKeys(s: PolicyStatement): string[] {
  return Object.values(s.Condition ?? {}).flatMap((byKey) => Object.keys(byKey));
}

/**
 * Mutating actions that support neither resource-level permissions nor any condition key: the only ones allowed on
 * `Resource: "*"` without a condition. Each entry cites the Service Authorization Reference page that says so (the
 * action's "Resource types" and "Condition keys" columns are both empty).
 */
export const UNSCOPABLE_MUTATING_ACTIONS: Readonly<Record<string, string>> = {
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html — PutTraceSegments: no
  // resource type, no condition key (Lambda active tracing needs it).
  'xray:PutTraceSegments': 'list_awsx-ray.html',
  // Same page — PutTelemetryRecords: no resource type, no condition key.
  'xray:PutTelemetryRecords': 'list_awsx-ray.html',
};

export interface Violation {
  where: string;
  problem: string;
}

/** No `*` or `service:*` action (nor any wildcard in an action name), no NotAction/NotResource in an Allow. */
export function wildcardActionViolations(statements: readonly LocatedStatement[]): Violation[] {
  return statements.flatMap(({ where, statement }) => {
    if (statement.Effect !== 'Allow') return [];
    const out: Violation[] = actionsOf(statement)
      .filter((a) => a.includes('*'))
      .map((a) => ({ where, problem: `wildcard action "${a}"` }));
    if (statement.NotAction !== undefined) out.push({ where, problem: 'Allow with NotAction grants everything else' });
    if (statement.NotResource !== undefined) out.push({ where, problem: 'Allow with NotResource' });
    return out;
  });
}

/**
 * Every mutating action (not Describe/List/Get) is on specific resources only, or carries a condition key, or is one of
 * {@link UNSCOPABLE_MUTATING_ACTIONS}. `iam:PassRole` is checked by {@link passRoleViolations}.
 */
export function unscopedMutationViolations(statements: readonly LocatedStatement[]): Violation[] {
  return statements.flatMap(({ where, statement }) => {
    if (statement.Effect !== 'Allow') return [];
    const mutating = actionsOf(statement).filter((a) => !isReadOnlyAction(a) && a !== 'iam:PassRole' && UNSCOPABLE_MUTATING_ACTIONS[a] === undefined);
    if (mutating.length === 0) return [];
    const unspecific = resourcesOf(statement).filter((r) => !isSpecificResource(r));
    if (unspecific.length === 0 || conditionKeys(statement).length > 0) return [];
    return [{ where, problem: `mutating ${mutating.join(', ')} on ${unspecific.join(', ')} without a condition key` }];
  });
}

/**
 * `iam:PassRole` only on the given roles (the task and execution roles of configured schedules) and only with
 * `iam:PassedToService` = ecs-tasks.amazonaws.com. With no configured role, no PassRole at all.
 */
export function passRoleViolations(statements: readonly LocatedStatement[], allowedRoles: ReadonlySet<string>): Violation[] {
  return statements.flatMap(({ where, statement }) => {
    if (statement.Effect !== 'Allow' || !actionsOf(statement).includes('iam:PassRole')) return [];
    const out: Violation[] = [];
    const resources = resourcesOf(statement);
    if (resources.length === 0) out.push({ where, problem: 'iam:PassRole without a resource' });
    for (const r of resources) if (!allowedRoles.has(r)) out.push({ where, problem: `iam:PassRole on ${r}, not a task or execution role of a configured schedule` });
    const passedTo = Object.entries(statement.Condition ?? {})
      .filter(([operator]) => /^String(Equals|Like)$/.test(operator))
      .flatMap(([, byKey]) => asArray(byKey['iam:PassedToService'] as string | string[] | undefined));
    if (passedTo.length === 0 || passedTo.some((s) => s !== 'ecs-tasks.amazonaws.com')) {
      out.push({ where, problem: `iam:PassRole without the condition iam:PassedToService = ecs-tasks.amazonaws.com (found ${JSON.stringify(statement.Condition ?? null)})` });
    }
    return out;
  });
}

/** Names and values of environment variables that look like secrets. */
const SECRET_NAME = /WEBHOOK|TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY/i;
const SECRET_VALUE = [
  /hooks\.slack\.com/i,
  /xox[abposr]-/, // Slack tokens
  /\bA(KIA|SIA)[0-9A-Z]{16}\b/, // AWS access key ids
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /https?:\/\/[^\s"]*[?&](token|key|secret|sig|signature)=/i,
  /https?:\/\/[^\s"/]+:[^\s"@/]+@/, // credentials in a URL
];

export function secretEnvironmentViolations(template: CfnTemplate): Violation[] {
  const out: Violation[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables = (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    for (const [name, value] of Object.entries(variables)) {
      if (SECRET_NAME.test(name)) out.push({ where: `${id} Environment.${name}`, problem: 'variable name looks like a secret' });
      const text = cfnText(value);
      const hit = SECRET_VALUE.find((re) => re.test(text));
      if (hit) out.push({ where: `${id} Environment.${name}`, problem: `value looks like a secret (${String(hit)})` });
    }
  }
  return out;
}

/** Every string value at a key ending in `RoleArn` under a `schedules` key, anywhere in the config. */
export function scheduleRoleArns(config: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (value: unknown, underSchedules: boolean): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v, underSchedules);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        const under = underSchedules || /schedule/i.test(key);
        if (under && /RoleArn$/i.test(key) && typeof v === 'string') out.add(v);
        walk(v, under);
      }
    }
  };
  walk(config, false);
  return out;
}
