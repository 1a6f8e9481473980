/**
 * Reads what `osls package` produced (`cloudformation-template-update-stack.json` and the `<function>.zip` archives)
 * and returns what the simulator needs to run it: the functions with their configuration, the EventBridge rules with
 * their patterns and targets, the schedules (EventBridge Scheduler schedules and scheduled rules), and the resources
 * the functions use. CloudFormation intrinsics are resolved against a simulated stack, so `!Ref IdempotencyTable`
 * becomes a deterministic physical name such as `ecs-ops-prod-IdempotencyTable-7Q2K…` and `!GetAtt X.Arn` an ARN in
 * the simulated region and account.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { EventPattern } from '../eventbridge-pattern.js';

export const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';
export const DEFAULT_ACCOUNT_ID = '123456789012';
export const DEFAULT_REGION = 'us-east-1';

/** Lambda's asynchronous-invocation defaults (no AWS::Lambda::EventInvokeConfig). */
export const LAMBDA_ASYNC_DEFAULTS = { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600 } as const;
/** EventBridge Scheduler's target retry policy defaults. */
export const SCHEDULER_RETRY_DEFAULTS = { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 } as const;

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, { Default?: unknown }>;
  Outputs?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The simulated stack intrinsics are resolved against. */
export interface SimStack {
  stackName: string;
  region: string;
  accountId: string;
  partition: string;
}

export interface PackagedFunction {
  logicalId: string;
  functionName: string;
  arn: string;
  /** e.g. `functions/alerts.handler`. */
  handler: string;
  runtime: string | undefined;
  /** Absolute path of `<name>.zip` in the package directory. */
  zip: string;
  /** Environment variables as in the template (CloudFormation values, unresolved): see `Package.environment`. */
  environment: Record<string, unknown>;
  timeoutSeconds: number;
  memoryMb: number;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  /** Logical id of the on-failure destination (the SQS dead-letter queue), when it is a resource of the stack. */
  onFailure: string | undefined;
  /** The on-failure destination ARN, resolved. */
  onFailureArn: string | undefined;
  /** Logical id of the execution role, when it is a resource of the stack. */
  role: string | undefined;
  /** The execution role's inline policy statements, unresolved (resolve `Resource` with `Package.resolve`). */
  iamStatements: unknown[];
}

export interface RuleTarget {
  /** Target id in the rule. */
  id: string;
  /** Logical id of the target function. */
  function: string;
  /** Constant JSON text sent instead of the event (`Input`). */
  input: string | undefined;
  /** JSONPath selecting the part of the event sent (`InputPath`). */
  inputPath: string | undefined;
}

export interface PackagedRule {
  logicalId: string;
  name: string;
  arn: string;
  pattern: EventPattern;
  state: string;
  /** Logical ids of the target functions. */
  targets: string[];
  /** The same targets with their input settings. */
  targetDetails: RuleTarget[];
}

export interface RetryPolicy {
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
}

export interface PackagedSchedule {
  /** `scheduler`: AWS::Scheduler::Schedule; `rule`: AWS::Events::Rule with a ScheduleExpression (one entry per target). */
  kind: 'scheduler' | 'rule';
  logicalId: string;
  name: string;
  /** Scheduler schedule group (`default` unless set); undefined for rules. */
  groupName: string | undefined;
  arn: string;
  /** `rate(…)`, `cron(…)` or `at(…)` (Scheduler only). */
  expression: string;
  /** IANA time zone the expression is evaluated in (always UTC for rules). */
  timezone: string;
  /** Logical id of the target function. */
  target: string;
  /** Scheduler `Target.Input` or the rule target's `Input` (a JSON string), if any. */
  input: string | undefined;
  /** Scheduler `Target.RetryPolicy` (defaults applied); undefined for rules. */
  retryPolicy: RetryPolicy | undefined;
  /** Scheduler `Target.RoleArn`, resolved: the role Scheduler invokes the target with; undefined for rules. */
  roleArn: string | undefined;
  /** `ENABLED` or `DISABLED`. */
  state: string;
  /** Scheduler `FlexibleTimeWindow` in minutes when its mode is FLEXIBLE. */
  flexibleWindowMinutes: number | undefined;
  /** Scheduler `StartDate` / `EndDate` as epoch ms. */
  startMs: number | undefined;
  endMs: number | undefined;
}

export interface PackagedResources {
  /** Logical ids of AWS::DynamoDB::Table resources. */
  tables: string[];
  /** Logical ids of AWS::SQS::Queue resources. */
  queues: string[];
}

export interface Package {
  dir: string;
  template: CfnTemplate;
  stack: SimStack;
  functions: PackagedFunction[];
  rules: PackagedRule[];
  schedules: PackagedSchedule[];
  resources: PackagedResources;
  /** Resolves CloudFormation intrinsics (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, …) in any value. */
  resolve(value: unknown): unknown;
  /** What `Ref` returns for a logical id (the physical name, or URL/ARN where CloudFormation returns those). */
  ref(logicalId: string): string;
  /** The physical name of a resource (for a queue: its name, not its URL). */
  physicalName(logicalId: string): string;
  /** What `Fn::GetAtt [logicalId, Arn]` returns. */
  arn(logicalId: string): string;
  /** A function's environment with every value resolved to a string. */
  environment(fn: PackagedFunction): Record<string, string>;
}

export interface ReadPackageOptions {
  /** Default: `<service>-<stage>` from serverless-state.json or the deployment S3 key. */
  stackName?: string;
  /** Default: the provider region in serverless-state.json, else us-east-1. */
  region?: string;
  accountId?: string;
  partition?: string;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** CloudFormation-style generated suffix: 12 characters of [A-Z0-9], a deterministic function of stack and id. */
function generatedSuffix(stackName: string, logicalId: string): string {
  const digest = createHash('sha256').update(`${stackName}/${logicalId}`).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let out = '';
  for (let i = 0; i < 12; i++) out += alphabet[(digest[i] ?? 0) % alphabet.length] ?? 'X';
  return out;
}

/** The property of each resource type holding an explicit physical name. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::Events::Rule': 'Name',
  'AWS::Events::EventBus': 'Name',
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::Scheduler::ScheduleGroup': 'Name',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::S3::Bucket': 'BucketName',
};

/** `Ref: AWS::NoValue` removes the property or list element holding it. */
const NO_VALUE = Symbol('AWS::NoValue');

/** Resolves intrinsics against `stack`; `Ref`/`GetAtt` of resources give simulated physical names and ARNs. */
export function createResolver(template: CfnTemplate, stack: SimStack) {
  const { region, accountId: account, partition } = stack;
  const resources = template.Resources;

  const resourceOf = (logicalId: string): CfnResource => {
    const resource = resources[logicalId];
    if (!resource) throw new TemplateError(`unknown logical id ${logicalId}`);
    return resource;
  };

  const physicalName = (logicalId: string): string => {
    const resource = resourceOf(logicalId);
    const property = NAME_PROPERTY[resource.Type];
    const explicit = property ? resource.Properties?.[property] : undefined;
    if (explicit !== undefined) {
      const resolved = resolve(explicit);
      if (typeof resolved !== 'string') throw new TemplateError(`${logicalId}.${property ?? ''} does not resolve to a string`);
      return resolved;
    }
    const generated = `${stack.stackName}-${logicalId}-${generatedSuffix(stack.stackName, logicalId)}`;
    // Bucket names are lower case; SQS queue names are limited to 80 characters.
    if (resource.Type === 'AWS::S3::Bucket') return generated.toLowerCase().slice(0, 63);
    if (resource.Type === 'AWS::SQS::Queue') return generated.slice(-80);
    return generated;
  };

  const arn = (logicalId: string): string => {
    const resource = resourceOf(logicalId);
    const name = physicalName(logicalId);
    const prefix = (service: string, withRegion = true) => `arn:${partition}:${service}:${withRegion ? region : ''}:${account}:`;
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        return `${prefix('dynamodb')}table/${name}`;
      case 'AWS::SQS::Queue':
        return `${prefix('sqs')}${name}`;
      case 'AWS::SNS::Topic':
        return `${prefix('sns')}${name}`;
      case 'AWS::Lambda::Function':
        return `${prefix('lambda')}function:${name}`;
      case 'AWS::IAM::Role':
        return `${prefix('iam', false)}role/${name}`;
      case 'AWS::Events::Rule':
        return `${prefix('events')}rule/${name}`;
      case 'AWS::Events::EventBus':
        return `${prefix('events')}event-bus/${name}`;
      case 'AWS::Scheduler::Schedule': {
        const group = str(resolve(resource.Properties?.GroupName)) ?? 'default';
        return `${prefix('scheduler')}schedule/${group}/${name}`;
      }
      case 'AWS::Scheduler::ScheduleGroup':
        return `${prefix('scheduler')}schedule-group/${name}`;
      case 'AWS::Logs::LogGroup':
        return `${prefix('logs')}log-group:${name}:*`;
      case 'AWS::S3::Bucket':
        return `arn:${partition}:s3:::${name}`;
      default: {
        const [, service = 'unknown', type = 'resource'] = resource.Type.split('::');
        return `${prefix(service.toLowerCase())}${type.toLowerCase()}/${name}`;
      }
    }
  };

  const ref = (logicalId: string): string => {
    switch (logicalId) {
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return account;
      case 'AWS::Partition':
        return partition;
      case 'AWS::StackName':
        return stack.stackName;
      case 'AWS::StackId':
        return `arn:${partition}:cloudformation:${region}:${account}:stack/${stack.stackName}/00000000-0000-4000-a000-000000000000`;
      case 'AWS::URLSuffix':
        return partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
      default:
        break;
    }
    const parameter = template.Parameters?.[logicalId];
    if (parameter && !(logicalId in resources)) {
      const value = parameter.Default;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw new TemplateError(`parameter ${logicalId} has no usable default`);
    }
    const resource = resourceOf(logicalId);
    switch (resource.Type) {
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${account}/${physicalName(logicalId)}`;
      case 'AWS::SNS::Topic':
        return arn(logicalId);
      case 'AWS::Lambda::Version': {
        const fn = resolve(resource.Properties?.FunctionName);
        const fnArn = typeof fn === 'string' && fn.startsWith('arn:') ? fn : `arn:${partition}:lambda:${region}:${account}:function:${String(fn)}`;
        return `${fnArn}:1`;
      }
      default:
        return physicalName(logicalId);
    }
  };

  const getAtt = (logicalId: string, attribute: string): string => {
    const resource = resourceOf(logicalId);
    if (attribute === 'Arn' || attribute === 'TopicArn') return arn(logicalId);
    if (resource.Type === 'AWS::SQS::Queue' && attribute === 'QueueName') return physicalName(logicalId);
    if (resource.Type === 'AWS::SQS::Queue' && attribute === 'QueueUrl') return ref(logicalId);
    if (resource.Type === 'AWS::SNS::Topic' && attribute === 'TopicName') return physicalName(logicalId);
    if (resource.Type === 'AWS::IAM::Role' && attribute === 'RoleId') return `AROA${generatedSuffix(stack.stackName, logicalId)}`;
    if (attribute === 'Name') return physicalName(logicalId);
    throw new TemplateError(`Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) is not simulated`);
  };

  const sub = (text: string, variables: Record<string, unknown>): string =>
    text.replace(/\$\{([^}]*)\}/g, (whole, expression: string) => {
      if (expression.startsWith('!')) return `\${${expression.slice(1)}}`;
      if (expression in variables) return String(resolve(variables[expression]));
      const dot = expression.indexOf('.');
      if (dot > 0 && !expression.startsWith('AWS::')) return getAtt(expression.slice(0, dot), expression.slice(dot + 1));
      if (expression === '') throw new TemplateError(`empty Fn::Sub variable in ${JSON.stringify(text)} (${whole})`);
      return ref(expression);
    });

  function resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(resolve).filter((v) => v !== NO_VALUE);
    if (!isRecord(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const key = keys[0] ?? '';
      const argument = value[key];
      switch (key) {
        case 'Ref': {
          if (argument === 'AWS::NoValue') return NO_VALUE;
          if (typeof argument !== 'string') throw new TemplateError(`Ref expects a logical id, got ${JSON.stringify(argument)}`);
          return ref(argument);
        }
        case 'Fn::GetAtt': {
          const [logicalId, attribute] = typeof argument === 'string' ? argument.split(/\.(.*)/s) : list(argument);
          if (typeof logicalId !== 'string' || typeof attribute !== 'string') throw new TemplateError(`bad Fn::GetAtt ${JSON.stringify(argument)}`);
          return getAtt(logicalId, attribute);
        }
        case 'Fn::Join': {
          if (!Array.isArray(argument) || typeof argument[0] !== 'string') throw new TemplateError(`bad Fn::Join ${JSON.stringify(argument)}`);
          const parts = resolve(argument[1]);
          if (!Array.isArray(parts)) throw new TemplateError(`Fn::Join needs a list, got ${JSON.stringify(argument[1])}`);
          return parts.map((part) => String(part)).join(argument[0]);
        }
        case 'Fn::Sub': {
          if (typeof argument === 'string') return sub(argument, {});
          if (Array.isArray(argument) && typeof argument[0] === 'string' && (argument[1] === undefined || isRecord(argument[1]))) {
            return sub(argument[0], isRecord(argument[1]) ? argument[1] : {});
          }
          throw new TemplateError(`bad Fn::Sub ${JSON.stringify(argument)}`);
        }
        case 'Fn::Select': {
          const [index, source] = list(argument);
          const items = resolve(source);
          const i = num(resolve(index));
          if (!Array.isArray(items) || i === undefined || i < 0 || i >= items.length) throw new TemplateError(`bad Fn::Select ${JSON.stringify(argument)}`);
          return items[i];
        }
        case 'Fn::Split': {
          const [delimiter, source] = list(argument);
          const text = resolve(source);
          if (typeof delimiter !== 'string' || typeof text !== 'string') throw new TemplateError(`bad Fn::Split ${JSON.stringify(argument)}`);
          return text.split(delimiter);
        }
        case 'Fn::ImportValue':
        case 'Fn::If':
        case 'Fn::FindInMap':
        case 'Fn::GetAZs':
        case 'Fn::Base64':
        case 'Fn::Cidr':
        case 'Fn::Transform':
          throw new TemplateError(`${key} is not simulated (in ${JSON.stringify(value)})`);
        default:
          break;
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const resolved = resolve(v);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  return { resolve, ref, arn, physicalName, getAtt };
}

/** Reads serverless-state.json (if present) for service, stage and region. */
function serverlessState(dir: string): { service?: string; stage?: string; region?: string } {
  const path = join(dir, 'serverless-state.json');
  if (!existsSync(path)) return {};
  const state = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (!isRecord(state) || !isRecord(state.service)) return {};
  const service = state.service;
  const provider = isRecord(service.provider) ? service.provider : {};
  const name = isRecord(service.service) ? str(service.service.name) : str(service.service);
  return { ...(name ? { service: name } : {}), ...(str(provider.stage) ? { stage: str(provider.stage) } : {}), ...(str(provider.region) ? { region: str(provider.region) } : {}) };
}

function defaultStackName(template: CfnTemplate, state: { service?: string; stage?: string }): string {
  if (state.service && state.stage) return `${state.service}-${state.stage}`;
  // serverless/<service>/<stage>/<timestamp>/<function>.zip
  for (const resource of Object.values(template.Resources)) {
    const key = resource.Type === 'AWS::Lambda::Function' && isRecord(resource.Properties?.Code) ? str(resource.Properties.Code.S3Key) : undefined;
    const match = key ? /^serverless\/([^/]+)\/([^/]+)\//.exec(key) : null;
    if (match?.[1] && match[2]) return `${match[1]}-${match[2]}`;
  }
  return 'sim-stack';
}

/** The logical id a resolved target ARN (or a raw `Fn::GetAtt [X, Arn]` / `Ref X`) names, if it is a function of the stack. */
function functionLogicalId(raw: unknown, resolved: unknown, functionsByArn: Map<string, string>, template: CfnTemplate): string | undefined {
  if (isRecord(raw)) {
    const getAtt = raw['Fn::GetAtt'];
    const id: unknown = Array.isArray(getAtt) ? getAtt[0] : raw.Ref;
    if (typeof id === 'string' && template.Resources[id]?.Type === 'AWS::Lambda::Function') return id;
  }
  if (typeof resolved !== 'string') return undefined;
  // Qualified ARNs (…:function:name:alias) name the same function.
  const unqualified = /^(arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+)/.exec(resolved)?.[1] ?? resolved;
  return functionsByArn.get(unqualified);
}

/** Reads the package in `dir` (the output of `osls package [--package dir]`). */
export function readPackage(dir: string, options: ReadPackageOptions = {}): Package {
  const path = join(dir, TEMPLATE_FILE);
  if (!existsSync(path)) throw new TemplateError(`${path} not found: package first (npm run package, or osls package --package ${dir})`);
  const template = JSON.parse(readFileSync(path, 'utf8')) as CfnTemplate;
  if (!isRecord(template.Resources)) throw new TemplateError(`${path}: no Resources`);
  const state = serverlessState(dir);
  const stack: SimStack = {
    stackName: options.stackName ?? defaultStackName(template, state),
    region: options.region ?? state.region ?? DEFAULT_REGION,
    accountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
    partition: options.partition ?? 'aws',
  };
  const resolver = createResolver(template, stack);
  const { resolve } = resolver;
  const entries = Object.entries(template.Resources);
  const ofType = (type: string) => entries.filter(([, r]) => r.Type === type);
  const props = (r: CfnResource): Record<string, unknown> => r.Properties ?? {};

  const functionsByArn = new Map(ofType('AWS::Lambda::Function').map(([id]) => [resolver.arn(id), id]));
  const targetFunction = (raw: unknown): string | undefined => functionLogicalId(raw, resolve(raw), functionsByArn, template);

  const invokeConfigs = new Map<string, Record<string, unknown>>();
  for (const [id, resource] of ofType('AWS::Lambda::EventInvokeConfig')) {
    const p = props(resource);
    const fn = targetFunction(p.FunctionName) ?? (isRecord(p.FunctionName) ? undefined : functionsByArn.get(`arn:${stack.partition}:lambda:${stack.region}:${stack.accountId}:function:${String(p.FunctionName)}`));
    if (!fn) throw new TemplateError(`${id}: FunctionName does not name a function of the stack`);
    const qualifier = str(p.Qualifier) ?? '$LATEST';
    if (qualifier === '$LATEST' || !invokeConfigs.has(fn)) invokeConfigs.set(fn, p);
  }

  const functions: PackagedFunction[] = ofType('AWS::Lambda::Function').map(([logicalId, resource]) => {
    const p = props(resource);
    const functionName = resolver.physicalName(logicalId);
    const code = isRecord(p.Code) ? p.Code : {};
    const key = str(code.S3Key);
    const zip = join(dir, key ? basename(key) : `${logicalId}.zip`);
    const env = isRecord(p.Environment) && isRecord(p.Environment.Variables) ? p.Environment.Variables : {};
    const config = invokeConfigs.get(logicalId) ?? {};
    const destination = isRecord(config.DestinationConfig) && isRecord(config.DestinationConfig.OnFailure) ? config.DestinationConfig.OnFailure.Destination : undefined;
    const destinationArn = destination === undefined ? undefined : str(resolve(destination));
    const destinationId = isRecord(destination) && Array.isArray(destination['Fn::GetAtt']) ? str(destination['Fn::GetAtt'][0]) : undefined;
    const roleRaw = p.Role;
    const roleId = isRecord(roleRaw) && Array.isArray(roleRaw['Fn::GetAtt']) ? str(roleRaw['Fn::GetAtt'][0]) : undefined;
    const role = roleId ? template.Resources[roleId] : undefined;
    const policies = role && Array.isArray(role.Properties?.Policies) ? (role.Properties.Policies as unknown[]) : [];
    const iamStatements = policies.flatMap((policy) => {
      const document = isRecord(policy) && isRecord(policy.PolicyDocument) ? policy.PolicyDocument : undefined;
      return document && Array.isArray(document.Statement) ? (document.Statement as unknown[]) : [];
    });
    return {
      logicalId,
      functionName,
      arn: resolver.arn(logicalId),
      handler: str(p.Handler) ?? '',
      runtime: str(p.Runtime),
      zip,
      environment: { ...env },
      timeoutSeconds: num(p.Timeout) ?? 3,
      memoryMb: num(p.MemorySize) ?? 128,
      maximumRetryAttempts: num(config.MaximumRetryAttempts) ?? LAMBDA_ASYNC_DEFAULTS.maximumRetryAttempts,
      maximumEventAgeSeconds: num(config.MaximumEventAgeInSeconds) ?? LAMBDA_ASYNC_DEFAULTS.maximumEventAgeSeconds,
      onFailure: destinationId && destinationId in template.Resources ? destinationId : undefined,
      onFailureArn: destinationArn,
      role: roleId && role ? roleId : undefined,
      iamStatements,
    };
  });

  const rules: PackagedRule[] = [];
  const schedules: PackagedSchedule[] = [];
  for (const [logicalId, resource] of ofType('AWS::Events::Rule')) {
    const p = props(resource);
    const name = resolver.physicalName(logicalId);
    const arn = resolver.arn(logicalId);
    const state = str(p.State) ?? 'ENABLED';
    const targetDetails: RuleTarget[] = (Array.isArray(p.Targets) ? p.Targets : []).flatMap((target: unknown) => {
      if (!isRecord(target)) return [];
      const fn = targetFunction(target.Arn);
      if (!fn) return [];
      if (target.InputTransformer !== undefined) throw new TemplateError(`${logicalId}: target ${String(target.Id)} uses InputTransformer, which is not simulated`);
      const input = resolve(target.Input);
      return [{ id: str(target.Id) ?? fn, function: fn, input: typeof input === 'string' ? input : undefined, inputPath: str(target.InputPath) }];
    });
    if (p.EventPattern !== undefined) {
      const pattern = typeof p.EventPattern === 'string' ? (JSON.parse(p.EventPattern) as unknown) : resolve(p.EventPattern);
      if (!isRecord(pattern)) throw new TemplateError(`${logicalId}: EventPattern is not an object`);
      rules.push({ logicalId, name, arn, pattern, state, targets: targetDetails.map((t) => t.function), targetDetails });
    }
    const expression = str(resolve(p.ScheduleExpression));
    if (expression !== undefined) {
      for (const target of targetDetails) {
        schedules.push({
          kind: 'rule',
          logicalId,
          name,
          groupName: undefined,
          arn,
          expression,
          timezone: 'UTC',
          target: target.function,
          input: target.input,
          retryPolicy: undefined,
          roleArn: undefined,
          state,
          flexibleWindowMinutes: undefined,
          startMs: undefined,
          endMs: undefined,
        });
      }
    }
  }

  for (const [logicalId, resource] of ofType('AWS::Scheduler::Schedule')) {
    const p = props(resource);
    const target = isRecord(p.Target) ? p.Target : {};
    const fn = targetFunction(target.Arn);
    if (!fn) continue;
    const retry = isRecord(target.RetryPolicy) ? target.RetryPolicy : {};
    const window = isRecord(p.FlexibleTimeWindow) ? p.FlexibleTimeWindow : {};
    const date = (value: unknown): number | undefined => {
      const text = str(resolve(value));
      if (text === undefined) return undefined;
      const ms = Date.parse(text);
      if (Number.isNaN(ms)) throw new TemplateError(`${logicalId}: bad date ${text}`);
      return ms;
    };
    const input = resolve(target.Input);
    const expression = str(resolve(p.ScheduleExpression));
    if (!expression) throw new TemplateError(`${logicalId}: no ScheduleExpression`);
    schedules.push({
      kind: 'scheduler',
      logicalId,
      name: resolver.physicalName(logicalId),
      groupName: str(resolve(p.GroupName)) ?? 'default',
      arn: resolver.arn(logicalId),
      expression,
      timezone: str(resolve(p.ScheduleExpressionTimezone)) ?? 'UTC',
      target: fn,
      input: typeof input === 'string' ? input : input === undefined ? undefined : JSON.stringify(input),
      retryPolicy: {
        maximumRetryAttempts: num(retry.MaximumRetryAttempts) ?? SCHEDULER_RETRY_DEFAULTS.maximumRetryAttempts,
        maximumEventAgeSeconds: num(retry.MaximumEventAgeInSeconds) ?? SCHEDULER_RETRY_DEFAULTS.maximumEventAgeSeconds,
      },
      roleArn: str(resolve(target.RoleArn)),
      state: str(p.State) ?? 'ENABLED',
      flexibleWindowMinutes: str(window.Mode) === 'FLEXIBLE' ? num(window.MaximumWindowInMinutes) : undefined,
      startMs: date(p.StartDate),
      endMs: date(p.EndDate),
    });
  }

  const environment = (fn: PackagedFunction): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [key, raw] of Object.entries(fn.environment)) {
      const value = resolve(raw);
      if (value === NO_VALUE) continue;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new TemplateError(`${fn.logicalId}: environment variable ${key} resolves to ${JSON.stringify(value)}, not a string`);
      }
      out[key] = String(value);
    }
    return out;
  };

  return {
    dir,
    template,
    stack,
    functions,
    rules,
    schedules,
    resources: { tables: ofType('AWS::DynamoDB::Table').map(([id]) => id), queues: ofType('AWS::SQS::Queue').map(([id]) => id) },
    resolve: (value) => {
      const resolved = resolve(value);
      return resolved === NO_VALUE ? undefined : resolved;
    },
    ref: resolver.ref,
    physicalName: resolver.physicalName,
    arn: resolver.arn,
    environment,
  };
}

/** A function by logical id or name; throws with the available names when there is none. */
export function findFunction(pkg: Pick<Package, 'functions'>, idOrName: string): PackagedFunction {
  const fn = pkg.functions.find((f) => f.logicalId === idOrName || f.functionName === idOrName || f.handler.startsWith(`functions/${idOrName}.`));
  if (!fn) throw new TemplateError(`no function ${idOrName} (have ${pkg.functions.map((f) => f.logicalId).join(', ')})`);
  return fn;
}
