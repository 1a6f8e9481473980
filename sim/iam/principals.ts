/**
 * The principals of the simulated account and their identity policies, read from the packaged CloudFormation
 * template with its intrinsics resolved (sim/runtime/template.ts): every AWS::IAM::Role with its inline `Policies`,
 * the AWS::IAM::Policy / AWS::IAM::ManagedPolicy resources attached to it (`Roles`) and the stack's managed policies
 * it names in `ManagedPolicyArns`. serverless-iam-roles-per-function gives each function a role
 * `<Function>IamRoleLambdaExecution` with one inline policy; the framework's default `IamRoleLambdaExecution` is a
 * role like any other (used by whatever names it).
 *
 * A Lambda function's calls are signed with its role's temporary credentials; AWS names the caller
 * `arn:aws:sts::<account>:assumed-role/<role name>/<function name>` (Lambda uses the function name as the role
 * session name: https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html, and the error texts
 * in https://github.com/pulumi/pulumi/issues/6725). Each function gets an access key id of its own, so the server
 * knows who calls.
 */
import { createHash } from 'node:crypto';
import type { Package } from '../runtime/template.js';

export interface PolicyDocument {
  Version?: string;
  Statement: unknown[];
}

export interface Principal {
  /** Who is calling, as AWS names the caller in its errors. */
  arn: string;
  /** The role ARN (what policies and Scheduler's `RoleArn` name). */
  roleArn: string;
  /** Short label for reports: the function's short name, `operator`, or the role's logical id. */
  label: string;
  policies: { name: string; document: PolicyDocument }[];
}

export interface RolePolicies {
  logicalId: string;
  roleName: string;
  roleArn: string;
  policies: { name: string; document: PolicyDocument }[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function toDocument(value: unknown, where: string): PolicyDocument {
  if (!isRecord(value)) throw new Error(`${where}: PolicyDocument is not an object`);
  const statement = value.Statement;
  return { ...(typeof value.Version === 'string' ? { Version: value.Version } : {}), Statement: Array.isArray(statement) ? (statement as unknown[]) : [statement] };
}

/** Every role of the template with the policies attached to it, resolved. */
export function rolePolicies(pkg: Pick<Package, 'template' | 'resolve' | 'arn' | 'physicalName'>): RolePolicies[] {
  const resources = Object.entries(pkg.template.Resources);
  const roles = new Map<string, RolePolicies>();
  for (const [logicalId, resource] of resources) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const props = resource.Properties ?? {};
    const policies = (Array.isArray(props.Policies) ? (props.Policies as unknown[]) : []).map((policy, i) => {
      const p = isRecord(policy) ? policy : {};
      const policyName = pkg.resolve(p.PolicyName);
      return { name: `${logicalId}/${typeof policyName === 'string' ? policyName : String(i)}`, document: toDocument(pkg.resolve(p.PolicyDocument), `${logicalId}.Policies[${i}]`) };
    });
    roles.set(logicalId, { logicalId, roleName: pkg.physicalName(logicalId), roleArn: pkg.arn(logicalId), policies });
  }
  const managedByArn = new Map<string, { name: string; document: PolicyDocument }>();
  for (const [logicalId, resource] of resources) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const props = resource.Properties ?? {};
    const document = { name: logicalId, document: toDocument(pkg.resolve(props.PolicyDocument), logicalId) };
    if (resource.Type === 'AWS::IAM::ManagedPolicy') managedByArn.set(`arn:aws:iam::${pkg.arn(logicalId).split(':')[4] ?? ''}:policy/${pkg.physicalName(logicalId)}`, document);
    // Roles: role names (Ref of a role gives its name).
    for (const raw of Array.isArray(props.Roles) ? (props.Roles as unknown[]) : []) {
      const name = pkg.resolve(raw);
      for (const role of roles.values()) if (role.roleName === name) role.policies.push(document);
    }
  }
  for (const [logicalId, resource] of resources) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const attached = pkg.resolve(resource.Properties?.ManagedPolicyArns);
    for (const policyArn of Array.isArray(attached) ? attached : []) {
      const document = typeof policyArn === 'string' ? managedByArn.get(policyArn) : undefined;
      // AWS managed policies are not part of the template: a role relying on one is not simulated faithfully.
      if (document === undefined) throw new Error(`${logicalId}: ManagedPolicyArns ${String(policyArn)} is not a policy of the stack (AWS managed policies are not simulated)`);
      roles.get(logicalId)?.policies.push(document);
    }
  }
  return [...roles.values()];
}

/** A deterministic access key id (`ASIA` + 16 characters, the shape of temporary credentials) for a caller. */
export function accessKeyIdFor(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = 'ASIA';
  for (let i = 0; i < 16; i++) out += alphabet[(digest[i] ?? 0) % alphabet.length] ?? 'A';
  return out;
}

/** The access key id a packaged function signs its calls with (sim/runtime sets it as AWS_ACCESS_KEY_ID). */
export function functionAccessKeyId(stackName: string, logicalId: string): string {
  return accessKeyIdFor(`${stackName}/${logicalId}`);
}

export interface FunctionPrincipal extends Principal {
  logicalId: string;
  functionName: string;
  accessKeyId: string;
}

/** Each packaged function as the principal its calls are made as. */
export function functionPrincipals(pkg: Package, shortName: (handler: string, logicalId: string) => string = defaultShortName): FunctionPrincipal[] {
  const roles = new Map(rolePolicies(pkg).map((r) => [r.logicalId, r]));
  return pkg.functions.map((fn) => {
    const role = fn.role === undefined ? undefined : roles.get(fn.role);
    if (role === undefined) throw new Error(`${fn.logicalId}: its Role is not an AWS::IAM::Role of the stack (cannot authorize its calls)`);
    return {
      logicalId: fn.logicalId,
      functionName: fn.functionName,
      accessKeyId: functionAccessKeyId(pkg.stack.stackName, fn.logicalId),
      arn: `arn:aws:sts::${pkg.stack.accountId}:assumed-role/${role.roleName}/${fn.functionName}`,
      roleArn: role.roleArn,
      label: shortName(fn.handler, fn.logicalId),
      policies: role.policies,
    };
  });
}

/** `functions/drain.handler` → `drain`. */
export function defaultShortName(handler: string, logicalId: string): string {
  const module = handler.slice(0, handler.lastIndexOf('.'));
  return module.split('/').pop() || logicalId;
}
