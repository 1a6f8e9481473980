/**
 * The drain function's AWS calls per invocation on the simulator (the packaged bundle, bench/drain-calls.ts): a
 * lifecycle event costs the same whatever the cluster size, and a reconcile pass over N waiting instances reads no more
 * than the batch limits require and writes in batches of the API limits. `npm run bench -- drain` gives the same
 * figures at N = 10 and 1,000.
 */
import { describe, expect, it } from 'vitest';
import { measureDrainCalls, passMinimum, type DrainCallCounts } from '../../bench/drain-calls.js';
import { PACKAGING_TIMEOUT_MS } from '../sim/scenario/support.js';

const results = new Map<number, DrainCallCounts>();
async function measured(n: number): Promise<DrainCallCounts> {
  const cached = results.get(n);
  if (cached) return cached;
  const r = await measureDrainCalls(n);
  results.set(n, r);
  return r;
}

const reads = (calls: Record<string, number>, minimum: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.keys(minimum).map((op) => [op, calls[op] ?? 0]));

describe('drain API calls on the simulator', () => {
  it(
    'a lifecycle event costs the same in a cluster of 20 and of 300 instances (13 calls, cold hook and managed-draining caches)',
    async () => {
      const small = await measured(10);
      const large = await measured(150);
      expect(large.lifecycleEvent).toEqual(small.lifecycleEvent);
      expect(small.lifecycleEvent).toEqual({
        'autoscaling:DescribeAutoScalingInstances': 1,
        // Its own hook's settings, and every hook of the ASG (is ECS's managed-draining hook there?).
        'autoscaling:DescribeLifecycleHooks': 2,
        'autoscaling:RecordLifecycleActionHeartbeat': 1,
        'ecs:DescribeClusters': 1,
        'ecs:DescribeContainerInstances': 1,
        'ecs:DescribeServices': 1,
        'ecs:DescribeTasks': 1,
        'ecs:ListContainerInstances': 1,
        'ecs:ListTasks': 2,
        'ecs:PutAttributes': 1,
        'ecs:UpdateContainerInstancesState': 1,
      });
    },
    PACKAGING_TIMEOUT_MS,
  );

  it.each([10, 150])(
    'a reconcile pass over %i waiting instances: the reads the batch limits require, writes batched by 10',
    async (n) => {
      const r = await measured(n);
      // The cluster's 4N tasks in pages of 100 (listing each instance would take N), described to map them to instances.
      const minimum = passMinimum(n, n * r.tasksPerInstance, r.clusterInstances * r.tasksPerInstance, 1);
      expect(minimum['ecs:ListTasks']).toBe(Math.ceil((4 * n) / 100));
      expect(reads(r.firstPass, minimum)).toEqual(minimum);
      expect(reads(r.steadyPass, minimum)).toEqual(minimum);
      // The first pass drains the N − 1 instances whose lifecycle event was lost; the steady one has nothing to do.
      const drained = n - 1;
      expect(r.firstPass['ecs:UpdateContainerInstancesState']).toBe(Math.ceil(drained / 10));
      expect(r.firstPass['ecs:PutAttributes']).toBe(Math.ceil((2 * drained) / 10));
      expect(r.firstPass['autoscaling:RecordLifecycleActionHeartbeat']).toBe(drained);
      expect(Object.keys(r.steadyPass).sort()).toEqual(Object.keys(minimum).sort());
    },
    PACKAGING_TIMEOUT_MS,
  );
});
