import type { SSMClient } from '@aws-sdk/client-ssm';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { silentLogger, type NotifyLogger } from './logger.js';

/**
 * Reads Slack incoming-webhook URLs from SSM SecureString parameters (Powertools Parameters, decrypted, cached for
 * `maxAgeSeconds` so warm invocations do not call SSM) and checks they are Slack webhook URLs.
 * Errors name the parameter, never its value.
 */

/** Set to `1` to also accept `http://127.0.0.1:<port>/…` URLs (tests and the local simulator). */
export const ALLOW_LOCAL_WEBHOOK_ENV = 'ECS_OPS_ALLOW_LOCAL_WEBHOOK';
export const DEFAULT_WEBHOOK_MAX_AGE_SECONDS = 300;
export const SLACK_WEBHOOK_ORIGIN = 'https://hooks.slack.com';

/** SSM / Powertools error names that will not go away by retrying. */
const PERMANENT_SSM_ERRORS = new Set([
  'ParameterNotFound',
  'ParameterNotFoundError',
  'ParameterVersionNotFound',
  'AccessDeniedException',
  'InvalidKeyId',
  'ValidationException',
]);

export class WebhookUrlError extends Error {
  override readonly name = 'WebhookUrlError';
  /** The SSM parameter name (never its value). */
  readonly parameter: string;
  /** True when retrying cannot help (missing parameter, access denied, not a Slack URL). */
  readonly permanent: boolean;

  constructor(parameter: string, message: string, permanent: boolean) {
    super(message);
    this.parameter = parameter;
    this.permanent = permanent;
  }
}

export interface WebhookUrlSourceOptions {
  ssmClient: SSMClient;
  /** Cache lifetime of a fetched value; default {@link DEFAULT_WEBHOOK_MAX_AGE_SECONDS}. */
  maxAgeSeconds?: number;
  /** Environment read for {@link ALLOW_LOCAL_WEBHOOK_ENV} at each call; default `process.env`. */
  env?: Record<string, string | undefined>;
  logger?: NotifyLogger;
}

/**
 * Why `value` is not an acceptable webhook URL, or `undefined` when it is. The reason never quotes the value.
 * Accepted: `https://hooks.slack.com/<path>`; with `allowLocal`, also `http://127.0.0.1:<port>/<path>`.
 */
export function webhookUrlProblem(value: string, allowLocal: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.username || url.password) return 'must not contain credentials';
  const isSlack = url.protocol === 'https:' && url.hostname === 'hooks.slack.com' && url.port === '' && url.pathname.length > 1;
  if (isSlack) return undefined;
  const isLocal = url.protocol === 'http:' && url.hostname === '127.0.0.1' && url.port !== '';
  if (isLocal && allowLocal) return undefined;
  if (isLocal) return `is a local URL, accepted only when ${ALLOW_LOCAL_WEBHOOK_ENV}=1`;
  return `is not a Slack incoming-webhook URL (${SLACK_WEBHOOK_ORIGIN}/…)`;
}

function errorNames(error: unknown): string[] {
  const names: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    names.push(current.name);
    current = current.cause;
  }
  return names;
}

export class WebhookUrlSource {
  private readonly provider: SSMProvider;
  private readonly maxAgeSeconds: number;
  private readonly env: Record<string, string | undefined>;
  private readonly logger: NotifyLogger;

  constructor(options: WebhookUrlSourceOptions) {
    this.provider = new SSMProvider({ awsSdkV3Client: options.ssmClient });
    this.maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_WEBHOOK_MAX_AGE_SECONDS;
    this.env = options.env ?? process.env;
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * The webhook URL held by SSM parameter `parameterName`. Throws {@link WebhookUrlError} naming the parameter when it
   * is missing, unreadable or not a Slack webhook URL (`permanent` tells whether retrying may help).
   */
  async get(parameterName: string): Promise<string> {
    let value: unknown;
    try {
      value = await this.provider.get(parameterName, { decrypt: true, maxAge: this.maxAgeSeconds, throwOnMissing: true });
    } catch (error) {
      const names = errorNames(error);
      const awsName = names.find((n) => n !== 'GetParameterError') ?? names[0] ?? 'Error';
      if (names.some((n) => n === 'ParameterNotFound' || n === 'ParameterNotFoundError')) {
        throw new WebhookUrlError(parameterName, `Slack webhook parameter "${parameterName}" does not exist (SSM ParameterNotFound)`, true);
      }
      const permanent = names.some((n) => PERMANENT_SSM_ERRORS.has(n));
      const hint = awsName === 'AccessDeniedException' || awsName === 'InvalidKeyId' ? ' (check ssm:GetParameter and kms:Decrypt permissions)' : '';
      throw new WebhookUrlError(parameterName, `cannot read Slack webhook parameter "${parameterName}": ${awsName}${hint}`, permanent);
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw new WebhookUrlError(parameterName, `Slack webhook parameter "${parameterName}" is empty`, true);
    }
    const url = value.trim();
    const problem = webhookUrlProblem(url, this.env[ALLOW_LOCAL_WEBHOOK_ENV] === '1');
    if (problem) throw new WebhookUrlError(parameterName, `Slack webhook parameter "${parameterName}" ${problem}`, true);
    this.logger.debug('Slack webhook URL read', { parameter: parameterName });
    return url;
  }
}
