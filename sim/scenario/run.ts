/**
 * Runs a scenario: the packaged ecs-ops functions, unchanged, against the simulated world on a virtual clock.
 *
 *   package the config (osls, cached) → build the World → start the AWS server on it → create the stack's DynamoDB
 *   tables → load the bundles (AWS_ENDPOINT_URL = the server) → world events onto the EventBus → apply the timeline
 *   on the virtual clock, timer by timer (sim/runtime `runUntil`), sampling the fleet every simulated minute →
 *   expectations and invariants → the report.
 */
import { CreateTableCommand, DynamoDBClient, type AttributeDefinition, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { matchesPattern } from '../eventbridge-pattern.js';
import { createEventBus, runUntil, type BusTarget, type EventEnvelope } from '../runtime/delivery.js';
import { loadFunctions, type InvocationRecord, type LambdaFunction } from '../runtime/functions.js';
import { readPackage, type Package } from '../runtime/template.js';
import { failed, startAwsServer, type SlackReply } from '../server/index.js';
import { createIamEnforcement, type IamAuthorizer } from '../iam/index.js';
import { SeededRandom } from '../world/random.js';
import { buildWorld, type FleetSample, type SimWorld, type WorldEvent } from './build-world.js';
import { PlacementRecorder } from './placement.js';
import { CHATTY_DETAIL_TYPES, describeEvent, slackText } from './describe.js';
import { evaluateExpectation, type RunRecord } from './expectations.js';
import type { Scenario, TimelineEntry } from './load.js';
import { packageConfigFile, packageConfigText } from './package.js';
import type { ApiCallerItem, DrainItem, EventFaultItem, ExpectationResult, FunctionStats, IamReport, NotificationItem, ScheduledTaskItem, SimulationReport, TimelineItem } from './report.js';
import { FIXTURE_EVENTS_DIR, type Action, type ApiFaults } from './schema.js';
import { formatDuration, isoTime } from './time.js';

export interface RunProgress {
  /** Virtual time reached, the scenario's start and end (epoch ms). */
  atMs: number;
  startMs: number;
  untilMs: number;
  invocations: number;
  wallMs: number;
}

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** An existing package directory (default: package the scenario's config, cached). */
  packageDir?: string;
  /** Called after every simulated minute. */
  onProgress?: (progress: RunProgress) => void;
  /** Lines about the set-up (packaging). */
  onLog?: (line: string) => void;
  /** Also print what the handlers log (it is captured either way). */
  verbose?: boolean;
}

const SAMPLE_EVERY_MS = 60_000;
const DUPLICATE_AFTER_MS = 1000;

interface PendingEventFault {
  kind: 'drop' | 'duplicate' | 'delay';
  /** For `delay`: how late (ms). */
  delayMs?: number;
  detailType: string | undefined;
  /** Fields the event's detail must have (deep partial match). */
  detail: Record<string, unknown> | undefined;
}

/** Whether `value` has every field of `pattern`, recursively (arrays and scalars compared whole). */
function hasFields(value: unknown, pattern: unknown): boolean {
  if (isRecord(pattern)) return isRecord(value) && Object.entries(pattern).every(([key, p]) => hasFields(value[key], p));
  return JSON.stringify(value) === JSON.stringify(pattern);
}

function shortName(fn: LambdaFunction): string {
  const handler = fn.config.handler;
  const module = handler.slice(0, handler.lastIndexOf('.'));
  return module.split('/').pop() ?? fn.logicalId;
}

function describeFaults(faults: ApiFaults): string {
  const entries = Object.entries(faults);
  if (entries.length === 0) return 'API faults cleared';
  return `API faults: ${entries
    .map(([key, rule]) => {
      const parts = [
        rule.throttleRate === undefined ? undefined : `throttled ${Math.round(rule.throttleRate * 100)}%`,
        rule.serverErrorRate === undefined ? undefined : `${rule.serverErrorStatus ?? 503} ${Math.round(rule.serverErrorRate * 100)}%`,
        rule.latencyMs === undefined ? undefined : `+${Array.isArray(rule.latencyMs) ? rule.latencyMs.join('-') : String(rule.latencyMs)} ms`,
      ].filter(Boolean);
      return `${key} ${parts.join(', ')}`;
    })
    .join('; ')}`;
}

/** The alert kind a Slack message names in its footer (`ecs-ops · <kind>`, lib/notify/slack-render.ts). */
function slackKind(body: unknown): string | undefined {
  if (!isRecord(body) || !Array.isArray(body.blocks)) return undefined;
  for (const block of body.blocks as unknown[]) {
    if (!isRecord(block) || block.type !== 'context' || !Array.isArray(block.elements)) continue;
    for (const element of block.elements as unknown[]) {
      const text = isRecord(element) && typeof element.text === 'string' ? element.text : undefined;
      const match = text === undefined ? null : /(?:^|\s)ecs-ops · ([a-z0-9-]+)\s*$/.exec(text);
      if (match?.[1] !== undefined) return match[1];
    }
  }
  return undefined;
}

interface ActionOutcomeLike {
  type: string;
  ec2InstanceId?: string;
  outcome: string;
  detail?: string;
}

function isOutcome(value: unknown): value is ActionOutcomeLike {
  return isRecord(value) && typeof value.type === 'string' && typeof value.outcome === 'string';
}

/** One executed action of a handler that reports `outcomes` (the drain function), as a timeline phrase. */
function describeOutcome(o: ActionOutcomeLike): string {
  const id = o.ec2InstanceId ?? '';
  const detail = o.detail ?? '';
  const failed = o.outcome === 'failed' ? ` FAILED (${detail})` : o.outcome === 'skipped' ? ` skipped (${detail})` : '';
  switch (o.type) {
    case 'set-draining':
      return o.outcome === 'already' ? `${id} already DRAINING` : `${id} set DRAINING${failed}`;
    case 'heartbeat':
      return o.outcome === 'already' ? `heartbeat ${id}: no active lifecycle action` : `heartbeat ${id}${failed}`;
    case 'complete':
      return o.outcome === 'already' ? `complete ${id}: no active lifecycle action (done already)` : `completed lifecycle action of ${id}${o.outcome === 'done' && detail ? ` (${detail})` : ''}${failed}`;
    case 'stop-task':
      return o.outcome === 'done' ? `stopped task ${detail.split('/').pop() ?? detail} on ${id}` : `stop task on ${id}${failed}`;
    case 'notify':
      return o.outcome === 'done' ? `${detail} (${id})` : `notify ${id}${failed}`;
    default:
      return `${o.type} ${id} ${o.outcome}${detail ? ` (${detail})` : ''}`;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/** The DynamoDB key schema a template table declares (default: a string hash key `id`). */
function tableKeys(pkg: Package, logicalId: string): { KeySchema: KeySchemaElement[]; AttributeDefinitions: AttributeDefinition[] } {
  const props = pkg.template.Resources[logicalId]?.Properties ?? {};
  const keySchema = Array.isArray(props.KeySchema) ? (props.KeySchema as KeySchemaElement[]) : undefined;
  const attributes = Array.isArray(props.AttributeDefinitions) ? (props.AttributeDefinitions as AttributeDefinition[]) : undefined;
  if (keySchema && attributes) {
    const keyNames = new Set(keySchema.map((k) => k.AttributeName));
    return { KeySchema: keySchema, AttributeDefinitions: attributes.filter((a) => keyNames.has(a.AttributeName)) };
  }
  return { KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] };
}

/** The denials, grouped by caller and by what was denied. */
function iamReport(authorizer: IamAuthorizer, at: (ms: number) => { at: string; t: number }): IamReport {
  const byPrincipal: Record<string, Record<string, number>> = {};
  for (const d of authorizer.denials) {
    const what = `${d.operation} → ${d.action} on ${d.resource}`;
    const of = (byPrincipal[d.principal] ??= {});
    of[what] = (of[what] ?? 0) + 1;
  }
  return {
    denials: authorizer.denials.map((d) => ({ ...at(d.atMs), principal: d.principal, operation: d.operation, action: d.action, resource: d.resource, deviation: d.deviation })),
    byPrincipal,
    decisions: { ...authorizer.stats },
    unusedGrants: authorizer.unusedGrants(),
  };
}

/** Runs the scenario and returns its report (expectations evaluated). */
export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<SimulationReport> {
  const wallStart = performance.now();
  const seed = options.seed ?? scenario.seed;
  const { startMs, untilMs } = scenario;
  const log = options.onLog ?? (() => undefined);
  // The world first: a fleet the world refuses fails before anything is packaged.
  const world: SimWorld = buildWorld(scenario.fleet, { seed, startMs, region: scenario.region, account: scenario.account });
  const placement = new PlacementRecorder(world.apis, scenario.config, () => world.now());
  const packageDir =
    options.packageDir ??
    (scenario.configFile !== undefined ? await packageConfigFile(scenario.configFile, { onLog: log }) : await packageConfigText(scenario.configText, { onLog: log }));
  const pkg = readPackage(packageDir, { region: scenario.region, accountId: scenario.account });

  const snsChannels = new Map<string, string[]>();
  for (const channel of scenario.config.notifications.channels) {
    if (channel.type !== 'sns') continue;
    world.createTopic(channel.topicArn);
    snsChannels.set(channel.topicArn, [...(snsChannels.get(channel.topicArn) ?? []), channel.name]);
  }

  // ---- records -----------------------------------------------------------------------------------------------------
  const timeline: (TimelineItem & { seq: number; ms: number })[] = [];
  let seq = 0;
  const at = (ms: number) => ({ at: isoTime(ms), t: Math.round((ms - startMs) / 1000) });
  const note = (kind: string, text: string, ms: number = world.now()) => {
    timeline.push({ ...at(ms), kind, text, seq: seq++, ms });
  };
  const notifications: NotificationItem[] = [];
  const samples: FleetSample[] = [];
  const byDetailType: Record<string, number> = {};
  let emitted = 0;
  let injected = 0;
  const internalErrors: string[] = [];
  const actionErrors: string[] = [];
  const malformed: string[] = [];
  const titles = new Map<string, string>();

  // Every call is authorized against the caller's role in the packaged template (sim/iam).
  const iam = createIamEnforcement(pkg, world.resourceDirectory, () => world.now());
  const server = await startAwsServer({
    apis: placement.instrument(world.apis),
    authorize: iam.authorize,
    random: new SeededRandom((seed ^ 0x5eed5eed) >>> 0),
    slack: true,
    dynamodb: true,
    now: () => new Date(world.now()),
    dateFromNow: true,
    onInternalError: (error, call) => {
      internalErrors.push(`${call.service}:${call.operation}: ${error instanceof Error ? error.message : String(error)}`);
    },
  });
  const workDir = await mkdtemp(join(tmpdir(), 'ecs-ops-sim-'));
  try {
    // ---- the account's resources -----------------------------------------------------------------------------------
    const slackChannels = new Map<string, string>();
    for (const [parameter, channel] of Object.entries(scenario.slackParameters)) {
      const path = `/services/T0SIMULATE/B0${channel}/simulated0webhook0token`;
      slackChannels.set(new URL(server.slack.url(path)).pathname, channel);
      world.putSecureString(parameter, server.slack.url(path));
    }
    const dynamo = new DynamoDBClient({ endpoint: server.url, region: scenario.region, credentials: { accessKeyId: iam.setupAccessKeyId, secretAccessKey: 'sim' }, maxAttempts: 1 });
    try {
      for (const table of pkg.resources.tables) {
        await dynamo.send(new CreateTableCommand({ TableName: pkg.physicalName(table), BillingMode: 'PAY_PER_REQUEST', ...tableKeys(pkg, table) }));
      }
    } finally {
      dynamo.destroy();
    }
    server.calls.clear();
    server.setFaults(scenario.faults.api ?? {});

    // ---- functions, attributed posts ---------------------------------------------------------------------------------
    const functions = await loadFunctions(pkg, { workDir, endpointUrl: server.url, clock: world.clock, seed, region: scenario.region, verbose: options.verbose ?? false });
    const slackReplies: SlackReply[] = [];
    let slackSeen = 0;
    let snsSeen = 0;

    const attribute = (fn: LambdaFunction, record: InvocationRecord) => {
      const name = shortName(fn);
      const result = isRecord(record.result) ? record.result : {};
      const kind = typeof result.kind === 'string' ? result.kind : undefined;
      const posts: NotificationItem[] = [];
      const received = server.slack.received;
      for (; slackSeen < received.length; slackSeen++) {
        const request = received[slackSeen];
        if (!request) continue;
        const status = slackReplies.shift()?.status ?? 200;
        const { title, text } = slackText(request.body);
        const postKind = slackKind(request.body) ?? kind;
        const channel = slackChannels.get(request.path.split('?')[0] ?? '') ?? request.path;
        posts.push({
          ...at(world.now()),
          channel,
          via: 'slack',
          kind: postKind,
          function: name,
          eventId: record.eventId,
          title,
          text,
          status,
          delivered: status >= 200 && status < 300,
          attributes: undefined,
          body: request.body ?? request.raw,
        });
      }
      const published = world.snsPublications();
      for (; snsSeen < published.length; snsSeen++) {
        const m = published[snsSeen];
        if (!m) continue;
        for (const channel of snsChannels.get(m.topicArn) ?? [m.topicArn]) {
          posts.push({
            ...at(m.at),
            channel,
            via: 'sns',
            kind: m.attributes.kind ?? kind,
            function: name,
            eventId: record.eventId,
            title: m.subject ?? '(no subject)',
            text: m.message,
            status: undefined,
            delivered: true,
            attributes: m.attributes,
            body: undefined,
          });
        }
      }
      notifications.push(...posts);
      const fingerprint = typeof result.fingerprint === 'string' ? result.fingerprint : undefined;
      const slackTitle = posts.find((p) => p.via === 'slack')?.title ?? posts[0]?.title;
      if (fingerprint !== undefined && slackTitle !== undefined) titles.set(fingerprint, slackTitle);
      const title = slackTitle ?? (fingerprint !== undefined ? titles.get(fingerprint) : undefined) ?? kind ?? '';
      const retry = record.attempt > 1 ? ` (retry ${record.attempt - 1})` : '';

      if (record.error) {
        note('error', `${name} failed${retry}: ${record.error.name}: ${record.error.message}`);
      }
      if (result.status === 'malformed') {
        const message = `${name}: malformed ${record.detailType ?? 'event'} ${record.eventId ?? ''}: ${String(result.error)}`;
        malformed.push(message);
        note('error', message);
      } else if (result.status === 'skipped' || result.status === 'ignored') {
        note(name, `${result.status} ${record.detailType ?? 'event'}: ${String(result.reason)}${retry}`);
      } else if (Array.isArray(result.outcomes)) {
        // The drain function: what it did, one phrase per action (nothing when a pass had nothing to do).
        const outcomes = (result.outcomes as unknown[]).filter(isOutcome);
        const trigger = typeof result.trigger === 'string' ? result.trigger : (record.detailType ?? 'event');
        if (outcomes.length > 0) note(name, `${trigger}: ${outcomes.map(describeOutcome).join('; ')}${retry}`);
      } else if (result.status === 'handled' && Array.isArray(result.actions)) {
        // The schedule runner: what it did (nothing when a reconcile pass had nothing to do).
        const actions = (result.actions as unknown[]).filter((a): a is string => typeof a === 'string');
        const trigger = typeof result.trigger === 'string' ? result.trigger : (record.detailType ?? 'event');
        const schedule = typeof result.schedule === 'string' ? ` ${result.schedule}` : '';
        if (actions.length > 0) note(name, `${trigger}${schedule}: ${actions.join('; ')}${retry}`);
      } else if (result.status === 'alerted' && Array.isArray(result.channels)) {
        const outcomes = new Map<string, string[]>();
        for (const c of result.channels as { channel: string; outcome: string; error?: string }[]) {
          const key = c.outcome === 'failed' ? `failed (${c.error ?? 'error'})` : c.outcome;
          outcomes.set(key, [...(outcomes.get(key) ?? []), c.channel]);
        }
        if (outcomes.size === 0) note(name, `${title}: no channel takes it${retry}`);
        for (const [outcome, channels] of outcomes) {
          const text =
            outcome === 'posted'
              ? `posted to ${channels.join(', ')}: ${title}`
              : outcome === 'duplicate'
                ? `not posted again to ${channels.join(', ')} (duplicate): ${title}`
                : `${outcome} for ${channels.join(', ')}: ${title}`;
          note(name, text + retry);
        }
      } else if (!record.error && posts.length > 0) {
        note(name, `sent ${posts.map((p) => `${p.channel}: ${p.title}`).join('; ')}`);
      }
    };

    // ---- API calls by caller: function × operation × the cluster / ASG / hook they name ------------------------------
    let invoking: string | undefined;
    const byCaller = new Map<string, ApiCallerItem>();
    world.onApiCall((call) => {
      if (invoking === undefined) return;
      const input = isRecord(call.input) ? call.input : {};
      const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
      const clusterRef = text(input.cluster);
      const cluster = clusterRef?.startsWith('arn:') === true ? clusterRef.split('/').pop() : clusterRef;
      const asgs = Array.isArray(input.AutoScalingGroupNames) ? input.AutoScalingGroupNames.map(text) : [text(input.AutoScalingGroupName)];
      const hook = text(input.LifecycleHookName);
      for (const asg of asgs.length === 0 ? [undefined] : asgs) {
        const operation = `${call.service}:${call.operation}`;
        const key = JSON.stringify([invoking, operation, cluster, asg, hook]);
        const item = byCaller.get(key) ?? { function: invoking, operation, cluster, asg, hook, calls: 0, errors: 0 };
        item.calls++;
        if (call.errorCode !== undefined) item.errors++;
        byCaller.set(key, item);
      }
    });

    const targets: BusTarget[] = functions.functions.map((fn) => ({
      logicalId: fn.logicalId,
      name: fn.name,
      arn: fn.arn,
      maximumRetryAttempts: fn.maximumRetryAttempts,
      maximumEventAgeSeconds: fn.maximumEventAgeSeconds,
      onFailure: fn.onFailure,
      invoke: async (event, info) => {
        // The bus runs one invocation at a time: the world's API calls meanwhile are this function's.
        invoking = shortName(fn);
        try {
          const record = await fn.invoke(event, info);
          attribute(fn, record);
          return record;
        } finally {
          invoking = undefined;
        }
      },
    }));
    // What Scheduler and Lambda do with a role: each decision is the same every time (one request), so made once here.
    const schedulerInvokes = new Map<string, { allowed: boolean; role: string; functionArn: string }>();
    for (const schedule of pkg.schedules) {
      if (schedule.kind !== 'scheduler') continue;
      const functionArn = pkg.arn(schedule.target);
      const role = schedule.roleArn === undefined ? undefined : iam.roles.get(schedule.roleArn);
      const allowed = role !== undefined && (await iam.authorizer.allows(role, { action: 'lambda:InvokeFunction', resource: functionArn, context: {} }));
      schedulerInvokes.set(schedule.logicalId, { allowed, role: role?.label ?? schedule.roleArn ?? '(no RoleArn)', functionArn });
    }
    const destinationSends = new Map<string, { allowed: boolean; principal: (typeof iam.functions)[number]; arn: string }>();
    for (const fn of functions.functions) {
      const principal = iam.functions.find((f) => f.logicalId === fn.logicalId);
      if (fn.config.onFailureArn === undefined || principal === undefined) continue;
      const allowed = await iam.authorizer.allows(principal, { action: 'sqs:SendMessage', resource: fn.config.onFailureArn, context: {} });
      destinationSends.set(fn.logicalId, { allowed, principal, arn: fn.config.onFailureArn });
    }
    const events = scenario.faults.events;
    const bus = createEventBus(pkg, targets, {
      permits: {
        scheduleInvoke: (schedule) => {
          const decision = schedulerInvokes.get(schedule.logicalId);
          if (decision === undefined || decision.allowed) return true;
          const callerArn = schedule.roleArn === undefined ? '(no role)' : `arn:aws:sts::${scenario.account}:assumed-role/${schedule.roleArn.split('/').pop() ?? ''}/${schedule.name}`;
          iam.authorizer.recordDenial({ principal: `scheduler ${schedule.name} (${decision.role})`, callerArn, operation: 'scheduler:InvokeTarget', action: 'lambda:InvokeFunction', resource: decision.functionArn, deviation: false });
          note('error', `Scheduler could not invoke ${functionNames.get(schedule.target) ?? schedule.target} for ${schedule.name}: its role ${decision.role} may not lambda:InvokeFunction`);
          return false;
        },
        destination: (target) => {
          const decision = destinationSends.get(target.logicalId);
          if (decision === undefined) return true;
          if (decision.allowed) {
            iam.authorizer.markUsed(decision.principal.label, 'sqs:SendMessage');
            return true;
          }
          iam.authorizer.recordDenial({ principal: decision.principal.label, callerArn: decision.principal.arn, operation: 'lambda:OnFailureDestination', action: 'sqs:SendMessage', resource: decision.arn, deviation: false });
          return false;
        },
      },
      clock: world.clock,
      seed,
      faults: {
        ...(events?.duplicateRate === undefined ? {} : { duplicateRate: events.duplicateRate }),
        ...(events?.dropRate === undefined ? {} : { dropRate: events.dropRate }),
        ...(events?.reorderWindowMs === undefined ? {} : { reorderWindowMs: events.reorderWindowMs }),
        ...(events?.delayMs === undefined ? {} : { delayMs: events.delayMs }),
      },
    });
    const functionNames = new Map(functions.functions.map((fn) => [fn.logicalId, shortName(fn)]));
    const matchedFunctions = (event: EventEnvelope): string[] => {
      const names = new Set<string>();
      for (const rule of pkg.rules) {
        if (rule.state !== 'ENABLED' || !matchesPattern(rule.pattern, event)) continue;
        for (const target of rule.targets) names.add(functionNames.get(target) ?? target);
      }
      return [...names];
    };

    // ---- world events → bus, with the one-shot faults -----------------------------------------------------------------
    const pendingFaults: PendingEventFault[] = [];
    const eventFaults: EventFaultItem[] = [];
    const detailTypes = new Map<string, string>();
    const putOnBus = (event: EventEnvelope, origin: 'world' | 'injected') => {
      const targetsOf = matchedFunctions(event);
      const text = describeEvent(event);
      const arrow = targetsOf.length > 0 ? ` → ${targetsOf.join(', ')}` : '';
      if (targetsOf.length > 0) {
        const index = pendingFaults.findIndex((f) => (f.detailType === undefined || f.detailType === event['detail-type']) && (f.detail === undefined || hasFields(event.detail, f.detail)));
        const fault = index >= 0 ? pendingFaults.splice(index, 1)[0] : undefined;
        if (fault) eventFaults.push({ at: isoTime(world.now()), kind: fault.kind === 'drop' ? 'dropped' : 'duplicated', eventId: event.id, detailType: event['detail-type'], function: targetsOf.join(', ') || undefined, by: 'action' });
        if (fault?.kind === 'drop') {
          note('event', `${text} (dropped: never delivered)`);
          note('fault', `dropped ${event['detail-type']} ${event.id}`);
          return;
        }
        if (fault?.kind === 'delay') {
          const delayMs = fault.delayMs ?? 0;
          note('fault', `delayed ${event['detail-type']} ${event.id}: delivered ${formatDuration(delayMs)} late`);
          world.clock.after(delayMs, () => {
            note('event', `${text}${arrow} (delivered late)`);
            bus.put(event);
          });
          return;
        }
        if (fault?.kind === 'duplicate') {
          note('event', `${text}${arrow}`);
          note('fault', `duplicated ${event['detail-type']} ${event.id}: delivered again in ${formatDuration(DUPLICATE_AFTER_MS)}`);
          bus.put(event);
          world.clock.after(DUPLICATE_AFTER_MS, () => {
            note('event', `${text}${arrow} (duplicate delivery)`);
            bus.put(event);
          });
          return;
        }
      }
      if (origin === 'injected' || targetsOf.length > 0 || !CHATTY_DETAIL_TYPES.has(event['detail-type'])) note('event', `${text}${arrow}`);
      detailTypes.set(event.id, event['detail-type']);
      bus.put(event);
    };
    // Instances to drain (terminate lifecycle actions, Spot warnings), when they went DRAINING and terminated.
    const triggers: { instance: string; asg: string | undefined; trigger: DrainItem['trigger']; ms: number; registered: boolean }[] = [];
    const drainingAt = new Map<string, number>();
    const terminatedAt = new Map<string, number>();
    const watchDrains = (event: WorldEvent) => {
      const detail = isRecord(event.detail) ? event.detail : {};
      const str = (key: string) => (typeof detail[key] === 'string' ? detail[key] : undefined);
      const now = world.now();
      switch (event['detail-type']) {
        case 'EC2 Instance-terminate Lifecycle Action': {
          const id = str('EC2InstanceId');
          if (id !== undefined) triggers.push({ instance: id, asg: str('AutoScalingGroupName'), trigger: 'lifecycle-action', ms: now, registered: world.containerInstanceOf(id) !== undefined });
          return;
        }
        case 'EC2 Spot Instance Interruption Warning': {
          const id = str('instance-id');
          if (id !== undefined) triggers.push({ instance: id, asg: undefined, trigger: 'spot-interruption', ms: now, registered: world.containerInstanceOf(id) !== undefined });
          return;
        }
        case 'ECS Container Instance State Change': {
          const id = str('ec2InstanceId');
          if (id !== undefined && str('status') === 'DRAINING' && !drainingAt.has(id)) drainingAt.set(id, now);
          return;
        }
        case 'EC2 Instance Terminate Successful': {
          const id = str('EC2InstanceId');
          if (id !== undefined && !terminatedAt.has(id)) terminatedAt.set(id, now);
          return;
        }
      }
    };
    // Tasks of the schedule runner, as their latest task state change shows them.
    const scheduledTasks = new Map<string, { version: number; detail: Record<string, unknown> }>();
    const watchScheduledTasks = (event: WorldEvent) => {
      if (event['detail-type'] !== 'ECS Task State Change' || !isRecord(event.detail)) return;
      const detail = event.detail;
      if (typeof detail.startedBy !== 'string' || !detail.startedBy.startsWith('ecs-ops/') || typeof detail.taskArn !== 'string') return;
      const version = typeof detail.version === 'number' ? detail.version : 0;
      const seen = scheduledTasks.get(detail.taskArn);
      if (!seen || seen.version <= version) scheduledTasks.set(detail.taskArn, { version, detail });
    };
    // ECS's AZ rebalancings, from its "ECS Service Action" events (resources: the service ARN).
    const azRebalancings: { cluster: string; service: string; startedAt: string; completedAt: string | undefined }[] = [];
    const watchRebalancing = (event: WorldEvent) => {
      if (event['detail-type'] !== 'ECS Service Action' || !isRecord(event.detail)) return;
      const name = event.detail.eventName;
      if (name !== 'SERVICE_REBALANCING_STARTED' && name !== 'SERVICE_REBALANCING_COMPLETED') return;
      const [, cluster = '', service = ''] = (event.resources[0] ?? '').split(':').pop()?.split('/') ?? [];
      if (name === 'SERVICE_REBALANCING_STARTED') azRebalancings.push({ cluster, service, startedAt: event.time, completedAt: undefined });
      else {
        const open = azRebalancings.find((r) => r.cluster === cluster && r.service === service && r.completedAt === undefined);
        if (open) open.completedAt = event.time;
      }
    };
    world.onEvent((event: WorldEvent) => {
      watchScheduledTasks(event);
      watchRebalancing(event);
      watchDrains(event);
      emitted++;
      byDetailType[event['detail-type']] = (byDetailType[event['detail-type']] ?? 0) + 1;
      putOnBus(event as unknown as EventEnvelope, 'world');
    });
    const stopSchedules = bus.startSchedules();

    // ---- the timeline ----------------------------------------------------------------------------------------------
    const fixtureEvent = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(FIXTURE_EVENTS_DIR, `${name}.json`), 'utf8')) as Record<string, unknown>;
    const eventIds = new SeededRandom((seed ^ 0x1d1d1d1d) >>> 0);
    const apply = (entry: TimelineEntry) => {
      const action: Action = entry.action;
      switch (action.type) {
        case 'scaleAsg':
        case 'terminateInstance':
        case 'interruptSpot':
        case 'rebalanceRecommendation':
        case 'setDesiredCount':
        case 'deploy':
        case 'insufficientCapacity':
        case 'protectTasks':
        case 'setInstanceProtection':
        case 'agentDisconnect':
        case 'agentReconnect':
        case 'reregisterInstance':
        case 'fargateCapacity':
        case 'interruptFargateSpot':
        case 'runTask': {
          // Recorded before the world runs the action: the events it causes come after it in the timeline.
          const item: TimelineItem & { seq: number; ms: number } = { ...at(world.now()), kind: 'action', text: action.type, seq: seq++, ms: world.now() };
          timeline.push(item);
          try {
            item.text = world.apply(action);
          } catch (error) {
            const message = `${action.type} failed: ${error instanceof Error ? error.message : String(error)}`;
            actionErrors.push(`timeline[${entry.index}] ${message}`);
            item.kind = 'error';
            item.text = message;
          }
          return;
        }
        case 'dropNextEvent':
        case 'duplicateNextEvent':
          pendingFaults.push({ kind: action.type === 'dropNextEvent' ? 'drop' : 'duplicate', detailType: action.detailType, detail: action.detail });
          note(
            'fault',
            `the next ${action.detailType ?? 'event'}${action.detail === undefined ? '' : ` with ${JSON.stringify(action.detail)}`} a rule matches will be ${action.type === 'dropNextEvent' ? 'dropped' : 'delivered twice'}`,
          );
          return;
        case 'delayNextEvent':
          pendingFaults.push({ kind: 'delay', delayMs: action.by, detailType: action.detailType, detail: action.detail });
          note('fault', `the next ${action.detailType ?? 'event'}${action.detail === undefined ? '' : ` with ${JSON.stringify(action.detail)}`} a rule matches will arrive ${formatDuration(action.by)} late`);
          return;
        case 'delayNextTick':
        case 'duplicateNextTick': {
          const delayMs = action.type === 'delayNextTick' ? action.by : 0;
          bus.faultNextTick({ schedule: action.schedule, delayMs, duplicate: action.type === 'duplicateNextTick' });
          const which = action.schedule === undefined ? 'any schedule' : action.schedule;
          note('fault', action.type === 'delayNextTick' ? `the next tick of ${which} arrives ${formatDuration(delayMs)} late` : `the next tick of ${which} is delivered twice`);
          return;
        }
        case 'slackRespond': {
          const reply: SlackReply = { status: action.status, ...(action.body === undefined ? {} : { body: action.body }), ...(action.headers === undefined ? {} : { headers: action.headers }) };
          for (let i = 0; i < action.times; i++) slackReplies.push(reply);
          server.slack.respondWith(Array.from({ length: action.times }, () => reply));
          const headers = Object.entries(action.headers ?? {}).map(([k, v]) => `${k}: ${v}`).join(', ');
          note('fault', `Slack answers the next ${action.times === 1 ? 'post' : `${action.times} posts`} with ${action.status}${action.body ? ` ${action.body}` : ''}${headers ? ` (${headers})` : ''}`);
          return;
        }
        case 'setApiFaults':
          server.setFaults(action.faults);
          note('fault', describeFaults(action.faults));
          return;
        case 'emit': {
          const base = action.fixture !== undefined ? fixtureEvent(action.fixture) : (action.event ?? {});
          const merged = action.patch === undefined ? base : deepMerge(base, action.patch);
          const event = {
            version: '0',
            account: scenario.account,
            region: scenario.region,
            resources: [],
            detail: {},
            ...merged,
            id: typeof merged.id === 'string' && action.fixture === undefined ? merged.id : eventIds.uuid(),
            time: isoTime(Math.floor(world.now() / 1000) * 1000),
          } as unknown as EventEnvelope;
          injected++;
          note('action', `emit ${event['detail-type']}${action.fixture === undefined ? '' : ` (fixture ${action.fixture})`}`);
          try {
            putOnBus(event, 'injected');
          } catch (error) {
            const message = `emit failed: ${error instanceof Error ? error.message : String(error)}`;
            actionErrors.push(`timeline[${entry.index}] ${message}`);
            note('error', message);
          }
          return;
        }
        case 'advance':
          return;
        case 'note':
          note('note', action.text);
          return;
      }
    };

    const stops = new Set<number>([untilMs]);
    for (let t = startMs; t <= untilMs; t += SAMPLE_EVERY_MS) stops.add(t);
    for (const entry of scenario.timeline) stops.add(entry.atMs);
    let next = 0;
    for (const stop of [...stops].sort((a, b) => a - b)) {
      await runUntil(world.clock, bus, stop);
      for (let entry = scenario.timeline[next]; entry && entry.atMs <= stop; entry = scenario.timeline[++next]) {
        apply(entry);
        await bus.drain();
      }
      if ((stop - startMs) % SAMPLE_EVERY_MS === 0 || stop === untilMs) samples.push(world.sample());
      if ((stop - startMs) % SAMPLE_EVERY_MS === 0 || stop === untilMs) placement.sample();
      options.onProgress?.({ atMs: stop, startMs, untilMs, invocations: functions.invocations.length, wallMs: performance.now() - wallStart });
    }
    stopSchedules();

    // ---- after the run ---------------------------------------------------------------------------------------------
    const facts = world.facts();
    const killedAt = new Map<string, { ms: number; instance: string; services: Map<string, number> }>();
    for (const k of facts.tasksKilled) {
      const key = `${k.at}\0${k.ec2InstanceId}`;
      const group = killedAt.get(key) ?? { ms: k.at, instance: k.ec2InstanceId, services: new Map<string, number>() };
      group.services.set(k.service ?? 'standalone', (group.services.get(k.service ?? 'standalone') ?? 0) + 1);
      killedAt.set(key, group);
    }
    for (const group of killedAt.values()) {
      const total = [...group.services.values()].reduce((a, b) => a + b, 0);
      const list = [...group.services].map(([s, n]) => (n === 1 ? s : `${s} ×${n}`)).join(', ');
      note('killed', `${total} task${total === 1 ? '' : 's'} killed when ${group.instance} terminated under them: ${list}`, group.ms);
    }
    for (const a of facts.lifecycleActions) {
      if (a.completedAt === undefined) {
        note('hook', `lifecycle action ${a.hook} for ${a.ec2InstanceId} (${a.asg}) still waiting at the end`, untilMs);
        continue;
      }
      const how =
        a.completedBy === 'api'
          ? `completed ${a.result ?? ''} by ecs-ops`
          : a.completedBy === 'ecs-managed-draining'
            ? `completed ${a.result ?? ''} by ECS (managed draining)`
          : a.completedBy === 'instance-terminated'
            ? 'ended: the instance terminated before anyone completed it'
            : `timed out (${a.completedBy ?? '?'}), ${a.result ?? 'no result'}`;
      const held = a.heldAfterEmptyMs === undefined ? '' : `; held ${formatDuration(a.heldAfterEmptyMs)} after it was empty`;
      const beats = a.heartbeats > 0 ? `; ${a.heartbeats} heartbeat${a.heartbeats === 1 ? '' : 's'}` : '';
      note('hook', `lifecycle action ${a.hook} for ${a.ec2InstanceId} (${a.asg}) ${how}${held}${beats}`, a.completedAt);
    }
    for (const d of bus.deadLetters) {
      note('error', `dead letter: ${functionNames.get(d.function) ?? d.function} gave up on ${d.eventId} (${d.condition}, ${d.attempts} attempts): ${d.error?.message ?? ''}${d.delivered ? '' : ' — NOT delivered to the failure queue (access denied or no destination)'}`, d.atMs);
    }
    timeline.sort((a, b) => a.ms - b.ms || a.seq - b.seq);

    const byFunction: Record<string, FunctionStats> = {};
    for (const fn of functions.functions) {
      const stats: FunctionStats = { name: fn.name, logicalId: fn.logicalId, invocations: 0, errors: 0, coldStarts: 0, retries: 0, results: {} };
      for (const inv of fn.invocations) {
        stats.invocations++;
        if (inv.error) stats.errors++;
        if (inv.coldStart) stats.coldStarts++;
        if (inv.attempt > 1) stats.retries++;
        const status = isRecord(inv.result) && typeof inv.result.status === 'string' ? inv.result.status : inv.error ? 'error' : 'ok';
        stats.results[status] = (stats.results[status] ?? 0) + 1;
      }
      byFunction[shortName(fn)] = stats;
    }
    const detailTypeOf = (event: unknown) => (isRecord(event) && typeof event['detail-type'] === 'string' ? event['detail-type'] : undefined);
    const byService: Record<string, number> = {};
    for (const k of facts.tasksKilled) byService[k.service ?? 'standalone'] = (byService[k.service ?? 'standalone'] ?? 0) + 1;
    const zones = new Set<string>();
    for (const cluster of scenario.fleet.clusters) for (const asg of cluster.asgs) for (const az of asg.availabilityZones) zones.add(az);
    for (const s of samples) for (const az of Object.keys(s.zones)) zones.add(az);

    const record: RunRecord = {
      scenario: { name: scenario.name, description: scenario.description, file: scenario.source?.file },
      seed,
      region: scenario.region,
      virtual: { start: isoTime(startMs), end: isoTime(untilMs), durationSeconds: (untilMs - startMs) / 1000 },
      wallTimeMs: 0,
      fleet: {
        availabilityZones: [...zones].sort(),
        services: scenario.fleet.clusters.flatMap((c) => c.services.map((s) => `${c.name}/${s.name}`)),
        asgs: scenario.fleet.clusters.flatMap((c) => c.asgs.map((a) => ({ name: a.name, cluster: c.name, instanceType: a.instanceType, spot: a.spot, availabilityZones: a.availabilityZones }))),
      },
      events: {
        emitted,
        byDetailType: Object.fromEntries(Object.entries(byDetailType).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
        injected,
        deliveries: bus.deliveries.length,
        dropped: bus.dropped.length,
        duplicated: bus.deliveries.filter((d) => d.duplicate).length,
        faults: [
          ...eventFaults,
          ...bus.dropped.map((d): EventFaultItem => ({ at: isoTime(d.atMs), kind: 'dropped', eventId: d.eventId, detailType: detailTypes.get(d.eventId) ?? d.rule, function: functionNames.get(d.function) ?? d.function, by: 'rate' })),
          ...bus.deliveries
            .filter((d) => d.duplicate)
            .map((d): EventFaultItem => ({ at: isoTime(d.putAtMs), kind: 'duplicated', eventId: d.eventId, detailType: detailTypes.get(d.eventId) ?? d.rule, function: functionNames.get(d.function) ?? d.function, by: 'rate' })),
        ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
      },
      invocations: {
        total: functions.invocations.length,
        errors: functions.invocations.filter((i) => i.error).length,
        byFunction,
      },
      apiCalls: {
        total: server.calls.calls.length,
        byOperation: server.calls.counts(),
        failed: server.calls.counts(failed),
        injectedFaults: server.calls.calls.filter((c) => c.injected !== undefined).length,
        byCaller: [...byCaller.values()].sort((a, b) => a.function.localeCompare(b.function) || a.operation.localeCompare(b.operation) || (a.cluster ?? '').localeCompare(b.cluster ?? '') || (a.asg ?? '').localeCompare(b.asg ?? '') || (a.hook ?? '').localeCompare(b.hook ?? '')),
      },
      lifecycleActions: facts.lifecycleActions.map((a) => ({
        instance: a.ec2InstanceId,
        asg: a.asg,
        hook: a.hook,
        transition: a.transition,
        started: isoTime(a.startedAt),
        emptyAt: a.emptyAt === undefined ? undefined : isoTime(a.emptyAt),
        completed: a.completedAt === undefined ? undefined : isoTime(a.completedAt),
        result: a.result,
        completedBy: a.completedBy,
        heldAfterEmptySeconds: a.heldAfterEmptyMs === undefined ? undefined : a.heldAfterEmptyMs / 1000,
        heartbeats: a.heartbeats,
        lateCompletions: a.lateCompletions,
      })),
      drains: triggers.map((t): DrainItem => {
        const draining = drainingAt.get(t.instance);
        const asg = t.asg ?? facts.lifecycleActions.find((a) => a.ec2InstanceId === t.instance)?.asg;
        const terminated = terminatedAt.get(t.instance) ?? facts.tasksKilled.find((k) => k.ec2InstanceId === t.instance)?.at;
        return {
          instance: t.instance,
          asg,
          trigger: t.trigger,
          triggeredAt: isoTime(t.ms),
          registered: t.registered,
          drainingAt: draining === undefined ? undefined : isoTime(draining),
          drainingAfterSeconds: draining === undefined ? undefined : Math.max(0, draining - t.ms) / 1000,
          terminatedAt: terminated === undefined ? undefined : isoTime(terminated),
        };
      }),
      tasksKilled: {
        count: facts.tasksKilled.length,
        byService,
        tasks: facts.tasksKilled.map((k) => ({ at: isoTime(k.at), cluster: k.cluster, service: k.service, task: k.taskArn, instance: k.ec2InstanceId, lastStatus: k.lastStatus })),
      },
      taskStops: facts.taskStops.map((t) => ({
        at: isoTime(t.at),
        cluster: t.cluster,
        service: t.service,
        task: t.taskArn,
        stopCode: t.stopCode,
        reason: t.reason,
        protected: t.protected,
        stoppedAfterSeconds: t.stoppedAfterMs === undefined ? undefined : t.stoppedAfterMs / 1000,
        killedAtStopTimeout: t.killedAtStopTimeout,
      })),
      ...(placement.enabled
        ? {
            placement: {
              samples: placement.facts.samples.map((p) => ({ at: isoTime(p.ms), amounts: p.amounts, messages: p.messages })),
              stops: placement.facts.stops.map(({ ms, ...stop }) => ({ at: isoTime(ms), ...stop })),
            },
          }
        : {}),
      services: facts.services.map((s) => ({
        cluster: s.cluster,
        service: s.service,
        desired: s.desired,
        running: s.running,
        minimumHealthyPercent: s.minimumHealthyPercent,
        lowestRunning: s.lowestRunning,
        lowestRunningAt: isoTime(s.lowestRunningAt),
        minimumHealthyAtLowest: s.minimumHealthyAtLowest,
        belowMinimum: s.belowMinimumHealthy.map((b) => ({ at: isoTime(b.at), running: b.running, minimumHealthy: b.minimumHealthy, desired: b.desired, stoppedReason: b.stoppedReason })),
      })),
      notifications,
      deadLetters: bus.deadLetters.map((d) => ({
        at: isoTime(d.atMs),
        function: functionNames.get(d.function) ?? d.function,
        eventId: d.eventId,
        detailType: detailTypeOf(d.event),
        condition: d.condition,
        attempts: d.attempts,
        error: d.error?.message,
        delivered: d.delivered,
      })),
      iam: iamReport(iam.authorizer, at),
      timeline: timeline.map(({ at: when, t, kind, text }) => ({ at: when, t, kind, text })),
      samples: samples.map((s) => ({ ...at(s.at), zones: s.zones, services: s.services })),
      counters: facts.counters,
      autoScalingGroups: world.autoScalingGroups(),
      capacityProviderReservations: world.capacityProviderReservations().map((r) => ({ ...at(r.at), capacityProvider: r.capacityProvider, value: r.value, m: r.m, n: r.n })),
      azRebalancings,
      scheduledTasks: [...scheduledTasks.values()].map(({ detail }): ScheduledTaskItem => {
        const text = (key: string) => (typeof detail[key] === 'string' ? detail[key] : undefined);
        const containers = Array.isArray(detail.containers) ? detail.containers.filter(isRecord) : [];
        return {
          task: text('taskArn') ?? '',
          schedule: (text('startedBy') ?? '').slice('ecs-ops/'.length),
          group: text('group'),
          createdAt: text('createdAt'),
          startedAt: text('startedAt'),
          stoppingAt: text('stoppingAt'),
          stoppedAt: text('stoppedAt'),
          lastStatus: text('lastStatus') ?? '',
          stopCode: text('stopCode'),
          stoppedReason: text('stoppedReason'),
          exitCodes: Object.fromEntries(containers.map((c) => [String(c.name), typeof c.exitCode === 'number' ? c.exitCode : null])),
          capacityProvider: text('capacityProviderName'),
        };
      }),
    };

    const line = (index: number) => scenario.source?.locate(['expect', index])?.line;
    const expectations: ExpectationResult[] = scenario.expectations.map(({ index, expectation }) => ({ ...evaluateExpectation(expectation, record), invariant: false, line: line(index) }));
    const invariant = (type: string, description: string, problems: string[], ok: string): ExpectationResult => ({
      type,
      description,
      passed: problems.length === 0,
      detail: problems.length === 0 ? ok : problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; … ${problems.length - 5} more` : ''),
      invariant: true,
      line: undefined,
    });
    expectations.push(
      invariant('actionsApplied', 'every timeline action was applied', actionErrors, `${scenario.timeline.length} ${scenario.timeline.length === 1 ? 'entry' : 'entries'}`),
      invariant('noSimulatorErrors', 'the simulated AWS answered every call without an internal error', internalErrors, 'none'),
      invariant('wellFormedEvents', 'every event delivered to ecs-ops parsed', malformed, 'all parsed'),
      invariant(
        'noAccessDenied',
        'no call was denied by IAM',
        record.iam.denials.map((d) => `${d.principal} ${d.operation}: ${d.action} on ${d.resource}`),
        'none',
      ),
    );
    return { ...record, wallTimeMs: Math.round(performance.now() - wallStart), passed: expectations.every((e) => e.passed), expectations };
  } finally {
    await server.close();
    await rm(workDir, { recursive: true, force: true });
  }
}
