import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { clusterOverlaps, deployPreflight, ecsOpsStacks, formatOverlaps } from '../../lib/deploy/preflight.js';

function stack(name: string, outputs: Record<string, string>): Stack {
  return {
    StackName: name,
    StackStatus: 'UPDATE_COMPLETE',
    CreationTime: new Date(0),
    Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
  };
}

describe('ecsOpsStacks and clusterOverlaps', () => {
  const stacks = [
    stack('ecs-ops-prod', { EcsOpsStage: 'prod', EcsOpsClusters: 'prod,batch' }),
    stack('ecs-ops-staging', { EcsOpsStage: 'staging', EcsOpsClusters: 'staging' }),
    stack('someone-else', { FailureQueueUrl: 'x' }),
  ];

  it('recognises ecs-ops stacks by their EcsOpsStage and EcsOpsClusters outputs', () => {
    expect(ecsOpsStacks(stacks)).toEqual([
      { stackName: 'ecs-ops-prod', stage: 'prod', clusters: ['prod', 'batch'] },
      { stackName: 'ecs-ops-staging', stage: 'staging', clusters: ['staging'] },
    ]);
  });

  it('finds another stage looking after a configured cluster, never the stack being updated', () => {
    const found = ecsOpsStacks(stacks);
    expect(clusterOverlaps(found, 'ecs-ops-dev', ['batch', 'dev'])).toEqual([{ stack: found[0], clusters: ['batch'] }]);
    expect(clusterOverlaps(found, 'ecs-ops-prod', ['prod', 'batch'])).toEqual([]);
    expect(clusterOverlaps(found, 'ecs-ops-dev', ['dev'])).toEqual([]);
  });

  it('says which stack, stage and clusters, and what to do', () => {
    const found = ecsOpsStacks(stacks);
    const text = formatOverlaps(clusterOverlaps(found, 'ecs-ops-dev', ['prod']), 'eu-west-1', '111122223333', 'dev');
    expect(text).toContain('refusing to deploy stage dev into account 111122223333, eu-west-1');
    expect(text).toContain('stack ecs-ops-prod (stage prod) already looks after prod');
    expect(text).toContain('npm run remove -- --stage OTHER');
  });
});

describe('deployPreflight', () => {
  it('asks STS who is deploying and pages through every stack of the region', async () => {
    const sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/dev' });
    const cfn = mockClient(CloudFormationClient);
    cfn
      .on(DescribeStacksCommand, { NextToken: undefined })
      .resolves({ Stacks: [stack('other', {})], NextToken: 'page-2' })
      .on(DescribeStacksCommand, { NextToken: 'page-2' })
      .resolves({ Stacks: [stack('ecs-ops-prod', { EcsOpsStage: 'prod', EcsOpsClusters: 'prod' })] });
    const result = await deployPreflight(
      { sts: new STSClient({ region: 'eu-west-1' }), cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }) },
      { stackName: 'ecs-ops-dev', clusters: ['prod'] },
    );
    expect(result.account).toBe('111122223333');
    expect(result.arn).toBe('arn:aws:iam::111122223333:user/dev');
    expect(result.overlaps.map((o) => o.stack.stackName)).toEqual(['ecs-ops-prod']);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(2);
    sts.restore();
    cfn.restore();
  });

  it('lets the credential error through for the caller to report', async () => {
    const sts = mockClient(STSClient);
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('The security token included in the request is invalid.'), { name: 'InvalidClientTokenId' }));
    const cfn = mockClient(CloudFormationClient);
    await expect(
      deployPreflight({ sts: new STSClient({ region: 'eu-west-1' }), cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }) }, { stackName: 'ecs-ops-dev', clusters: [] }),
    ).rejects.toThrow('security token');
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    sts.restore();
    cfn.restore();
  });
});
