/**
 * The CLI's one error funnel (see the contract in ./command.ts): every error a command throws becomes one line on
 * stderr naming what is wrong and what to do, and an exit code; the stack trace only with --debug.
 */
import { AwsSetupError, NO_REGION_HINT } from './aws.js';
import { ExitCode, InputError, UsageError, type CliIo, type Command } from './command.js';

/** Service error codes meaning the caller's credentials were refused (STS/IAM, SigV4 and per-service variants). */
const REFUSED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'InvalidAccessKeyId',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
]);

/** Node's errors when the endpoint cannot be reached. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

const CREDENTIALS_HINT = 'pass --profile, set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (aws sso login for SSO profiles)';

export interface AwsProblem {
  message: string;
  hint: string;
}

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null ? Reflect.get(error, name) : undefined;
}

/** What went wrong reaching or calling AWS, or undefined when `error` is not about AWS. */
export function awsProblem(error: unknown): AwsProblem | undefined {
  if (error instanceof AwsSetupError) return { message: error.message, hint: error.hint };
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'CredentialsProviderError' || error.name === 'TokenProviderError') {
    return { message: `no usable AWS credentials: ${firstLine(error.message)}`, hint: CREDENTIALS_HINT };
  }
  if (error.message === 'Region is missing') return { message: 'no AWS region', hint: NO_REGION_HINT };
  const code = field(error, 'code');
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return { message: `cannot reach the AWS endpoint: ${code}${error.message && error.message !== code ? ` ${firstLine(error.message)}` : ''}`, hint: 'check the network, and AWS_ENDPOINT_URL if you set it (ecs-ops sim serve prints it)' };
  }
  if (error.name === 'TimeoutError') return { message: `the AWS call timed out: ${firstLine(error.message)}`, hint: 'check the network, and AWS_ENDPOINT_URL if you set it' };
  if (field(error, '$metadata') !== undefined || field(error, '$fault') !== undefined) {
    const what = `${error.name}: ${firstLine(error.message)}`;
    if (REFUSED_CREDENTIALS.has(error.name)) return { message: `AWS refused the credentials (${what})`, hint: CREDENTIALS_HINT };
    if (/AccessDenied|UnauthorizedOperation|NotAuthorized/.test(error.name)) return { message: `AWS denied the call (${what})`, hint: 'the credentials lack a permission: docs/cli.md lists the actions each command calls' };
    return { message: `AWS error (${what})`, hint: 'run with --debug for the request id' };
  }
  return undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? text;
}

function requestId(error: unknown): string | undefined {
  const metadata = field(error, '$metadata');
  const id = field(metadata, 'requestId');
  return typeof id === 'string' ? id : undefined;
}

/** Reports `error` on stderr as one line (plus the stack with `debug`) and returns the exit code. */
export function reportError(error: unknown, command: Command | undefined, debug: boolean, io: CliIo): number {
  const prefix = command ? `ecs-ops ${command.name}` : 'ecs-ops';
  const stack = (): void => {
    if (debug && error instanceof Error && error.stack !== undefined) io.stderr.write(`${error.stack}\n`);
  };
  if (error instanceof UsageError) {
    const about = error.command ?? command;
    io.stderr.write(`${prefix}: ${error.message}; run ecs-ops ${about ? `${about.name} ` : ''}--help\n`);
    return ExitCode.badInput;
  }
  if (error instanceof InputError) {
    io.stderr.write(`${prefix}: ${error.message}\n`);
    stack();
    return ExitCode.badInput;
  }
  const aws = awsProblem(error);
  if (aws) {
    io.stderr.write(`${prefix}: ${aws.message}: ${aws.hint}\n`);
    if (debug) {
      const id = requestId(error);
      if (id !== undefined) io.stderr.write(`request id: ${id}\n`);
      stack();
    }
    return ExitCode.awsError;
  }
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${firstLine(error.message)}` : String(error);
  io.stderr.write(`${prefix}: ${message}${debug ? '' : ' (run with --debug for the stack trace)'}\n`);
  stack();
  return ExitCode.findings;
}
