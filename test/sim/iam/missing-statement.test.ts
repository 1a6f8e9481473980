/**
 * Proof that enforcement can fail a scenario: the packaged template of drain-scale-in.yml with one statement removed
 * from the drain function's role (the one granting autoscaling:CompleteLifecycleAction on the ASGs) fails the
 * scenario, and the report names the denial: the function, the call, the action and the ASG's ARN. The unedited
 * package passes with no denial.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../../sim/runtime/template.js';
import { loadScenarioFile } from '../../../sim/scenario/load.js';
import { packageConfigFile, packageConfigText } from '../../../sim/scenario/package.js';
import { runScenario } from '../../../sim/scenario/run.js';
import { repoRoot } from '../../support/fixtures.js';
import { PACKAGING_TIMEOUT_MS, removeTempDirs, tempDir } from '../scenario/support.js';

const TEMPLATE = 'cloudformation-template-update-stack.json';
const FILE = 'sim/scenarios/drain-scale-in.yml';

afterAll(removeTempDirs);

/** A copy of `packageDir` whose template lost the statements `drop` picks from the role `roleLogicalId`. */
function withoutStatement(packageDir: string, roleLogicalId: string, drop: (statement: Record<string, unknown>) => boolean): { dir: string; removed: unknown[] } {
  const dir = join(tempDir('ecs-ops-iam-missing-'), 'package');
  cpSync(packageDir, dir, { recursive: true });
  const path = join(dir, TEMPLATE);
  const template = JSON.parse(readFileSync(path, 'utf8')) as CfnTemplate;
  const role = template.Resources[roleLogicalId];
  const removed: unknown[] = [];
  const policies = (role?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Record<string, unknown>[] } }[];
  for (const policy of policies) {
    policy.PolicyDocument.Statement = policy.PolicyDocument.Statement.filter((s) => {
      if (!drop(s)) return true;
      removed.push(s);
      return false;
    });
  }
  writeFileSync(path, JSON.stringify(template));
  return { dir, removed };
}

describe('a role missing one statement fails the scenario that needs it, naming the denial', () => {
  it(
    'drain without its lifecycle-action statement: drain-scale-in fails with autoscaling:CompleteLifecycleAction denied on the ASG ARN',
    async () => {
      const scenario = loadScenarioFile(join(repoRoot, FILE), FILE);
      const packageDir = scenario.configFile !== undefined ? await packageConfigFile(scenario.configFile) : await packageConfigText(scenario.configText);

      const intact = await runScenario(scenario, { packageDir });
      expect(intact.iam.denials).toEqual([]);
      expect(intact.passed).toBe(true);

      const grants = (s: Record<string, unknown>) => JSON.stringify(s.Action).includes('autoscaling:CompleteLifecycleAction');
      const { dir, removed } = withoutStatement(packageDir, 'DrainIamRoleLambdaExecution', grants);
      expect(removed).toHaveLength(1);
      const report = await runScenario(scenario, { packageDir: dir });

      expect(report.passed).toBe(false);
      const asgArn = /^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[0-9a-f-]+:autoScalingGroupName\/[\w-]+$/;
      expect(report.iam.denials.length).toBeGreaterThan(0);
      // The statement granted the heartbeat too: both are denied, nothing else.
      for (const d of report.iam.denials) {
        expect(d.principal).toBe('drain');
        expect(['autoscaling:CompleteLifecycleAction', 'autoscaling:RecordLifecycleActionHeartbeat']).toContain(d.action);
        expect(d.operation).toBe(d.action);
        expect(d.resource).toMatch(asgArn);
      }
      expect(report.iam.denials.some((d) => d.action === 'autoscaling:CompleteLifecycleAction')).toBe(true);
      const invariant = report.expectations.find((e) => e.type === 'noAccessDenied');
      expect(invariant?.passed).toBe(false);
      expect(invariant?.detail).toMatch(/drain autoscaling:CompleteLifecycleAction: autoscaling:CompleteLifecycleAction on arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:/);
      // The scenario's own expectations see the consequence: no lifecycle action completed by ecs-ops.
      expect(report.expectations.filter((e) => !e.invariant && !e.passed).length).toBeGreaterThan(0);
    },
    PACKAGING_TIMEOUT_MS * 2,
  );
});
