import { describe, expect, it } from 'vitest';
import { formatConfigErrors, parseConfig } from '../../../lib/config/index.js';

const MINIMAL = `version: 1
clusters:
  - name: prod
notifications:
  channels:
    - name: ops
      type: slack
      webhookParameter: /ecs-ops/slack/ops
`;

function errors(text: string): string[] {
  const result = parseConfig(MINIMAL + text, 'test.yml');
  if (result.ok) throw new Error('expected errors');
  return formatConfigErrors(result.errors, 'test.yml');
}

describe('placement policy config', () => {
  it('fills the safety settings with defaults', () => {
    const result = parseConfig(`${MINIMAL}placement:\n  policies:\n    - name: spread\n      select: {}\n      rules: { azBalance: { maxSkew: 1 } }\n`, 'test.yml');
    if (!result.ok) throw new Error(formatConfigErrors(result.errors, 'test.yml').join('\n'));
    expect(result.config.placement).toMatchObject({ dryRun: true, minTaskAge: 600, maxStopsPerCluster: 2, cooldown: 600, auditEvery: 900 });
    expect(result.config.placement.policies[0]?.mode).toBe('audit');
  });

  it('rejects an instanceMatch expression with its config path, line and the position in the expression', () => {
    const out = errors(`placement:\n  policies:\n    - name: types\n      select: {}\n      rules:\n        instanceMatch: 'attribute:ecs.instance-type t2.small'\n`);
    expect(out.join('\n')).toMatch(/test\.yml:14:\d+ .*placement\.policies\[0\]\.rules\.instanceMatch.*at character 29: expected an operator/s);
    expect(out.join('\n')).toContain('^');
  });

  it('rejects an invalid /regex/ service selector and an unknown selector field', () => {
    const bad = errors(`placement:\n  policies:\n    - name: p\n      select: { services: ['/web(/'] }\n      rules: { maxPerInstance: 1 }\n`).join('\n');
    expect(bad).toMatch(/placement\.policies\[0\]\.select\.services\[0\].*invalid regular expression \/web\(\//s);
    const unknown = errors(`placement:\n  policies:\n    - name: p\n      select: { service: [web] }\n      rules: { maxPerInstance: 1 }\n`).join('\n');
    expect(unknown).toMatch(/placement\.policies\[0\]\.select.*service/s);
  });

  it('a spot rule needs maxShare or minOnDemandTasks', () => {
    expect(errors(`placement:\n  policies:\n    - name: p\n      select: {}\n      rules: { spot: {} }\n`).join('\n')).toContain('set maxShare, minOnDemandTasks or both');
  });
});
