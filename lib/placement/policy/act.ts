/**
 * Placement policy I/O, write side: StopTask for each planned stop, with the reason that names the rule (the cooldown
 * reads it back). Every stop is tried; a failure is reported in the outcome, never thrown past the others.
 */
import { StopTaskCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { Plan } from './model.js';
import type { StopOutcome } from './notifications.js';

export async function act(plan: Plan, ecs: ECSClient, options: { readOnly?: boolean } = {}): Promise<StopOutcome[]> {
  const outcomes: StopOutcome[] = [];
  for (const stop of plan.stops) {
    if (plan.dryRun || options.readOnly === true) {
      outcomes.push({ stop, status: 'planned' });
      continue;
    }
    try {
      await ecs.send(new StopTaskCommand({ cluster: stop.cluster, task: stop.taskArn, reason: stop.reason }));
      outcomes.push({ stop, status: 'stopped' });
    } catch (error) {
      outcomes.push({ stop, status: 'failed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }
  return outcomes;
}
