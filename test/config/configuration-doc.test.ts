import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIGURATION_DOC_PATH, configProperties, renderConfigurationDoc } from '../../lib/config/configuration-doc.js';

const ROOT = join(import.meta.dirname, '../..');

describe('configuration reference (docs/configuration.md)', () => {
  it('describes every property of the config schema (a .describe() in lib/config/schema.ts)', () => {
    const rows = configProperties();
    expect(rows.length).toBeGreaterThan(90);
    expect(rows.filter((r) => r.description === undefined || r.description.trim() === '').map((r) => r.path)).toEqual([]);
  });

  it('lists the channel kinds and their own properties', () => {
    const paths = configProperties().map((r) => r.path);
    expect(paths).toContain('notifications.channels[].webhookParameter');
    expect(paths).toContain('notifications.channels[].topicArn');
    expect(paths).toContain('notifications.channels[].kmsKeyArn (type sns)');
  });

  it(`is committed up to date in ${CONFIGURATION_DOC_PATH} (run \`npm run schema\` after changing lib/config/schema.ts)`, () => {
    expect(readFileSync(join(ROOT, CONFIGURATION_DOC_PATH), 'utf8')).toBe(renderConfigurationDoc());
  });
});
