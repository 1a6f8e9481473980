/** Test helpers for sim/runtime: a minimal zip writer and synthetic packages (template + bundles) built without osls. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipInput {
  name: string;
  data?: string | Buffer;
  /** Store instead of deflate. */
  store?: boolean;
  /** Write sizes in a data descriptor (flag bit 3) with zeros in the local header, as many zip tools do. */
  descriptor?: boolean;
  /** Corrupt the stored CRC. */
  badCrc?: boolean;
}

/** Builds a zip archive (stored or deflated entries, optional data descriptors). */
export function buildZip(entries: ZipInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : (entry.data ?? Buffer.alloc(0));
    const method = entry.store || entry.name.endsWith('/') ? 0 : 8;
    const body = method === 0 ? data : deflateRawSync(data);
    const crc = (crc32(data) ^ (entry.badCrc ? 1 : 0)) >>> 0;
    const flags = entry.descriptor ? 0x8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(entry.descriptor ? 0 : crc, 14);
    local.writeUInt32LE(entry.descriptor ? 0 : body.length, 18);
    local.writeUInt32LE(entry.descriptor ? 0 : data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const descriptor = Buffer.alloc(entry.descriptor ? 16 : 0);
    if (entry.descriptor) {
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(crc, 4);
      descriptor.writeUInt32LE(body.length, 8);
      descriptor.writeUInt32LE(data.length, 12);
    }
    locals.push(local, name, body, descriptor);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length + descriptor.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ecs-ops-${prefix}-`));
}

export interface SyntheticFunction {
  /** Short name: logical id `<Name>LambdaFunction`, function name `svc-test-<name>`, zip `<name>.zip`. */
  name: string;
  /** Source of `functions/<name>.mjs`. */
  source: string;
  environment?: Record<string, unknown>;
  timeout?: number;
  retries?: number;
  maxAge?: number;
}

export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A package directory like `osls package` writes, with the given functions and extra resources. */
export function syntheticPackage(functions: SyntheticFunction[], extraResources: Record<string, unknown> = {}): string {
  const dir = tempDir('synthetic-package');
  const resources: Record<string, unknown> = {
    FailureQueue: { Type: 'AWS::SQS::Queue', Properties: {} },
    IdempotencyTable: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    ...extraResources,
  };
  for (const fn of functions) {
    const id = `${capitalize(fn.name)}LambdaFunction`;
    resources[id] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Code: { S3Bucket: { Ref: 'ServerlessDeploymentBucket' }, S3Key: `serverless/svc/test/1-2026/${fn.name}.zip` },
        Handler: `functions/${fn.name}.handler`,
        Runtime: 'nodejs24.x',
        FunctionName: `svc-test-${fn.name}`,
        MemorySize: 512,
        Timeout: fn.timeout ?? 30,
        Environment: { Variables: fn.environment ?? {} },
      },
    };
    if (fn.retries !== undefined || fn.maxAge !== undefined) {
      resources[`${capitalize(fn.name)}LambdaEvConf`] = {
        Type: 'AWS::Lambda::EventInvokeConfig',
        Properties: {
          FunctionName: { Ref: id },
          Qualifier: '$LATEST',
          ...(fn.retries !== undefined ? { MaximumRetryAttempts: fn.retries } : {}),
          ...(fn.maxAge !== undefined ? { MaximumEventAgeInSeconds: fn.maxAge } : {}),
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['FailureQueue', 'Arn'] } } },
        },
      };
    }
    writeFileSync(join(dir, `${fn.name}.zip`), buildZip([{ name: 'functions/' }, { name: `functions/${fn.name}.mjs`, data: fn.source }]));
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cloudformation-template-update-stack.json'), JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }, null, 2));
  return dir;
}
