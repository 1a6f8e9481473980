/**
 * `ecs-ops status`: whether a deployed stage is healthy, decided from facts the CLI gathered (./status-aws.ts). Pure:
 * no AWS calls, no clock (the facts carry `now`).
 *
 * Rules (each broken rule is one problem; any problem makes the stage unhealthy, exit 1):
 * 1. The stack `ecs-ops-<stage>` exists and its status ends in `_COMPLETE` but is not a rollback or delete
 *    (ROLLBACK_COMPLETE, UPDATE_ROLLBACK_COMPLETE, DELETE_COMPLETE are failed deployments; *_IN_PROGRESS is not settled).
 * 2. No alarm whose name starts with the stack's name is in ALARM (the template's alarms: lib/deploy/alarms.ts).
 * 3. The failure queue holds no message (visible or in flight): each one is an event a function gave up on.
 * 4. No function reported Errors in the last hour (AWS/Lambda Errors, Sum).
 * 5. Each reconcile pass the stack runs (drain, schedule-runner: whose function is deployed) completed within its
 *    threshold (`alarms.reconcileStalledAfter`, the alarm's threshold; default 600 s).
 * Drains in progress (instances in Terminating:Wait) are reported, never a problem: draining is ecs-ops working.
 */

export interface FunctionActivity {
  /** The stack output naming it (`DrainFunctionName`) without `FunctionName`: `Drain`. */
  key: string;
  /** The deployed Lambda function's name. */
  name: string;
  invocations: number;
  errors: number;
}

export interface ReconcilePass {
  /** The `service` dimension of ReconcilePassCompleted (`ecs-ops-drain`, `ecs-ops-schedule-runner`). */
  service: string;
  /** When a pass last completed (epoch ms, start of its minute), undefined: not within the metric window. */
  lastCompletedAt: number | undefined;
}

export interface StatusFacts {
  region: string;
  stackName: string;
  /** Undefined: no such stack. */
  stack:
    | {
        status: string;
        statusReason?: string | undefined;
        lastUpdatedAt: number | undefined;
        outputs: Readonly<Record<string, string>>;
      }
    | undefined;
  functions: readonly FunctionActivity[];
  /** Undefined when the stack names no failure queue. */
  failureQueue: { url: string; visible: number; inFlight: number } | undefined;
  reconcilePasses: readonly ReconcilePass[];
  alarmsInAlarm: readonly { name: string; reason: string | undefined }[];
  /** Undefined when not asked for (no --config). */
  drains: readonly { asg: string; instanceId: string }[] | undefined;
  /** How far back the metrics look (ms). */
  windowMs: number;
  now: number;
}

export interface StatusOptions {
  /** How old a reconcile pass may be before it counts as stalled (seconds). */
  reconcileStalledAfter: number;
}

export interface StatusProblem {
  check: 'stack' | 'alarm' | 'failure-queue' | 'errors' | 'reconcile';
  message: string;
}

export interface StatusDecision {
  healthy: boolean;
  problems: StatusProblem[];
}

/** The reconcile passes a deployed stack runs: the function's output key and its metrics' `service` dimension. */
export const RECONCILE_PASSES = [
  { key: 'Drain', service: 'ecs-ops-drain' },
  { key: 'ScheduleRunner', service: 'ecs-ops-schedule-runner' },
] as const;

const SETTLED_FAILURES = new Set(['ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'DELETE_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE']);

export function stackIsHealthy(status: string): boolean {
  return status.endsWith('_COMPLETE') && !SETTLED_FAILURES.has(status);
}

const minutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;

export function decideStatus(facts: StatusFacts, options: StatusOptions): StatusDecision {
  const problems: StatusProblem[] = [];
  if (facts.stack === undefined) {
    problems.push({ check: 'stack', message: `stack ${facts.stackName} does not exist in ${facts.region} (deploy it, or pass --stage/--region)` });
    return { healthy: false, problems };
  }
  if (!stackIsHealthy(facts.stack.status)) {
    const reason = facts.stack.statusReason !== undefined && facts.stack.statusReason !== '' ? `: ${facts.stack.statusReason}` : '';
    problems.push({ check: 'stack', message: `stack ${facts.stackName} is ${facts.stack.status}${reason}` });
  }
  for (const alarm of facts.alarmsInAlarm) {
    problems.push({ check: 'alarm', message: `alarm ${alarm.name} is in ALARM${alarm.reason !== undefined ? `: ${alarm.reason}` : ''}` });
  }
  if (facts.failureQueue !== undefined) {
    const { visible, inFlight } = facts.failureQueue;
    if (visible + inFlight > 0) {
      problems.push({ check: 'failure-queue', message: `the failure queue holds ${visible + inFlight} event${visible + inFlight === 1 ? '' : 's'} a function gave up on (${visible} visible, ${inFlight} in flight)` });
    }
  }
  for (const fn of facts.functions) {
    if (fn.errors > 0) problems.push({ check: 'errors', message: `${fn.name} had ${fn.errors} error${fn.errors === 1 ? '' : 's'} in ${fn.invocations} invocation${fn.invocations === 1 ? '' : 's'} in the last ${minutes(facts.windowMs)}` });
  }
  const thresholdMs = options.reconcileStalledAfter * 1000;
  for (const pass of facts.reconcilePasses) {
    if (pass.lastCompletedAt === undefined) {
      problems.push({ check: 'reconcile', message: `the ${pass.service} reconcile pass has not completed in the last ${minutes(facts.windowMs)} (threshold ${minutes(thresholdMs)})` });
    } else if (facts.now - pass.lastCompletedAt > thresholdMs) {
      problems.push({ check: 'reconcile', message: `the ${pass.service} reconcile pass last completed ${minutes(facts.now - pass.lastCompletedAt)} ago (threshold ${minutes(thresholdMs)})` });
    }
  }
  return { healthy: problems.length === 0, problems };
}
