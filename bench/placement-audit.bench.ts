/**
 * A full placement audit of a big cluster on the simulator: 1,000 container instances, 200 services, 20,000 tasks.
 * lib/placement/policy's gather + evaluate + plan run against the simulated ECS over HTTP (the protocol server, real
 * SDK clients), exactly as the placement function and `ecs-ops audit` run them. Measured: the ECS calls by operation
 * against the minimum the batch limits allow (⌈S/100⌉ ListServices + ⌈S/10⌉ DescribeServices + ⌈I/100⌉
 * ListContainerInstances + ⌈I/100⌉ DescribeContainerInstances + ⌈T/100⌉ ListTasks + ⌈T/100⌉ DescribeTasks = 442),
 * the audit's duration and the memory it holds.
 */
import { performance } from 'node:perf_hooks';
import { ECSClient } from '@aws-sdk/client-ecs';
import { runPass } from '../lib/placement/policy/index.js';
import { buildWorld } from '../sim/scenario/build-world.js';
import { formatScenarioErrors, parseScenario } from '../sim/scenario/load.js';
import { startAwsServer } from '../sim/server/server.js';
import type { BenchResult } from './index.js';

const INSTANCES = 1000;
const SERVICES = 200;
const TASKS_PER_SERVICE = 100;

function scenarioText(): string {
  const families = Array.from({ length: SERVICES }, (_, i) => `svc-${String(i + 1).padStart(3, '0')}`);
  return [
    'name: placement-audit-bench',
    'config:',
    '  version: 1',
    '  clusters: [{ name: big }]',
    '  notifications: { channels: [{ name: ops, type: sns, topicArn: "arn:aws:sns:us-east-1:123456789012:ops" }] }',
    '  placement:',
    '    policies:',
    '      - { name: spread, select: {}, mode: audit, rules: { azBalance: { maxSkew: 2 }, maxPerInstance: 3, instanceMatch: "attribute:ecs.instance-type =~ c5.*" } }',
    'fleet:',
    '  taskDefinitions:',
    ...families.map((f) => `    - { family: ${f}, cpu: 64, memory: 128 }`),
    '  clusters:',
    '    - name: big',
    '      asgs:',
    `        - { name: big-asg, instanceType: c5.xlarge, availabilityZones: [us-east-1a, us-east-1b, us-east-1c], maxSize: ${INSTANCES}, desiredCapacity: ${INSTANCES} }`,
    '      services:',
    ...families.map((f) => `        - { name: ${f}, taskDefinition: ${f}, desiredCount: ${TASKS_PER_SERVICE} }`),
    'timeline: []',
    'until: 1m',
  ].join('\n');
}

export default async function placementAuditBench(): Promise<BenchResult> {
  const parsed = parseScenario(scenarioText(), 'placement-audit-bench.yml', { baseDir: process.cwd() });
  if (!parsed.ok) throw new Error(formatScenarioErrors(parsed.errors).join('\n'));
  const scenario = parsed.scenario;
  const buildStart = performance.now();
  const world = buildWorld(scenario.fleet, { seed: 3, startMs: scenario.startMs, region: scenario.region, account: scenario.account });
  world.clock.advanceTo(scenario.startMs + 60_000);
  const buildMs = performance.now() - buildStart;
  const server = await startAwsServer({ apis: world.apis, slack: false });
  try {
    const ecs = new ECSClient({ endpoint: server.url, region: scenario.region, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 8, retryMode: 'adaptive' });
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const start = performance.now();
    const result = await runPass(
      { cluster: 'big' },
      { config: scenario.config, ecs, readOnly: true, logger: { info: () => undefined, warn: () => undefined, error: () => undefined }, metrics: { count: () => undefined } },
      Date.now() + 600_000,
    );
    const auditMs = performance.now() - start;
    const heapAfter = process.memoryUsage().heapUsed;
    const calls = server.calls.counts();
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    const minimum = Math.ceil(SERVICES / 100) + Math.ceil(SERVICES / 10) + 2 * Math.ceil(INSTANCES / 100) + 2 * Math.ceil(result.tasks / 100);
    const overhead = (total - minimum) / minimum;
    return {
      metrics: [
        { name: 'ECS calls of a full audit (1,000 instances, 200 services, 20,000 tasks)', value: total, unit: 'calls', target: `within 5% of the minimum the batch limits allow (${minimum})`, meetsTarget: overhead <= 0.05 },
        { name: 'audit duration (gather over HTTP + evaluate + plan)', value: auditMs / 1000, unit: 's' },
        { name: 'heap held after the audit (snapshot and results)', value: (heapAfter - heapBefore) / 2 ** 20, unit: 'MiB' },
        { name: 'peak resident memory of the process (world included)', value: process.resourceUsage().maxRSS / 1024, unit: 'MiB' },
        { name: 'building the simulated fleet', value: buildMs / 1000, unit: 's' },
      ],
      notes: [
        `calls by operation: ${Object.entries(calls).map(([op, n]) => `${op} ${n}`).join(', ')}`,
        `audited ${result.services} services, ${result.instances} container instances, ${result.tasks} tasks; ${result.plan.violations.length} violations`,
      ],
    };
  } finally {
    await server.close();
  }
}
