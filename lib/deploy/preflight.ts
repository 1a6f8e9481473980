/**
 * Before `npm run deploy`: who and where (account, region, stage), and whether another ecs-ops stage in the same
 * account and region already looks after one of the configured clusters. Two stages on one cluster would each drain
 * its instances and each alert on its events, so that deploy is refused.
 *
 * How stacks are found: every ecs-ops stack (osls names it `<service>-<stage>`) carries the stack outputs
 * `EcsOpsStage` and `EcsOpsClusters` (comma-separated cluster names; serverless.yml). DescribeStacks without a name
 * lists every stack of the region that is not deleted (CloudFormation API reference, DescribeStacks); the ones with
 * those outputs are ecs-ops stacks, whatever their service name.
 */
import { CloudFormationClient, paginateDescribeStacks, type Stack } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

export const STAGE_OUTPUT = 'EcsOpsStage';
export const CLUSTERS_OUTPUT = 'EcsOpsClusters';

export interface EcsOpsStack {
  stackName: string;
  stage: string;
  clusters: string[];
}

export interface ClusterOverlap {
  stack: EcsOpsStack;
  clusters: string[];
}

function output(stack: Stack, key: string): string | undefined {
  return stack.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
}

/** The ecs-ops stacks among a region's stacks (those carrying the EcsOpsStage and EcsOpsClusters outputs). */
export function ecsOpsStacks(stacks: Stack[]): EcsOpsStack[] {
  const found: EcsOpsStack[] = [];
  for (const stack of stacks) {
    const stage = output(stack, STAGE_OUTPUT);
    const clusters = output(stack, CLUSTERS_OUTPUT);
    if (stage === undefined || clusters === undefined || stack.StackName === undefined) continue;
    found.push({ stackName: stack.StackName, stage, clusters: clusters.split(',').filter((c) => c !== '') });
  }
  return found;
}

/** The other stacks (not `ownStackName`, which is the one being updated) that look after any of `clusters`. */
export function clusterOverlaps(stacks: EcsOpsStack[], ownStackName: string, clusters: string[]): ClusterOverlap[] {
  const mine = new Set(clusters);
  return stacks
    .filter((s) => s.stackName !== ownStackName)
    .map((stack) => ({ stack, clusters: stack.clusters.filter((c) => mine.has(c)) }))
    .filter((o) => o.clusters.length > 0);
}

export function formatOverlaps(overlaps: ClusterOverlap[], region: string, account: string, stage: string): string {
  const lines = overlaps.map((o) => `  stack ${o.stack.stackName} (stage ${o.stack.stage}) already looks after ${o.clusters.join(', ')}`);
  return [
    `ecs-ops: refusing to deploy stage ${stage} into account ${account}, ${region}: another ecs-ops stage looks after the same clusters`,
    ...lines,
    'Two stages on one cluster drain its instances and alert on its events twice. Deploy with that stage (--stage), ' +
      'remove it (npm run remove -- --stage OTHER), or configure different clusters.',
  ].join('\n');
}

export interface PreflightClients {
  sts: Pick<STSClient, 'send'>;
  cloudFormation: CloudFormationClient;
}

export interface PreflightResult {
  account: string;
  arn: string;
  overlaps: ClusterOverlap[];
}

/** GetCallerIdentity, then every stack of the region (paged), compared with the configured clusters. */
export async function deployPreflight(
  clients: PreflightClients,
  target: { stackName: string; clusters: string[] },
): Promise<PreflightResult> {
  const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
  const stacks: Stack[] = [];
  for await (const page of paginateDescribeStacks({ client: clients.cloudFormation }, {})) stacks.push(...(page.Stacks ?? []));
  return {
    account: identity.Account ?? 'unknown',
    arn: identity.Arn ?? 'unknown',
    overlaps: clusterOverlaps(ecsOpsStacks(stacks), target.stackName, target.clusters),
  };
}
