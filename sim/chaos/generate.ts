/**
 * Random chaos scenarios, one per seed: a fixed fleet (an on-demand ASG drained through the `ecs-ops-drain` hook, a
 * Spot ASG, three services, standalone jobs) and ecs-ops config, a timeline mixing INGREDIENTS at random times, every
 * fault the simulator has — 20% of AWS calls throttled, 5% answered with a 5xx, added latency, 10% of event
 * deliveries duplicated, 10% dropped, deliveries reordered within 5 s — and the invariants that must hold whatever
 * happened. The output is scenario YAML (sim/scenarios/README.md), validated by the same loader as any scenario, so a
 * failing seed can be written out and replayed with `ecs-ops simulate`.
 *
 * A capability adds an ingredient to INGREDIENTS: the timeline entries it contributes (given the state so far), the
 * config sections it needs and the invariants it promises under these faults.
 */
import { SeededRandom } from '../world/random.js';

export const CHAOS_FAULTS = {
  throttleRate: 0.2,
  serverErrorRate: 0.05,
  latencyMs: [0, 20] as const,
  duplicateRate: 0.1,
  dropRate: 0.1,
  reorderWindow: '5s',
};

/** The drain deadline of the chaos config; lifecycle actions must all end within it plus one reconcile interval. */
export const DRAIN_DEADLINE_MINUTES = 20;

/** What the timeline has done so far, for ingredients to stay within what the fleet allows. */
export interface ChaosState {
  rng: SeededRandom;
  /** Desired capacity of the on-demand ASG (min 2, max 8). */
  onDemandDesired: number;
  /** Spot interruptions so far (the Spot ASG keeps 2 instances; one interruption at a time is applied). */
  spotInterruptions: number;
  /** Deployments so far, by service. */
  deployments: Record<string, number>;
  /** Standalone jobs started. */
  jobs: number;
  /** Whether an on-demand instance has been scaled in or terminated (a draining instance takes no new task). */
  shrunk: boolean;
  /** Services whose tasks were protected from scale-in (once each). */
  protectedServices?: string[];
  /** Whether the oldest on-demand instance's agent has disconnected (standalone jobs are pinned there). */
  oldestDisconnected?: boolean;
}

export interface Ingredient {
  name: string;
  /** Relative chance of being picked for each timeline slot. */
  weight: number;
  /** Timeline entries (YAML list items without `at`, indented by 2), or nothing when the state does not allow it. */
  entries(state: ChaosState): string[] | undefined;
  /** Top-level config sections it needs (YAML, indented for `config:`), added once when it is used. */
  config?: string | ((state: ChaosState) => string);
  /** Entries of the config's `schedules` list it needs (YAML list items, indented for `schedules:`), added once when it is used. */
  schedules?: string | ((state: ChaosState) => string);
  /** Task definitions it needs in the fleet (YAML list items, indented for `taskDefinitions:`), added when it is used. */
  taskDefinitions?: string | ((state: ChaosState) => string);
  /** More lifecycle hooks of the on-demand ASG (YAML list items, indented for its `lifecycleHooks:`), added when it is used. */
  onDemandHooks?: string;
  /** Settings of the on-demand ASG it needs (YAML keys, indented for the ASG), added when it is used. */
  onDemandAsg?: string;
  /** Invariants it promises under the chaos faults (expect entries), added once when it is used. */
  expect?: string[] | ((end: ChaosEnd) => string[]);
  /** Minutes the run goes on after the usual settling time when it is used (for its invariants to have a window). */
  extraMinutes?: number;
}

/** When the timeline's last entry happens and when every lifecycle action it caused has ended. */
export interface ChaosEnd {
  lastMinute: number;
  /** The last minute plus the drain deadline and a reconcile interval (noLifecycleActionPastDeadline). */
  settledMinute: number;
}

export const ON_DEMAND_ASG = 'prod-ecs';
export const SPOT_ASG = 'prod-spot';
const ON_DEMAND_MIN = 2;
const ON_DEMAND_MAX = 8;

/** Placement enforcement (lib/placement/policy) amid the other ingredients. */
export const PLACEMENT: Ingredient = {
  // Placement policy in enforce mode over api and web (both minimum healthy 50%: ecs-ops may stop one task at a time,
  // never during their deployments): one task per instance, AZs within one task. Drains, Spot interruptions and
  // scale-ins crowd instances; its own entry replaces an on-demand instance (no decrement, as an instance refresh would):
  // the replacement registers empty, and the audit moves tasks one safe stop per pass where the engine predicts a
  // strictly better placement (it cannot when the fleet is too small: the violation is then only reported).
  name: 'placement',
  weight: 1,
  entries: (s) => {
    s.shrunk = true;
    return [`terminateInstance: { asg: ${ON_DEMAND_ASG}, instance: ${s.rng.int(2)} }`];
  },
  config: `  placement:
    dryRun: false
    auditEvery: 1m
    minTaskAge: 1m
    cooldown: 2m
    maxStopsPerCluster: 2
    policies:
      - name: spread
        select: { clusters: [prod], services: [api, web] }
        mode: enforce
        rules:
          azBalance: { maxSkew: 1 }
          maxPerInstance: 1
`,
  expect: (end) => [
    // Every stop ecs-ops makes, amid drains, Spot interruptions and deployments: no deployment in progress, RUNNING − 1
    // never below the minimum healthy count.
    'placementStopsSafe: true',
    // Scale-ins, Spot interruptions, replacements, scale-outs (a new AZ with capacity) and deployments legitimately
    // create or grow violations until every lifecycle action they caused has ended; from then on the fleet is still,
    // so only ecs-ops's own stops (and ECS re-placing those tasks) change the amounts: they must never grow.
    `placementViolationsNeverIncrease: { after: ${end.settledMinute}m }`,
  ],
  // The window of placementViolationsNeverIncrease: ecs-ops may still be fixing (one stop per service every 2 minutes).
  extraMinutes: 8,
};

/** Scheduled runs (lib/schedule) amid the other ingredients. */
export const SCHEDULED_RUN: Ingredient = {
  // A scheduled job every 5 minutes with concurrency forbid, on the drained on-demand ASG (its capacity provider: a
  // Spot instance is reclaimed with whatever runs there, see standalone-job). Its run time, 3 or 7 minutes (the
  // latter overlaps the next tick, which must be skipped), and its exit code, 0 or 4, vary with the seed. Ticks come
  // from the packaged Scheduler schedule, dropped (a missed run, so no count is asserted) and duplicated like every
  // event; a lost STOPPED event leaves the failure to the reconcile pass. The last tick, 08:15, is early enough for its
  // run (at most 7 minutes) to end and be judged by the reconcile pass before the run ends (at 08:26 at the earliest).
  name: 'scheduled-run',
  weight: 1,
  entries: () => [`note: 'scheduled runs: sync every 5 minutes from 08:00 to 08:15'`],
  schedules: `    - name: sync
      schedule: cron(0-15/5 8 * * ? *)
      cluster: prod
      taskDefinition: sync
      capacityProviderStrategy: [{ capacityProvider: ${ON_DEMAND_ASG} }]
      concurrency: forbid
`,
  taskDefinitions: (s) =>
    `    - { family: sync, cpu: 256, memory: 256, simulation: { startDelay: 10s, runFor: ${s.rng.chance(0.5) ? 3 : 7}m, exitCode: ${s.rng.chance(0.5) ? 0 : 4} } }\n`,
  // No overlap, one task per tick and attempt however often the tick arrives, every failed run reported exactly once
  // per channel (from its STOPPED event or, when that was dropped, from the reconcile pass).
  expect: ['scheduledRuns: { schedule: sync, noOverlap: true, perTick: 1, failuresReportedOnce: true }'],
};

/** A second terminate hook on the drained ASG that nobody completes (sim/scenarios/drain-foreign-hook.yml). */
export const FOREIGN_HOOK: Ingredient = {
  // ECS's managed-draining hook (another tool's would do the same) on the on-demand ASG from the start: every
  // instance that ASG terminates waits in Terminating:Wait until both hooks are done, here until the foreign one times
  // out (20 minutes, within the chaos deadline), long after ecs-ops completed its own. Its entry is a scale-in.
  name: 'foreign-hook',
  weight: 1,
  entries: (s) => {
    if (s.onDemandDesired <= ON_DEMAND_MIN) return undefined;
    s.onDemandDesired--;
    s.shrunk = true;
    return [`scaleAsg: { asg: ${ON_DEMAND_ASG}, desired: ${s.onDemandDesired} }`];
  },
  onDemandHooks: '            - { name: ecs-managed-draining-termination-hook, transition: terminating, heartbeatTimeout: 20m, defaultResult: CONTINUE }\n',
  // One drain, one completion, one report, whatever the faults: ecs-ops never completes its action again for an
  // instance the other hook holds, nor reports its drain again. A completion mark lost to throttling past the SDK's
  // retries makes the invocation fail; its retry may find the action over ("No active Lifecycle Action") once.
  expect: ['drainsOnce: { hook: ecs-ops-drain, lateCompletions: 1 }', 'drainStarted: { within: 2m, trigger: lifecycle-action }'],
};
/** Task scale-in protection, slow stops, agent disconnects and warm pools (the simulator's fleet features) amid the rest. */
export const FLEET_FEATURES: Ingredient[] = [
  {
    // One or two tasks of web or api protect themselves for 10-30 minutes: scale-ins and deployments of the service
    // leave them alone, drains do not (ECS documents protection against service scale-in and deployments only).
    name: 'task-protection',
    weight: 1,
    entries: (s) => {
      const done = (s.protectedServices ??= []);
      const service = s.rng.chance(0.5) ? 'web' : 'api';
      if (done.includes(service)) return undefined;
      done.push(service);
      return [`protectTasks: { cluster: prod, service: ${service}, count: ${1 + s.rng.int(2)}, expiresIn: ${10 + 10 * s.rng.int(3)}m }`];
    },
    // No protected task is ever stopped by a service scale-in or a deployment.
    expect: ["taskStops: { protected: true, reason: 'Scaling activity', count: 0 }"],
  },
  {
    // web:3, whose containers ignore SIGTERM: every stop takes its 90 s stopTimeout (SIGKILL), so drains wait on it.
    name: 'slow-stop',
    weight: 1,
    entries: (s) => {
      s.deployments.web = 2; // the next deployment ingredient of web deploys web:2
      return [`deploy: { cluster: prod, service: web, taskDefinition: 'web:3' }`];
    },
    taskDefinitions: `    - { family: web, cpu: 256, memory: 512, stopTimeout: 90s, simulation: { startDelay: 20s, ignoreSigterm: true } }\n`,
    // A container that ignores SIGTERM is killed at its stopTimeout, never earlier (min 0: the run may stop none).
    expect: ['taskStops: { service: web, killedAtStopTimeout: true, minStopTime: 90s, min: 0 }'],
  },
  {
    // The ECS agent of one of the two oldest on-demand instances disconnects for 1-5 minutes: its tasks keep running,
    // nothing is placed there, and a drain of it waits for the reconnection to stop its tasks.
    name: 'agent-disconnect',
    weight: 1,
    entries: (s) => {
      const instance = s.rng.int(2);
      if (instance === 0) s.oldestDisconnected = true;
      return [`agentDisconnect: { asg: ${ON_DEMAND_ASG}, instance: ${instance}, for: ${1 + s.rng.int(5)}m }`];
    },
  },
  {
    // The on-demand ASG has a warm pool with ReuseOnScaleIn: scale-ins return instances to it through
    // Warmed:Pending:Wait, the pool sheds extras through Warmed:Terminating:Wait, scale-outs reuse them.
    name: 'warm-pool',
    weight: 1,
    onDemandAsg: '          warmPool: { minSize: 1, reuseOnScaleIn: true }\n',
    entries: (s) => {
      if (s.onDemandDesired <= ON_DEMAND_MIN) return undefined;
      s.onDemandDesired--;
      s.shrunk = true;
      return [`scaleAsg: { asg: ${ON_DEMAND_ASG}, desired: ${s.onDemandDesired} }`];
    },
    // The reconcile pass reads the pool (instances waiting there are not listed with the group).
    expect: [`apiCalls: { operation: 'autoscaling:DescribeWarmPool', function: drain, asg: ${ON_DEMAND_ASG}, min: 1 }`],
  },
];
/** Scheduled ticks delivered late (issue 14, item 5), within the Scheduler's retry window. */
export const LATE_TICKS: Ingredient = {
  // A job every 5 minutes from 08:00 to 08:30, 7 or 12 minutes long, concurrency replace or forbid (by seed): each time
  // this ingredient is picked, the schedule's next tick reaches the runner 6 to 12 minutes late (the Scheduler retries
  // a failed delivery for up to its retry policy's event age: 1 hour, lib/deploy/schedule-wiring.ts), by then after
  // the next tick's run started. A tick never stops a run of a later tick, and never runs after one (tickOrder: the
  // late tick is skipped and reported); runs never overlap; one task per tick and attempt.
  name: 'late-ticks',
  weight: 1,
  entries: (s) => [`delayNextTick: { schedule: refresh, by: ${6 + s.rng.int(7)}m }`],
  schedules: (s) => `    - name: refresh
      schedule: cron(0-30/5 8 * * ? *)
      cluster: prod
      taskDefinition: refresh
      capacityProviderStrategy: [{ capacityProvider: ${ON_DEMAND_ASG} }]
      concurrency: ${s.rng.chance(0.5) ? 'replace' : 'forbid'}
`,
  taskDefinitions: (s) => `    - { family: refresh, cpu: 256, memory: 256, simulation: { startDelay: 10s, runFor: ${s.rng.chance(0.5) ? 7 : 12}m } }\n`,
  expect: ['scheduledRuns: { schedule: refresh, noOverlap: true, perTick: 1, tickOrder: true }'],
};

export const INGREDIENTS: Ingredient[] = [
  {
    name: 'scale-in',
    weight: 3,
    entries: (s) => {
      if (s.onDemandDesired <= ON_DEMAND_MIN) return undefined;
      const desired = Math.max(ON_DEMAND_MIN, s.onDemandDesired - 1 - s.rng.int(3));
      s.onDemandDesired = desired;
      s.shrunk = true;
      return [`scaleAsg: { asg: ${ON_DEMAND_ASG}, desired: ${desired} }`];
    },
    // Every instance scaled in is set DRAINING within two reconcile intervals, even when its lifecycle event was lost.
    expect: ['drainStarted: { within: 2m, trigger: lifecycle-action }'],
  },
  {
    name: 'scale-out',
    weight: 1,
    entries: (s) => {
      if (s.onDemandDesired >= ON_DEMAND_MAX) return undefined;
      const desired = Math.min(ON_DEMAND_MAX, s.onDemandDesired + 1 + s.rng.int(2));
      s.onDemandDesired = desired;
      return [`scaleAsg: { asg: ${ON_DEMAND_ASG}, desired: ${desired} }`];
    },
  },
  {
    name: 'terminate-instance',
    weight: 1,
    entries: (s) => {
      if (s.onDemandDesired <= ON_DEMAND_MIN) return undefined;
      s.onDemandDesired--;
      s.shrunk = true;
      return [`terminateInstance: { asg: ${ON_DEMAND_ASG}, instance: 0, decrement: true }`];
    },
    // Every instance scaled in is set DRAINING within two reconcile intervals, even when its lifecycle event was lost.
    expect: ['drainStarted: { within: 2m, trigger: lifecycle-action }'],
  },
  {
    name: 'spot-interruption',
    weight: 2,
    entries: (s) => {
      if (s.spotInterruptions >= 2) return undefined;
      s.spotInterruptions++;
      return [`interruptSpot: { asg: ${SPOT_ASG}, count: 1 }`];
    },
  },
  {
    name: 'deployment',
    weight: 2,
    entries: (s) => {
      const service = s.rng.chance(0.5) ? 'web' : 'api';
      const n = (s.deployments[service] = (s.deployments[service] ?? 0) + 1);
      // Alternate between the two good revisions.
      return [`deploy: { cluster: prod, service: ${service}, taskDefinition: '${service}:${n % 2 === 1 ? 2 : 1}' }`];
    },
  },
  {
    name: 'failed-deployment',
    weight: 1,
    entries: () => [`deploy: { cluster: prod, service: worker, taskDefinition: 'worker:2' }`],
  },
  {
    name: 'service-scaling',
    weight: 1,
    entries: (s) => [`setDesiredCount: { cluster: prod, service: web, desired: ${4 + s.rng.int(6)}, cause: 'monitor alarm chaos in state ALARM' }`],
  },
  {
    name: 'standalone-job',
    weight: 1,
    entries: (s) => {
      // Pinned to the oldest instance, which must not be draining yet, nor have had its agent disconnected: ECS places
      // nothing on an instance whose agent is disconnected (RunTask fails with AGENT), and the generator does not know
      // whether the disconnection is over by then.
      if (s.jobs >= 2 || s.shrunk || s.oldestDisconnected === true) return undefined;
      s.jobs++;
      // On the drained on-demand ASG: a Spot instance is reclaimed 2 minutes after its warning, whatever runs there, so a
      // standalone job can only be waited for where the lifecycle hook holds the instance.
      return [`runTask: { cluster: prod, taskDefinition: report-job, count: 1, startedBy: chaos, group: reports, instance: { asg: ${ON_DEMAND_ASG}, index: 0 } }`];
    },
  },
  PLACEMENT,
  SCHEDULED_RUN,
  FOREIGN_HOOK,
  ...FLEET_FEATURES,
  LATE_TICKS,
];

/** Invariants of every chaos run, whatever the ingredients (the scenario format adds its own three). */
export const BASE_EXPECT = [
  // Every terminate lifecycle action on the drained ASG is completed by ecs-ops (CONTINUE) — none left to time out —
  // and within two reconcile intervals of its instance being empty, even when the event saying so was lost.
  `lifecycleActionsCompleted: { all: true, hook: ecs-ops-drain, maxHoldAfterEmpty: 2m }`,
  // No lifecycle action waits past the drain deadline plus one reconcile interval.
  `noLifecycleActionPastDeadline: { deadline: ${DRAIN_DEADLINE_MINUTES + 1}m }`,
  // No task dies with its instance unless the deadline forced it (and the drain-forced message lists it).
  'tasksKilledOnlyWhenForced: true',
  // Nothing ends in the dead-letter queue: throttling and 5xx are retried until they succeed.
  'noDeadLetters: true',
];

const FLEET = `fleet:
  taskDefinitions:
    - { family: web, cpu: 256, memory: 512, simulation: { startDelay: 20s, stopDelay: 10s } }
    - { family: web, cpu: 256, memory: 512, simulation: { startDelay: 25s, stopDelay: 10s } }
    - { family: api, cpu: 512, memory: 1024, simulation: { startDelay: 15s } }
    - { family: api, cpu: 512, memory: 1024, simulation: { startDelay: 20s } }
    - { family: worker, cpu: 256, memory: 512 }
    - family: worker
      cpu: 256
      memory: 512
      simulation: { startDelay: 20s, failToStart: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found' }
    - { family: report-job, cpu: 256, memory: 256, simulation: { startDelay: 10s, runFor: 8m } }
%TASK_DEFINITIONS%  clusters:
    - name: prod
      asgs:
        - name: ${ON_DEMAND_ASG}
          instanceType: m5.large
          capacityProviderName: ${ON_DEMAND_ASG}
          availabilityZones: [us-east-1a, us-east-1b, us-east-1c]
          minSize: ${ON_DEMAND_MIN}
          maxSize: ${ON_DEMAND_MAX}
          desiredCapacity: 6
          lifecycleHooks:
            - { name: ecs-ops-drain, transition: terminating, heartbeatTimeout: 10m, defaultResult: CONTINUE }
%ON_DEMAND_HOOKS%%ON_DEMAND_ASG%        - name: ${SPOT_ASG}
          instanceType: m5.large
          spot: true
          spotInstanceDraining: true
          availabilityZones: [us-east-1a, us-east-1b, us-east-1c]
          maxSize: 4
          desiredCapacity: 2
      services:
        - name: web
          taskDefinition: 'web:1'
          desiredCount: 6
          scalableTarget: { minCapacity: 4, maxCapacity: 12 }
          deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 }
        - name: api
          taskDefinition: 'api:1'
          desiredCount: 4
          deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 }
        - name: worker
          taskDefinition: 'worker:1'
          desiredCount: 3
          deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200, deploymentCircuitBreaker: { enable: true, rollback: true } }
`;

function configText(extra: string[]): string {
  return `config:
  version: 1
  clusters:
    - name: prod
      asgs:
        - { name: ${ON_DEMAND_ASG}, lifecycleHook: ecs-ops-drain }
        - { name: ${SPOT_ASG}, lifecycleHook: ecs-ops-drain }
  notifications:
    channels:
      - { name: ops, type: slack, webhookParameter: /ecs-ops/slack/ops }
      - { name: pager, type: sns, topicArn: 'arn:aws:sns:us-east-1:123456789012:ecs-ops-critical', severities: [critical] }
  drain:
    deadline: ${DRAIN_DEADLINE_MINUTES}m
    standaloneTasks: wait
    spotInterruption: true
${extra.join('')}`;
}

/** The config's `schedules` section from the ingredients' entries (none: no section). */
function schedulesText(entries: string[]): string[] {
  return entries.length === 0 ? [] : [`  schedules:\n${entries.join('')}`];
}

export interface ChaosScenario {
  seed: number;
  /** Ingredient names in timeline order. */
  ingredients: string[];
  yaml: string;
}

/** The chaos scenario of `seed`: same seed, same scenario. */
export function chaosScenario(seed: number, ingredients: readonly Ingredient[] = INGREDIENTS): ChaosScenario {
  const rng = new SeededRandom(seed * 7919 + 17);
  const state: ChaosState = { rng, onDemandDesired: 6, spotInterruptions: 0, deployments: {}, jobs: 0, shrunk: false };
  const slots = 3 + rng.int(4);
  const times = Array.from({ length: slots }, () => 1 + rng.int(24)).sort((a, b) => a - b);
  const total = ingredients.reduce((sum, i) => sum + i.weight, 0);
  const used: Ingredient[] = [];
  const timeline: string[] = [];
  for (const minute of times) {
    let pick = rng.next() * total;
    const ingredient = ingredients.find((i) => (pick -= i.weight) < 0) ?? ingredients[0];
    const entries = ingredient?.entries(state);
    if (!ingredient || !entries) continue;
    if (!used.includes(ingredient)) used.push(ingredient);
    timeline.push(`  - at: ${minute}m\n    note: 'chaos: ${ingredient.name}'`);
    for (const e of entries) timeline.push(`  - ${e}`);
  }
  if (timeline.length === 0) timeline.push('  - at: 1m\n    note: nothing happens');
  const lastMinute = times.at(-1) ?? 1;
  const end: ChaosEnd = { lastMinute, settledMinute: lastMinute + DRAIN_DEADLINE_MINUTES + 2 };
  const expect = [...new Set([...BASE_EXPECT, ...used.flatMap((i) => (typeof i.expect === 'function' ? i.expect(end) : (i.expect ?? [])))])];
  const text = (part: string | ((s: ChaosState) => string) | undefined): string[] => (part === undefined ? [] : [typeof part === 'string' ? part : part(state)]);
  const extraMinutes = Math.max(0, ...used.map((i) => i.extraMinutes ?? 0));
  const yaml = `# Generated by sim/chaos (seed ${seed}): ${used.map((i) => i.name).join(', ') || 'nothing'}.
name: chaos-${seed}
description: Chaos run ${seed} - ${used.map((i) => i.name).join(', ') || 'nothing'} under throttling, 5xx, latency and duplicated, dropped and reordered events.
seed: ${seed}

${configText([...used.flatMap((i) => text(i.config)), ...schedulesText(used.flatMap((i) => text(i.schedules)))])}
${FLEET.replace('%TASK_DEFINITIONS%', used.flatMap((i) => text(i.taskDefinitions)).join(''))
  .replace('%ON_DEMAND_HOOKS%', used.flatMap((i) => text(i.onDemandHooks)).join(''))
  .replace('%ON_DEMAND_ASG%', [...new Set(used.flatMap((i) => (i.onDemandAsg === undefined ? [] : [i.onDemandAsg])))].join(''))}
faults:
  api:
    '*': { throttleRate: ${CHAOS_FAULTS.throttleRate}, serverErrorRate: ${CHAOS_FAULTS.serverErrorRate}, latencyMs: [${CHAOS_FAULTS.latencyMs.join(', ')}] }
  events:
    duplicateRate: ${CHAOS_FAULTS.duplicateRate}
    dropRate: ${CHAOS_FAULTS.dropRate}
    reorderWindow: ${CHAOS_FAULTS.reorderWindow}

timeline:
${timeline.join('\n')}

until: ${lastMinute + DRAIN_DEADLINE_MINUTES + 5 + extraMinutes}m

expect:
${expect.map((e) => `  - ${e}`).join('\n')}
`;
  return { seed, ingredients: used.map((i) => i.name), yaml };
}
