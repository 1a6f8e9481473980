/**
 * `npm run package` / `npm run deploy` run this first: it validates the config named by ECS_OPS_CONFIG
 * (default ecs-ops.config.yml) and writes `.ecs-ops/deploy.json`, which serverless.yml reads for rule patterns,
 * IAM statements and the config bundled into the functions. Invalid config fails here, before anything is built.
 */
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ConfigLoadError, formatConfigErrors, loadConfigFile } from '../config/index.js';
import { configWarnings, formatConfigWarnings } from '../config/warnings.js';
import { deploymentValues } from './values.js';
import { main as ecsOps } from '../cli/main.js';

const EXAMPLE_ACCOUNT = '123456789012';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const mode = process.argv[2];
if (mode !== 'package' && mode !== 'deploy') fail('usage: prepare.ts package|deploy');

const configPath = process.env.ECS_OPS_CONFIG ?? 'ecs-ops.config.yml';
if (!existsSync(configPath)) {
  fail(
    `ecs-ops: no config file at ${configPath}.\n` +
      'Copy ecs-ops.config.example.yml to ecs-ops.config.yml and describe your clusters, or set ECS_OPS_CONFIG=<file>.',
  );
}

try {
  const loaded = loadConfigFile(configPath);
  // Packaging the example is how tests and CI work; deploying it never makes sense (see deploy-guard.cjs).
  const exampleConfig = basename(configPath) === 'ecs-ops.config.example.yml' || loaded.text.includes(EXAMPLE_ACCOUNT);
  const values = { ...deploymentValues(loaded.config), exampleConfig };
  if (mode === 'deploy' && exampleConfig) {
    fail(
      `ecs-ops: refusing to deploy ${configPath}: it is the example config (account ${EXAMPLE_ACCOUNT}).\n` +
        'Write your own ecs-ops.config.yml (clusters, ASGs, Slack parameter, SNS topic) and deploy that.',
    );
  }
  // `npm run deploy` checks the account first (ecs-ops verify: clusters, ASGs and hooks, parameters, topics, task
  // definitions); ECS_OPS_SKIP_VERIFY=1 skips it (e.g. deploying before the ASGs exist).
  if (mode === 'deploy' && process.env.ECS_OPS_SKIP_VERIFY !== '1') {
    const verified = await ecsOps(['verify', '--config', configPath], { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
    if (verified !== 0) {
      process.stderr.write(`ecs-ops: not deploying: ecs-ops verify ${verified === 1 ? 'found the problems above' : 'could not check the account'}. Fix them, or deploy anyway with ECS_OPS_SKIP_VERIFY=1 npm run deploy.\n`);
      process.exit(verified);
    }
  }
  for (const line of formatConfigWarnings(configWarnings(loaded.config), loaded.text, configPath)) process.stderr.write(`${line}\n`);
  mkdirSync('.ecs-ops', { recursive: true });
  writeFileSync('.ecs-ops/deploy.json', `${JSON.stringify(values, null, 2)}\n`);
  process.stdout.write(`ecs-ops: ${resolve(configPath)} is valid; wrote .ecs-ops/deploy.json for ${mode}\n`);
} catch (error) {
  if (error instanceof ConfigLoadError) fail(formatConfigErrors(error.errors, configPath).join('\n'));
  throw error;
}
