import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
type Hooks = Record<string, () => void>;
const Guard = require('../../lib/deploy/deploy-guard.cjs') as new (serverless: unknown, options?: Record<string, unknown>) => { hooks: Hooks };

class ServerlessError extends Error {}

function hooksFor(deploy: Record<string, unknown>, options: Record<string, unknown> = {}): Hooks {
  return new Guard({ service: { custom: { deploy } }, classes: { Error: ServerlessError } }, options).hooks;
}

const packaged = { packaged: true, exampleConfig: false, region: 'eu-west-1' };

describe('deploy-guard.cjs', () => {
  it('refuses to package or deploy from lib/deploy/unpackaged.json (no prepared deploy.json)', () => {
    const unpackaged = { packaged: false, exampleConfig: true, region: null };
    expect(() => hooksFor(unpackaged)['before:package:initialize']?.()).toThrow('no .ecs-ops/deploy.json');
    expect(() => hooksFor(unpackaged)['before:deploy:deploy']?.()).toThrow('no .ecs-ops/deploy.json');
  });

  it('refuses the example config, a package without a region, and a --region other than the prepared one', () => {
    expect(() => hooksFor({ ...packaged, exampleConfig: true })['before:deploy:deploy']?.()).toThrow('example config');
    expect(() => hooksFor({ ...packaged, region: null })['before:deploy:function:initialize']?.()).toThrow('prepared without a region');
    expect(() => hooksFor(packaged, { region: 'us-east-1' })['before:deploy:deploy']?.()).toThrow('the package was prepared for eu-west-1');
    expect(() => hooksFor(packaged, { region: 'eu-west-1' })['before:deploy:deploy']?.()).not.toThrow();
  });

  it('lets remove, info and logs run with a region from --region or deploy.json, never with none', () => {
    const unpackaged = { packaged: false, region: null };
    expect(() => hooksFor(unpackaged)['before:remove:remove']?.()).toThrow('no region for remove');
    expect(() => hooksFor(unpackaged, { region: 'eu-west-1' })['before:info:info']?.()).not.toThrow();
    expect(() => hooksFor(packaged)['before:logs:logs']?.()).not.toThrow();
  });
});
