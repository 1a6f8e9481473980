/**
 * `npm run package|deploy|remove|info|logs -- [--stage S] [--region R] [--aws-profile P] [osls options]`: resolves the
 * one region (lib/deploy/region.ts), prepares `.ecs-ops/deploy.json` (package, deploy), says account, region and
 * stage and refuses a stage whose clusters another ecs-ops stage already looks after (deploy), then runs osls with
 * `--stage` and `--region` spelled out. Other options go to osls unchanged (`npm run logs -- -f drain --tail`).
 *
 * remove, info and logs need no config and no package: serverless.yml falls back to lib/deploy/unpackaged.json when
 * .ecs-ops/deploy.json is absent. A config file, when there is one, still gives its `region`.
 *
 * Exit codes: osls's own; 2 for bad input (config, region, flags); 3 when AWS could not be asked (credentials).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { STSClient } from '@aws-sdk/client-sts';
import { loadConfigFile } from '../config/index.js';
import { main as ecsOps } from '../cli/main.js';
import { deployPreflight, formatOverlaps, type PreflightClients } from './preflight.js';
import { prepare, PrepareError, writeDeployJson } from './prepare.js';
import { noRegionHint, RegionError, resolveRegion, type ResolvedRegion } from './region.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MODES = ['package', 'deploy', 'remove', 'info', 'logs'] as const;
export type Mode = (typeof MODES)[number];
/** serverless.yml's default stage (`${opt:stage, 'prod'}`). */
export const DEFAULT_STAGE = 'prod';

export interface OslsArgs {
  mode: Mode;
  stage: string;
  region?: string | undefined;
  profile?: string | undefined;
  /** `--skip-verify` (or ECS_OPS_SKIP_VERIFY=1): deploy without running `ecs-ops verify` first. */
  skipVerify: boolean;
  /** Options passed to osls unchanged. */
  rest: string[];
}

const VALUE_OPTIONS: Record<string, 'stage' | 'region' | 'profile'> = {
  '--stage': 'stage',
  '-s': 'stage',
  '--region': 'region',
  '-r': 'region',
  '--aws-profile': 'profile',
};

/** Splits the command line into what ecs-ops resolves (stage, region, profile) and what osls gets as is. */
export function parseOslsArgs(argv: string[]): OslsArgs {
  const [mode, ...args] = argv;
  if (!MODES.includes(mode as Mode)) throw new PrepareError(`usage: npm run ${MODES.join('|')} -- [--stage STAGE] [--region REGION] [--aws-profile PROFILE] [--skip-verify] [osls options]`);
  const found: Partial<Record<'stage' | 'region' | 'profile', string>> = {};
  const rest: string[] = [];
  let skipVerify = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (arg === '--skip-verify') {
      skipVerify = true;
      continue;
    }
    const key = VALUE_OPTIONS[name];
    if (key === undefined) {
      rest.push(arg);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || value === '' || value.startsWith('-')) throw new PrepareError(`ecs-ops: ${name} needs a value`);
    found[key] = value;
  }
  const stage = found.stage ?? DEFAULT_STAGE;
  // osls stage names become part of the stack and function names (letters, digits, hyphens).
  if (!/^[A-Za-z0-9-]+$/.test(stage)) throw new PrepareError(`ecs-ops: --stage "${stage}": use letters, digits and hyphens`);
  return { mode: mode as Mode, stage, region: found.region, profile: found.profile, skipVerify, rest };
}

/** osls names the stack `<service>-<stage>` (serverless.yml: service ecs-ops). */
export function stackName(stage: string): string {
  return `ecs-ops-${stage}`;
}

/** The region for remove/info/logs: flag, then a config file's region if one loads, then the environment/profile. */
async function lifecycleRegion(args: OslsArgs, configPath: string, env: NodeJS.ProcessEnv): Promise<ResolvedRegion | undefined> {
  let configRegion: string | undefined;
  if (existsSync(configPath)) {
    try {
      configRegion = loadConfigFile(configPath).config.region;
    } catch {
      // A broken config must not stand in the way of removing or inspecting a stack: its region is just not used.
      process.stderr.write(`ecs-ops: note: ${configPath} does not load; its region (if any) is not used\n`);
    }
  }
  return resolveRegion({ flag: args.region, configRegion, env, profile: args.profile });
}

export interface RunDependencies {
  env: NodeJS.ProcessEnv;
  /** Where .ecs-ops/deploy.json is written (the repository root, next to serverless.yml). */
  root: string;
  out: (line: string) => void;
  err: (line: string) => void;
  preflightClients: (region: string, profile: string | undefined) => PreflightClients;
  /** `ecs-ops verify` of the config against the account (its exit code; it prints its own findings). */
  verify: (target: { configPath: string; region: string; profile: string | undefined; env: NodeJS.ProcessEnv }) => Promise<number>;
  runOsls: (args: string[], env: NodeJS.ProcessEnv) => number;
}

/** Everything but the process: returns the exit code. */
export async function runOsls(argv: string[], deps: RunDependencies): Promise<number> {
  try {
    const args = parseOslsArgs(argv);
    const configPath = deps.env.ECS_OPS_CONFIG ?? 'ecs-ops.config.yml';
    const env = { ...deps.env, ...(args.profile !== undefined && { AWS_PROFILE: args.profile }) };
    let region: ResolvedRegion | undefined;
    if (args.mode === 'package' || args.mode === 'deploy') {
      const prepared = await prepare(args.mode, { configPath, regionFlag: args.region, profile: args.profile, env });
      for (const line of prepared.warnings) deps.err(line);
      region = prepared.region;
      if (args.mode === 'deploy' && region !== undefined) {
        const clients = deps.preflightClients(region.region, args.profile);
        let result;
        try {
          result = await deployPreflight(clients, { stackName: stackName(args.stage), clusters: prepared.config.clusters.map((c) => c.name) });
        } catch (error) {
          deps.err(`ecs-ops: cannot check the account before deploying (${region.region}): ${error instanceof Error ? error.message : String(error)}`);
          deps.err('Hint: check your AWS credentials (aws sts get-caller-identity) and that they may call cloudformation:DescribeStacks.');
          return 3;
        }
        deps.out(`ecs-ops: deploying stage ${args.stage} (stack ${stackName(args.stage)}) to account ${result.account}, region ${region.region} (from ${region.from}) as ${result.arn}`);
        if (result.overlaps.length > 0) {
          deps.err(formatOverlaps(result.overlaps, region.region, result.account, args.stage));
          return 2;
        }
        // The account must hold what the config names (clusters, ASGs and hooks, parameters, topics, task
        // definitions) before anything is built: ecs-ops verify, skippable (e.g. deploying before the ASGs exist).
        if (!args.skipVerify && deps.env.ECS_OPS_SKIP_VERIFY !== '1') {
          const verified = await deps.verify({ configPath, region: region.region, profile: args.profile, env });
          if (verified !== 0) {
            deps.err(`ecs-ops: not deploying: ecs-ops verify ${verified === 1 ? 'found the problems above' : 'could not check the account'}. Fix them, or deploy anyway with npm run deploy -- --skip-verify.`);
            return verified;
          }
        }
      }
      writeDeployJson(prepared.values, deps.root);
      deps.out(`ecs-ops: ${resolve(configPath)} is valid; wrote .ecs-ops/deploy.json for ${args.mode}`);
    } else {
      region = await lifecycleRegion(args, configPath, env);
      if (region === undefined) throw new PrepareError(`ecs-ops: cannot ${args.mode}: ${noRegionHint(args.mode)}.`);
      deps.out(`ecs-ops: ${args.mode} stage ${args.stage} (stack ${stackName(args.stage)}) in region ${region.region} (from ${region.from})`);
    }
    const oslsArgs = [args.mode, '--stage', args.stage, ...(region ? ['--region', region.region] : []), ...(args.profile ? ['--aws-profile', args.profile] : []), ...args.rest];
    return deps.runOsls(oslsArgs, env);
  } catch (error) {
    if (error instanceof PrepareError || error instanceof RegionError) {
      deps.err(error instanceof RegionError ? `ecs-ops: ${error.message}` : error.message);
      return 2;
    }
    throw error;
  }
}

/* v8 ignore start -- the process around runOsls */
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const code = await runOsls(process.argv.slice(2), {
    env: process.env,
    root: REPO_ROOT,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    preflightClients: (region, profile) => ({
      sts: new STSClient({ region, ...(profile !== undefined && { profile }) }),
      cloudFormation: new CloudFormationClient({ region, ...(profile !== undefined && { profile }) }),
    }),
    verify: ({ configPath, region, profile, env }) =>
      ecsOps(['verify', '--config', configPath, '--region', region, ...(profile === undefined ? [] : ['--profile', profile])], { stdout: process.stdout, stderr: process.stderr, env, cwd: process.cwd() }),
    runOsls: (args, env) => {
      const result = spawnSync(join(REPO_ROOT, 'node_modules/.bin/osls'), args, { stdio: 'inherit', env, cwd: REPO_ROOT });
      return result.status ?? 1;
    },
  });
  process.exitCode = code;
}
/* v8 ignore stop */
