/**
 * SSM Parameter Store: String, StringList and SecureString parameters with versions; GetParameter by name, ARN or
 * `name:version`; SecureString values come back encrypted unless WithDecryption.
 */
import type * as SSM from '@aws-sdk/client-ssm';
import type { Core } from './core.js';
import { AwsApiError, ssmParameterAlreadyExists, ssmParameterNotFound, ssmValidation } from './errors.js';

interface ParameterVersion {
  value: string;
  type: SSM.ParameterType;
  version: number;
  lastModified: number;
  keyId: string | undefined;
}

const TYPES = new Set(['String', 'StringList', 'SecureString']);

export class SsmWorld {
  private readonly parameters = new Map<string, ParameterVersion[]>();

  constructor(readonly core: Core) {}

  private arnOf(name: string): string {
    return this.core.arn('ssm', `parameter${name.startsWith('/') ? '' : '/'}${name}`);
  }

  PutParameter(input: SSM.PutParameterRequest): Omit<SSM.PutParameterResult, '$metadata'> {
    const name = input.Name;
    if (name === undefined || name === '') throw ssmValidation("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
    if (name.length > 2048 || !/^[A-Za-z0-9_.\-/]+$/.test(name)) {
      throw ssmValidation('Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.');
    }
    if (input.Value === undefined) throw ssmValidation("1 validation error detected: Value null at 'value' failed to satisfy constraint: Member must not be null");
    if (input.Value.length > 4096) throw ssmValidation('Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.');
    const versions = this.parameters.get(name);
    const current = versions?.[versions.length - 1];
    if (current && input.Overwrite !== true) throw ssmParameterAlreadyExists();
    const type = input.Type ?? current?.type ?? 'String';
    if (!TYPES.has(type)) {
      throw ssmValidation(`1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`);
    }
    const version: ParameterVersion = {
      value: input.Value,
      type,
      version: (current?.version ?? 0) + 1,
      lastModified: this.core.now(),
      keyId: type === 'SecureString' ? (input.KeyId ?? 'alias/aws/ssm') : undefined,
    };
    if (versions) versions.push(version);
    else this.parameters.set(name, [version]);
    return { Version: version.version, Tier: 'Standard' };
  }

  GetParameter(input: SSM.GetParameterRequest): Omit<SSM.GetParameterResult, '$metadata'> {
    let ref = input.Name ?? '';
    if (ref === '') throw ssmValidation("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
    if (ref.startsWith('arn:')) {
      const at = ref.indexOf(':parameter');
      ref = at < 0 ? ref : ref.slice(at + ':parameter'.length);
      if (!ref.startsWith('/')) ref = `/${ref}`;
      if (!this.parameters.has(ref.split(':')[0] ?? '') && this.parameters.has(ref.slice(1).split(':')[0] ?? '')) ref = ref.slice(1);
    }
    let selector: string | undefined;
    const colon = ref.lastIndexOf(':');
    if (colon > 0) {
      selector = ref.slice(colon);
      ref = ref.slice(0, colon);
    }
    const versions = this.parameters.get(ref);
    if (!versions || versions.length === 0) throw ssmParameterNotFound();
    let chosen = versions[versions.length - 1];
    if (selector !== undefined) {
      const number = Number(selector.slice(1));
      chosen = Number.isInteger(number) ? versions[number - 1] : undefined;
      if (!chosen) throw new AwsApiError('ParameterVersionNotFound', `Systems Manager could not find version ${selector.slice(1)} of ${ref}. Verify the version and try again.`);
    }
    if (!chosen) throw ssmParameterNotFound();
    const secure = chosen.type === 'SecureString';
    const value = secure && input.WithDecryption !== true ? encrypted(chosen.value) : chosen.value;
    return {
      Parameter: {
        Name: ref,
        Type: chosen.type,
        Value: value,
        Version: chosen.version,
        ...(selector === undefined ? {} : { Selector: selector }),
        LastModifiedDate: new Date(chosen.lastModified),
        ARN: this.arnOf(ref),
        DataType: 'text',
      },
    };
  }
}

/** What SSM returns for a SecureString without decryption: the KMS ciphertext blob, base64 (here a stand-in). */
function encrypted(value: string): string {
  return `AQICAH${Buffer.from(`ecs-ops-sim-kms:${value}`, 'utf8').toString('base64')}`;
}
