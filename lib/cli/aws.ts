/**
 * Where a command's AWS calls go: region, profile, credentials and endpoint from `--region`/`--profile` and the
 * command's environment (CliIo.env: the process environment from a shell, a test's own otherwise), handed to the SDK's
 * own loaders and providers rather than reimplemented:
 *
 * - region: --region, else AWS_REGION, else AWS_DEFAULT_REGION (the AWS CLI's variable, which the JS SDK ignores but
 *   users set), else the profile's `region` in the shared config files, read by the SDK's loadSharedConfigFiles.
 *   No instance-metadata lookup (the SDK's last resort): a laptop tool would wait a second for it to time out.
 * - credentials: with a profile (--profile, else AWS_PROFILE), the SDK's provider chain for it (`profile` client
 *   option: SSO, assume role, process, the profile's keys); like the SDK, a profile wins over static keys in the
 *   environment (AWS_ACCESS_KEY_ID, ...), used otherwise; without either, the SDK's default chain (SSO, container
 *   and instance roles).
 * - endpoint: AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL (the SDK's variables; how the simulator is reached).
 */

/**
 * A problem with how to reach AWS that the SDK would only report later, less clearly (no region): one line with
 * what to do, exit code 3.
 */
export class AwsSetupError extends Error {
  override readonly name = 'AwsSetupError';

  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export const NO_REGION_HINT = 'pass --region, set AWS_REGION or a profile region';

export interface AwsClientConfig {
  region: string;
  profile?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  endpoint?: string;
}

export interface AwsTarget {
  region: string;
  /** The profile named by --profile or AWS_PROFILE, if any. */
  profile?: string;
  /** The endpoint override in use for `serviceId` (e.g. 'ECS', 'Auto Scaling'), if any: the simulator's URL. */
  endpoint(serviceId: string): string | undefined;
  /** Client options for an SDK v3 client of `serviceId`; spread retry options next to them. */
  clientConfig(serviceId: string): AwsClientConfig;
}

type Env = Readonly<Record<string, string | undefined>>;

const set = (value: string | undefined): value is string => value !== undefined && value !== '';

/** The profile's region from the shared config and credentials files: the deploy scripts' reader (the SDK's loader). */
async function profileRegion(env: Env, profile: string): Promise<string | undefined> {
  // Loaded here, not at start-up: `ecs-ops --help` should not pay for the SDK.
  const { profileRegion: readProfileRegion } = await import('../deploy/region.js');
  return readProfileRegion({
    profile,
    ...(set(env.AWS_SHARED_CREDENTIALS_FILE) ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    ...(set(env.AWS_CONFIG_FILE) ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
  });
}

export async function resolveAwsTarget(env: Env, flags: { region?: string; profile?: string }): Promise<AwsTarget> {
  if (flags.region === '') throw new AwsSetupError('--region is empty', NO_REGION_HINT);
  if (flags.profile === '') throw new AwsSetupError('--profile is empty', 'name a profile of ~/.aws/config');
  const profile = flags.profile ?? (set(env.AWS_PROFILE) ? env.AWS_PROFILE : undefined);
  const region = flags.region ?? (set(env.AWS_REGION) ? env.AWS_REGION : undefined) ?? (set(env.AWS_DEFAULT_REGION) ? env.AWS_DEFAULT_REGION : undefined) ?? (await profileRegion(env, profile ?? 'default'));
  if (region === undefined || region === '') throw new AwsSetupError(`no AWS region${profile !== undefined ? ` (profile "${profile}" names none)` : ''}`, NO_REGION_HINT);
  const staticKeys =
    profile === undefined && set(env.AWS_ACCESS_KEY_ID) && set(env.AWS_SECRET_ACCESS_KEY)
      ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, ...(set(env.AWS_SESSION_TOKEN) ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) }
      : undefined;
  const endpoint = (serviceId: string): string | undefined => {
    const specific = env[`AWS_ENDPOINT_URL_${serviceId.toUpperCase().replace(/ /g, '_')}`];
    if (set(specific)) return specific;
    return set(env.AWS_ENDPOINT_URL) ? env.AWS_ENDPOINT_URL : undefined;
  };
  return {
    region,
    ...(profile !== undefined ? { profile } : {}),
    endpoint,
    clientConfig(serviceId) {
      const url = endpoint(serviceId);
      return {
        region,
        ...(staticKeys ? { credentials: staticKeys } : profile !== undefined ? { profile } : {}),
        ...(url !== undefined ? { endpoint: url } : {}),
      };
    },
  };
}
