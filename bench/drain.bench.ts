/**
 * Auto-drain API calls per invocation on the simulator (bench/drain-calls.ts): one terminate lifecycle event, the
 * reconcile pass that drains N instances whose events were lost, and a steady pass over N DRAINING instances, at
 * N = 10 and N = 1,000 (clusters of 20 and 2,000 instances, 2 tasks each). Targets: the lifecycle event costs the same
 * at both sizes; a pass's reads are what the batch limits require (passMinimum: the cheaper of one ListTasks per
 * instance and the whole cluster's task list in pages of 100, not 2 ListTasks per instance), its writes ⌈N/10⌉
 * UpdateContainerInstancesState, ⌈2N/10⌉ PutAttributes and one heartbeat per instance.
 */
import { performance } from 'node:perf_hooks';
import type { BenchMetric, BenchResult } from './index.js';
import { measureDrainCalls, passMinimum, total, type DrainCallCounts } from './drain-calls.js';

const SIZES = [10, 1000];

function format(calls: Record<string, number>): string {
  return Object.entries(calls)
    .map(([op, count]) => `${op} ${count}`)
    .join(', ');
}

/** Whether every read a pass made stays within what the batch limits require. */
function readsWithinMinimum(calls: Record<string, number>, minimum: Record<string, number>): boolean {
  return Object.entries(minimum).every(([op, max]) => (calls[op] ?? 0) <= max);
}

export default async function drainBench(): Promise<BenchResult> {
  const metrics: BenchMetric[] = [];
  const notes: string[] = [];
  const results: DrainCallCounts[] = [];
  for (const n of SIZES) {
    const start = performance.now();
    const r = await measureDrainCalls(n);
    results.push(r);
    const minimum = passMinimum(r.draining, r.draining * r.tasksPerInstance, r.clusterInstances * r.tasksPerInstance, 1);
    metrics.push(
      { name: `lifecycle event, cluster of ${r.clusterInstances} instances: AWS calls`, value: total(r.lifecycleEvent), unit: 'calls' },
      { name: `first reconcile pass, ${n} waiting instances (${n - 1} to drain): AWS calls`, value: total(r.firstPass), unit: 'calls' },
      {
        name: `steady reconcile pass over ${n} DRAINING instances: AWS calls`,
        value: total(r.steadyPass),
        unit: 'calls',
        target: `reads ≤ ${format(minimum)}`,
        meetsTarget: readsWithinMinimum(r.steadyPass, minimum) && readsWithinMinimum(r.firstPass, minimum),
      },
    );
    notes.push(
      `N=${n}: lifecycle event: ${format(r.lifecycleEvent)}`,
      `N=${n}: first pass: ${format(r.firstPass)}`,
      `N=${n}: steady pass: ${format(r.steadyPass)}`,
      `N=${n}: measured in ${((performance.now() - start) / 1000).toFixed(1)} s`,
    );
  }
  const [small, large] = results;
  if (small && large) {
    metrics.push({
      name: 'lifecycle event calls, 2,000-instance cluster vs 20-instance cluster',
      value: total(large.lifecycleEvent) - total(small.lifecycleEvent),
      unit: 'calls more',
      target: '0 (constant)',
      meetsTarget: JSON.stringify(large.lifecycleEvent) === JSON.stringify(small.lifecycleEvent),
    });
  }
  return { metrics, notes };
}
