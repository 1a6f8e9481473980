/**
 * Validates the config named by ECS_OPS_CONFIG (default ecs-ops.config.yml) and writes `.ecs-ops/deploy.json`, which
 * serverless.yml reads for the region, rule patterns, IAM statements, stack outputs and the config bundled into the
 * functions. Invalid config fails here, before anything is built.
 *
 * `npm run package|deploy|remove|info|logs` run lib/deploy/osls.ts, which calls this and then osls. Run directly
 * (`tsx lib/deploy/prepare.ts package|deploy [--region R]`, as the simulator's packager does) it only writes the file.
 */
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigLoadError, formatConfigErrors, loadConfigFile, type EcsOpsConfig } from '../config/index.js';
import { configWarnings, formatConfigWarnings } from '../config/warnings.js';
import { noRegionHint, RegionError, resolveRegion, type ResolvedRegion } from './region.js';
import { deploymentValues, type DeploymentValues } from './values.js';
import { bundledConfigDigest } from '../config/bundled.js';

const EXAMPLE_ACCOUNT = '123456789012';
export const DEPLOY_JSON_PATH = '.ecs-ops/deploy.json';
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The config as the functions receive it: validated here, once, and bundled as plain data with its digest (esbuild
 * `define`s both, see serverless.yml); the running function checks the digest instead of re-validating
 * (lib/config/bundled.ts). Both are JS string literals.
 */
function bundledConfigValues(config: EcsOpsConfig): { configLiteral: string; configDigest: string } {
  const json = JSON.stringify(config);
  return { configLiteral: JSON.stringify(json), configDigest: JSON.stringify(bundledConfigDigest(json)) };
}

/** A refusal with its message for the user (exit 2: bad input, nothing written). */
export class PrepareError extends Error {}

/** `.ecs-ops/deploy.json`: the config's deployment values plus what the deployment itself is. */
export interface DeployJson extends DeploymentValues {
  /** Built from the example config (or one naming its account): never deployable (deploy-guard.cjs). */
  exampleConfig: boolean;
  /** Written by prepare.ts from a config (lib/deploy/unpackaged.json, used when there is none, says false). */
  packaged: true;
  /** serverless.yml's provider.region; null when packaged offline without a known region (not deployable). */
  region: string | null;
  /** Where the region came from (--region, config, AWS_REGION, AWS_DEFAULT_REGION, profile), or null. */
  regionSource: string | null;
  /** The bundled config's digest, a JS string literal (lib/config/bundled.ts checks it instead of re-validating). */
  configDigest: string;
  /** package.json's version: the stack output EcsOpsVersion. */
  version: string;
  /** The configured cluster names, comma-separated: the stack output EcsOpsClusters (lib/deploy/preflight.ts). */
  clusters: string;
}

export interface Prepared {
  configPath: string;
  config: EcsOpsConfig;
  values: DeployJson;
  region: ResolvedRegion | undefined;
  warnings: string[];
}

export function packageVersion(root: string = REPO_ROOT): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Loads and checks the config, resolves the region and computes deploy.json (not written). `deploy` refuses the
 * example config and a missing region; `package` accepts a missing region with a warning (CI packages offline).
 */
export async function prepare(
  mode: 'package' | 'deploy',
  options: { configPath: string; regionFlag?: string | undefined; profile?: string | undefined; env: NodeJS.ProcessEnv },
): Promise<Prepared> {
  const { configPath } = options;
  if (!existsSync(configPath)) {
    throw new PrepareError(
      `ecs-ops: no config file at ${configPath}.\n` +
        'Copy ecs-ops.config.example.yml to ecs-ops.config.yml and describe your clusters, or set ECS_OPS_CONFIG=<file>.',
    );
  }
  let loaded;
  try {
    loaded = loadConfigFile(configPath);
  } catch (error) {
    if (error instanceof ConfigLoadError) throw new PrepareError(formatConfigErrors(error.errors, configPath).join('\n'));
    throw error;
  }
  // Packaging the example is how tests and CI work; deploying it never makes sense (see deploy-guard.cjs).
  const exampleConfig = basename(configPath) === 'ecs-ops.config.example.yml' || loaded.text.includes(EXAMPLE_ACCOUNT);
  if (mode === 'deploy' && exampleConfig) {
    throw new PrepareError(
      `ecs-ops: refusing to deploy ${configPath}: it is the example config (account ${EXAMPLE_ACCOUNT}).\n` +
        'Write your own ecs-ops.config.yml (clusters, ASGs, Slack parameter, SNS topic) and deploy that.',
    );
  }
  let region: ResolvedRegion | undefined;
  try {
    region = await resolveRegion({ flag: options.regionFlag, configRegion: loaded.config.region, env: options.env, profile: options.profile });
  } catch (error) {
    if (error instanceof RegionError) throw new PrepareError(`ecs-ops: ${error.message}`);
    throw error;
  }
  const warnings = formatConfigWarnings(configWarnings(loaded.config), loaded.text, configPath);
  if (region === undefined) {
    if (mode === 'deploy') throw new PrepareError(`ecs-ops: refusing to deploy: ${noRegionHint('deploy')}.`);
    // The packaged template names no region (every ARN uses AWS::Region), so packaging offline without one is
    // useful (CI, tests); deploy-guard.cjs refuses to deploy such a package.
    warnings.push(`ecs-ops: warning: ${noRegionHint('package')}. Packaging anyway (the template is region-independent); this package cannot be deployed.`);
  }
  const values: DeployJson = {
    ...deploymentValues(loaded.config),
    ...bundledConfigValues(loaded.config),
    exampleConfig,
    packaged: true,
    region: region?.region ?? null,
    regionSource: region?.source ?? null,
    version: packageVersion(),
    clusters: loaded.config.clusters.map((c) => c.name).join(','),
  };
  return { configPath, config: loaded.config, values, region, warnings };
}

export function writeDeployJson(values: DeployJson, root: string = process.cwd()): void {
  mkdirSync(join(root, '.ecs-ops'), { recursive: true });
  writeFileSync(join(root, DEPLOY_JSON_PATH), `${JSON.stringify(values, null, 2)}\n`);
}

async function main(argv: string[]): Promise<void> {
  const [mode, ...rest] = argv;
  if (mode !== 'package' && mode !== 'deploy') throw new PrepareError('usage: prepare.ts package|deploy [--region REGION]');
  const regionAt = rest.indexOf('--region');
  const regionFlag = regionAt >= 0 ? rest[regionAt + 1] : undefined;
  const configPath = process.env.ECS_OPS_CONFIG ?? 'ecs-ops.config.yml';
  const prepared = await prepare(mode, { configPath, regionFlag, env: process.env });
  for (const line of prepared.warnings) process.stderr.write(`${line}\n`);
  writeDeployJson(prepared.values);
  process.stdout.write(`ecs-ops: ${resolve(configPath)} is valid; wrote ${DEPLOY_JSON_PATH} for ${mode}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof PrepareError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  });
}
