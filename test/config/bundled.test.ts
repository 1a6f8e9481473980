import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundledConfigError, bundledConfigDigest, readBundledConfig } from '../../lib/config/bundled.js';
import { loadConfigFile } from '../../lib/config/index.js';
import { repoRoot } from '../support/fixtures.js';

// What prepare.ts bundles: the validated example config's JSON text and its digest.
const config = loadConfigFile(join(repoRoot, 'ecs-ops.config.example.yml')).config;
const json = JSON.stringify(config);

describe('the bundled config (validated at package time, trusted at cold start)', () => {
  it('is read back as the validated config when its digest matches', () => {
    expect(readBundledConfig(json, bundledConfigDigest(json))).toEqual(config);
  });

  it('names the format version and the SHA-256 of the exact text in its digest', () => {
    expect(bundledConfigDigest(json)).toMatch(/^v1:sha256:[0-9a-f]{64}$/);
    expect(bundledConfigDigest(`${json} `)).not.toBe(bundledConfigDigest(json));
  });

  it('refuses text altered after validation, naming both digests', () => {
    const altered = json.replace('"dedupeWindow":900', '"dedupeWindow":1');
    expect(altered).not.toBe(json);
    expect(() => readBundledConfig(altered, bundledConfigDigest(json))).toThrow(BundledConfigError);
    expect(() => readBundledConfig(altered, bundledConfigDigest(json))).toThrow(/does not match its digest \(expected v1:sha256:[0-9a-f]{64}, got v1:sha256:[0-9a-f]{64}\)/);
  });

  it('refuses a bundle built without `npm run package` (no config, or no digest)', () => {
    expect(() => readBundledConfig(undefined, undefined)).toThrow(/no config was bundled/);
    expect(() => readBundledConfig(json, undefined)).toThrow(/without its digest/);
  });

  it('refuses a config of another format version even with a matching digest', () => {
    const v2 = JSON.stringify({ ...config, version: 2 });
    expect(() => readBundledConfig(v2, bundledConfigDigest(v2))).toThrow(/has version 2; this function reads version 1/);
  });

  it('keeps the config schema out of the runtime module (only a type import)', () => {
    const source = readFileSync(join(repoRoot, 'lib/config/bundled.ts'), 'utf8');
    expect(source).not.toMatch(/^import (?!type ).*from '\.\/schema\.js'/m);
  });
});
