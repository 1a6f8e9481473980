/**
 * `npm run schema`: regenerates schema/ecs-ops.config.schema.json and docs/configuration.md from the zod schema.
 * Tests fail when a committed file differs from what this writes, so run it after changing lib/config/schema.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIGURATION_DOC_PATH, renderConfigurationDoc } from './configuration-doc.js';
import { JSON_SCHEMA_PATH, renderConfigJsonSchema } from './json-schema.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const target = resolve(root, JSON_SCHEMA_PATH);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderConfigJsonSchema());
process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);

const doc = resolve(root, CONFIGURATION_DOC_PATH);
mkdirSync(dirname(doc), { recursive: true });
writeFileSync(doc, renderConfigurationDoc());
process.stdout.write(`wrote ${CONFIGURATION_DOC_PATH}\n`);
