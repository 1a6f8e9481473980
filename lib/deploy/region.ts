/**
 * The one region ecs-ops is packaged, deployed, removed and inspected in. EventBridge rules are regional: a stack in
 * the wrong region deploys cleanly and never fires, so the region is resolved once, said out loud, and written to
 * `.ecs-ops/deploy.json`, from which serverless.yml takes `provider.region`.
 *
 * Order (first found wins):
 *   1. `--region` on the command line;
 *   2. `region` in the config file (where the configured clusters are); a `--region` that differs is refused;
 *   3. the environment, as the CLI's clients read it (lib/aws/clients.ts): `AWS_REGION`, then `AWS_DEFAULT_REGION`
 *      (the AWS CLI's variable; the JS SDK reads only AWS_REGION);
 *   4. the `region` of the shared config profile (AWS_PROFILE or `--aws-profile`, else `default`), read by the SDK's
 *      own loader (`loadConfig` with the SDK's region selectors, `@smithy/core/config`).
 * The SDK's last resort, the EC2 instance metadata service, is not asked: it is a network call that only answers on
 * EC2, and a deploy from a build host should name its region instead.
 */
import { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from '@smithy/core/config';

export type RegionSource = 'flag' | 'config' | 'AWS_REGION' | 'AWS_DEFAULT_REGION' | 'profile';

export interface ResolvedRegion {
  region: string;
  source: RegionSource;
  /** Human wording of where it came from, e.g. `the profile "ops" (~/.aws/config)`. */
  from: string;
}

export interface RegionInputs {
  flag?: string | undefined;
  configRegion?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** The shared-config profile (`--aws-profile`); else the SDK's own choice (AWS_PROFILE, then `default`). */
  profile?: string | undefined;
  /** For tests: the shared config and credentials files (default ~/.aws/config, ~/.aws/credentials, or their env vars). */
  configFilepath?: string;
  filepath?: string;
}

/** A region was given twice, differently, or in a shape no AWS region has. */
export class RegionError extends Error {}

/** Region codes as AWS spells them: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-7, cn-north-1. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function checked(region: string, where: string): string {
  const value = region.trim();
  if (!REGION_PATTERN.test(value)) throw new RegionError(`"${region}" (${where}) is not an AWS region code such as eu-west-1`);
  return value;
}

/** The region from the shared config/credentials files' profile, or undefined; never throws for a missing file. */
export async function profileRegion(inputs: { profile?: string | undefined; configFilepath?: string | undefined; filepath?: string | undefined }): Promise<string | undefined> {
  const provider = loadConfig<string | undefined>(
    {
      environmentVariableSelector: () => undefined,
      configFileSelector: NODE_REGION_CONFIG_OPTIONS.configFileSelector,
      default: () => undefined,
    },
    {
      ...NODE_REGION_CONFIG_FILE_OPTIONS,
      ...(inputs.profile !== undefined && { profile: inputs.profile }),
      ...(inputs.configFilepath !== undefined && { configFilepath: inputs.configFilepath }),
      ...(inputs.filepath !== undefined && { filepath: inputs.filepath }),
      ignoreCache: true,
    },
  );
  const value = await provider();
  return value === undefined || value === '' ? undefined : value;
}

/** The region, with where it came from; undefined when none of the four places names one. */
export async function resolveRegion(inputs: RegionInputs): Promise<ResolvedRegion | undefined> {
  const config = inputs.configRegion;
  if (inputs.flag !== undefined) {
    const region = checked(inputs.flag, '--region');
    if (config !== undefined && config !== region) {
      throw new RegionError(`--region ${region} differs from the config's region ${config}: the configured clusters are in ${config}`);
    }
    return { region, source: 'flag', from: '--region' };
  }
  if (config !== undefined) return { region: checked(config, 'config region'), source: 'config', from: 'the config file (region)' };
  const fromEnv = NODE_REGION_CONFIG_OPTIONS.environmentVariableSelector(inputs.env, undefined);
  if (fromEnv) return { region: checked(fromEnv, 'AWS_REGION'), source: 'AWS_REGION', from: 'AWS_REGION' };
  const defaultRegion = inputs.env.AWS_DEFAULT_REGION;
  if (defaultRegion) return { region: checked(defaultRegion, 'AWS_DEFAULT_REGION'), source: 'AWS_DEFAULT_REGION', from: 'AWS_DEFAULT_REGION' };
  // The loader would read process.env.AWS_PROFILE; the environment given here is the one that counts.
  const profile = inputs.profile ?? (inputs.env.AWS_PROFILE || undefined) ?? 'default';
  const fromProfile = await profileRegion({
    profile,
    configFilepath: inputs.configFilepath ?? (inputs.env.AWS_CONFIG_FILE || undefined),
    filepath: inputs.filepath ?? (inputs.env.AWS_SHARED_CREDENTIALS_FILE || undefined),
  });
  if (fromProfile) return { region: checked(fromProfile, `profile ${profile}`), source: 'profile', from: `the shared config profile "${profile}"` };
  return undefined;
}

/** What to say when no region is known. */
export function noRegionHint(command: string): string {
  return (
    `no AWS region: pass --region (npm run ${command} -- --region eu-west-1), set \`region:\` in the config file, set AWS_REGION, ` +
    'or give your AWS profile a region (aws configure set region eu-west-1)'
  );
}
