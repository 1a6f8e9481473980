/**
 * SDK client settings for the live commands (verify, status) from the command's environment (the process
 * environment from a shell; tests give their own): the region (AWS_REGION, else AWS_DEFAULT_REGION), the endpoint
 * (AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL: how the simulator is reached) and static keys when set; without
 * keys the SDK's default chain (profiles, SSO, instance roles) finds the credentials.
 */
export interface LiveClientConfig {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts: number;
  retryMode: 'adaptive';
}

type Env = Readonly<Record<string, string | undefined>>;

const set = (value: string | undefined): value is string => value !== undefined && value !== '';

/** The region of the environment, or undefined when none is set. */
export function regionOf(env: Env): string | undefined {
  return [env.AWS_REGION, env.AWS_DEFAULT_REGION].find(set);
}

/** `service` as in the SDK's service-specific endpoint variable: `ECS`, `AUTO_SCALING`, `SSM`, `SNS`, ... */
export function liveClientConfig(env: Env, region: string, service: string): LiveClientConfig {
  const endpoint = [env[`AWS_ENDPOINT_URL_${service}`], env.AWS_ENDPOINT_URL].find(set);
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  const sessionToken = env.AWS_SESSION_TOKEN;
  return {
    region,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(set(accessKeyId) && set(secretAccessKey) ? { credentials: { accessKeyId, secretAccessKey, ...(set(sessionToken) ? { sessionToken } : {}) } } : {}),
    maxAttempts: 4,
    retryMode: 'adaptive',
  };
}

/** One line for an AWS or credential error: its name and message, and what to check. */
export function awsErrorLine(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
  const credentials = /Credential|UnrecognizedClient|InvalidClientTokenId|ExpiredToken|SignatureDoesNotMatch/.test(`${name} ${message}`);
  const hint = credentials
    ? 'check the credentials (AWS_PROFILE, aws sso login, AWS_ACCESS_KEY_ID)'
    : name === 'AccessDeniedException' || name === 'AccessDenied' || name === 'AuthorizationError'
      ? 'the operator role needs the read-only permissions listed in docs/operations.md'
      : 'check the region and the network';
  return `${name}: ${message} (${hint})`;
}
