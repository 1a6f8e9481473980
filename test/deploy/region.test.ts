import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegionError, resolveRegion } from '../../lib/deploy/region.js';

/** Shared config files in a temporary directory: never the machine's own ~/.aws. */
function awsFiles(config: string, credentials = ''): { configFilepath: string; filepath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-ops-region-'));
  writeFileSync(join(dir, 'config'), config);
  writeFileSync(join(dir, 'credentials'), credentials);
  return { configFilepath: join(dir, 'config'), filepath: join(dir, 'credentials') };
}

const noFiles = awsFiles('');

describe('resolveRegion: the one region of package, deploy, remove, info and logs', () => {
  it('takes --region first', async () => {
    expect(await resolveRegion({ flag: 'eu-west-1', env: { AWS_REGION: 'us-west-2' }, ...noFiles })).toEqual({ region: 'eu-west-1', source: 'flag', from: '--region' });
  });

  it("refuses a --region that differs from the config's region", async () => {
    await expect(resolveRegion({ flag: 'us-east-1', configRegion: 'eu-west-1', env: {}, ...noFiles })).rejects.toThrow(
      /--region us-east-1 differs from the config's region eu-west-1/,
    );
  });

  it('takes the config region before the environment and the profile', async () => {
    const files = awsFiles('[default]\nregion = ap-south-1\n');
    expect(await resolveRegion({ configRegion: 'eu-central-1', env: { AWS_REGION: 'us-west-2' }, ...files })).toMatchObject({ region: 'eu-central-1', source: 'config' });
  });

  it('takes AWS_REGION, then AWS_DEFAULT_REGION', async () => {
    expect(await resolveRegion({ env: { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'eu-west-3' }, ...noFiles })).toMatchObject({ region: 'us-west-2', source: 'AWS_REGION' });
    expect(await resolveRegion({ env: { AWS_DEFAULT_REGION: 'eu-west-3' }, ...noFiles })).toMatchObject({ region: 'eu-west-3', source: 'AWS_DEFAULT_REGION' });
  });

  it("takes the profile's region from the shared config file: AWS_PROFILE's, --aws-profile's, else default's", async () => {
    const files = awsFiles('[default]\nregion = ap-south-1\n\n[profile ops]\nregion = sa-east-1\n');
    expect(await resolveRegion({ env: {}, ...files })).toEqual({ region: 'ap-south-1', source: 'profile', from: 'the shared config profile "default"' });
    expect(await resolveRegion({ env: { AWS_PROFILE: 'ops' }, ...files })).toMatchObject({ region: 'sa-east-1', source: 'profile' });
    expect(await resolveRegion({ env: {}, profile: 'ops', ...files })).toMatchObject({ region: 'sa-east-1', from: 'the shared config profile "ops"' });
  });

  it('reads a region from the credentials file too, as the SDK does', async () => {
    const files = awsFiles('', '[default]\nregion = ca-central-1\n');
    expect(await resolveRegion({ env: {}, ...files })).toMatchObject({ region: 'ca-central-1', source: 'profile' });
  });

  it('is undefined when nothing names a region (a profile without one, no environment)', async () => {
    const files = awsFiles('[default]\noutput = json\n');
    expect(await resolveRegion({ env: {}, ...files })).toBeUndefined();
    expect(await resolveRegion({ env: { AWS_REGION: '' }, ...noFiles })).toBeUndefined();
  });

  it('refuses something that is not a region code, naming where it came from', async () => {
    await expect(resolveRegion({ env: { AWS_REGION: 'Ireland' }, ...noFiles })).rejects.toThrow(RegionError);
    await expect(resolveRegion({ env: { AWS_REGION: 'Ireland' }, ...noFiles })).rejects.toThrow('"Ireland" (AWS_REGION) is not an AWS region code');
    await expect(resolveRegion({ flag: 'eu_west_1', env: {}, ...noFiles })).rejects.toThrow('(--region)');
  });
});
