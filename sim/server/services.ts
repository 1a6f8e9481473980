/**
 * The services the server speaks, how a request is attributed to one, and where each operation's shape comes from.
 *
 * Shapes come from the SDK clients themselves: every `@aws-sdk/client-*` package exports a static schema per operation
 * (`DescribeTasks$` = [9, namespace, name, traits, input, output]), the same schemas its own protocol (de)serializers
 * walk. The server walks them in the other direction, so member names, list wrappers, map entry names, timestamp
 * formats and number/boolean fields are exactly what the client sends and expects.
 */
import * as AAS from '@aws-sdk/client-application-auto-scaling';
import * as ASG from '@aws-sdk/client-auto-scaling';
import * as CFN from '@aws-sdk/client-cloudformation';
import * as CW from '@aws-sdk/client-cloudwatch';
import * as ECS from '@aws-sdk/client-ecs';
import * as SNS from '@aws-sdk/client-sns';
import * as SQS from '@aws-sdk/client-sqs';
import * as SSM from '@aws-sdk/client-ssm';
import type { IncomingHttpHeaders } from 'node:http';
import type { StaticErrorSchema, StaticOperationSchema } from '@smithy/types';
import type { ServiceName } from '../world/api.js';

/** A service as the server names it: the `AwsApis` keys, plus DynamoDB (served by dynalite). */
export type SimService = ServiceName | 'dynamodb';

interface ServiceBase {
  name: ServiceName;
  /** SigV4 signing name, as in the credential scope `AKID/20240101/us-east-1/<signingName>/aws4_request`. */
  signingName: string;
  /** The client module, searched for `<Operation>$` operation schemas. */
  schemas: Readonly<Record<string, unknown>>;
}

export interface JsonService extends ServiceBase {
  protocol: 'json';
  /** `X-Amz-Target: <targetPrefix>.<Operation>` */
  targetPrefix: string;
  /** The JSON protocol version (Content-Type `application/x-amz-json-<version>`); default 1.1. */
  jsonVersion?: '1.0' | '1.1';
}

export interface QueryService extends ServiceBase {
  protocol: 'query';
  /** The `Version` parameter the client sends. */
  version: string;
  /** The XML namespace of responses. */
  xmlns: string;
}

export type ServiceSpec = JsonService | QueryService;

export const SERVICES = {
  ecs: {
    name: 'ecs',
    protocol: 'json',
    signingName: 'ecs',
    targetPrefix: 'AmazonEC2ContainerServiceV20141113',
    schemas: ECS,
  },
  applicationAutoScaling: {
    name: 'applicationAutoScaling',
    protocol: 'json',
    signingName: 'application-autoscaling',
    targetPrefix: 'AnyScaleFrontendService',
    schemas: AAS,
  },
  ssm: {
    name: 'ssm',
    protocol: 'json',
    signingName: 'ssm',
    targetPrefix: 'AmazonSSM',
    schemas: SSM,
  },
  autoscaling: {
    name: 'autoscaling',
    protocol: 'query',
    signingName: 'autoscaling',
    version: '2011-01-01',
    xmlns: 'http://autoscaling.amazonaws.com/doc/2011-01-01/',
    schemas: ASG,
  },
  sns: {
    name: 'sns',
    protocol: 'query',
    signingName: 'sns',
    version: '2010-03-31',
    xmlns: 'http://sns.amazonaws.com/doc/2010-03-31/',
    schemas: SNS,
  },
  // `ecs-ops status`. CloudFormation speaks Query (the SDK's AwsQueryProtocol, API version 2010-05-15); CloudWatch and
  // SQS speak AWS JSON 1.0 in the current SDK (AwsJson1_0Protocol, awsQueryCompatible; targets from the clients'
  // protocolSettings: GraniteServiceVersion20100801, AmazonSQS). Signing names: cloudformation, monitoring, sqs.
  cloudformation: {
    name: 'cloudformation',
    protocol: 'query',
    signingName: 'cloudformation',
    version: '2010-05-15',
    xmlns: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
    schemas: CFN,
  },
  cloudwatch: {
    name: 'cloudwatch',
    protocol: 'json',
    signingName: 'monitoring',
    targetPrefix: 'GraniteServiceVersion20100801',
    jsonVersion: '1.0',
    schemas: CW,
  },
  sqs: {
    name: 'sqs',
    protocol: 'json',
    signingName: 'sqs',
    targetPrefix: 'AmazonSQS',
    jsonVersion: '1.0',
    schemas: SQS,
  },
} as const satisfies Readonly<Record<ServiceName, ServiceSpec>>;

const DYNAMODB_SIGNING_NAME = 'dynamodb';
const DYNAMODB_TARGET_PREFIX = 'DynamoDB_20120810';

const BY_SIGNING_NAME = new Map<string, SimService>([
  ...Object.values<ServiceSpec>(SERVICES).map((s) => [s.signingName, s.name] as const),
  [DYNAMODB_SIGNING_NAME, 'dynamodb'],
]);
const BY_TARGET_PREFIX = new Map<string, SimService>([
  ...Object.values<ServiceSpec>(SERVICES)
    .filter((s): s is JsonService => s.protocol === 'json')
    .map((s) => [s.targetPrefix, s.name] as const),
  [DYNAMODB_TARGET_PREFIX, 'dynamodb'],
]);

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The signing name in a SigV4 `Authorization` header's credential scope, if any. */
export function signingNameOf(headers: IncomingHttpHeaders): string | undefined {
  const auth = header(headers, 'authorization');
  return auth === undefined ? undefined : /Credential=[^/,\s]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(auth)?.[1];
}

/** `X-Amz-Target` split into prefix and operation (`AmazonSSM.GetParameter` → [`AmazonSSM`, `GetParameter`]). */
export function targetOf(headers: IncomingHttpHeaders): { prefix: string; operation: string } | undefined {
  const target = header(headers, 'x-amz-target');
  if (target === undefined) return undefined;
  const dot = target.lastIndexOf('.');
  return dot < 0 ? { prefix: '', operation: target } : { prefix: target.slice(0, dot), operation: target.slice(dot + 1) };
}

/**
 * The service a request is for, from its headers alone (the body is not read yet): the credential scope of the SigV4
 * `Authorization` header, else the `X-Amz-Target` prefix. `undefined`: unsigned Query request, see `queryServiceOf`.
 */
export function serviceFromHeaders(headers: IncomingHttpHeaders): SimService | undefined {
  const bySigning = BY_SIGNING_NAME.get(signingNameOf(headers) ?? '');
  if (bySigning !== undefined) return bySigning;
  const target = targetOf(headers);
  return target === undefined ? undefined : BY_TARGET_PREFIX.get(target.prefix);
}

/** The Query service of an unsigned request, from its `Version`, else from which service has an `Action` of that name. */
export function queryServiceOf(params: URLSearchParams): QueryService | undefined {
  const queryServices = Object.values<ServiceSpec>(SERVICES).filter((s): s is QueryService => s.protocol === 'query');
  const version = params.get('Version');
  const byVersion = queryServices.find((s) => s.version === version);
  if (byVersion !== undefined) return byVersion;
  const action = params.get('Action');
  return action === null ? undefined : queryServices.find((s) => operationSchema(s, action) !== undefined);
}

/** The SDK's static schema of one operation of a service, if the SDK has that operation. */
export function operationSchema(service: ServiceSpec, operation: string): StaticOperationSchema | undefined {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(operation)) return undefined;
  const candidate = service.schemas[`${operation}$`];
  return Array.isArray(candidate) && candidate[0] === 9 && candidate[2] === operation ? (candidate as StaticOperationSchema) : undefined;
}

/** The SDK's static schema of a modeled error, by code (`ConflictException$`), if the SDK has one of that name. */
export function errorSchema(service: ServiceSpec, code: string): StaticErrorSchema | undefined {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(code)) return undefined;
  const candidate = service.schemas[`${code}$`];
  return Array.isArray(candidate) && candidate[0] === -3 ? (candidate as StaticErrorSchema) : undefined;
}
