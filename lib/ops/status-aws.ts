/**
 * The read-only I/O behind `ecs-ops status`: asks the account about one deployed stage and returns StatusFacts for
 * lib/ops/status.ts to judge. A stack that does not exist is a fact (undefined); every other AWS error (credentials,
 * access denied, throttling past the retries) is thrown for the command to report (exit 3).
 *
 * Calls: 1 CloudFormation DescribeStacks; 1 CloudWatch GetMetricData (more only if paginated) for every function's
 * AWS/Lambda Invocations and Errors over the window and each reconcile pass's ecs-ops ReconcilePassCompleted per minute;
 * CloudWatch DescribeAlarms (AlarmNamePrefix = the stack's name, StateValue ALARM: CloudFormation names an alarm
 * without AlarmName `<stack>-<logicalId>-<suffix>`); SQS GetQueueUrl (only when the stack has no FailureQueueUrl
 * output) and GetQueueAttributes; with a config, ⌈asgs/50⌉ EC2 Auto Scaling DescribeAutoScalingGroups.
 */
import { DescribeAutoScalingGroupsCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { paginateDescribeAlarms, paginateGetMetricData, type CloudWatchClient, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { RECONCILE_PASSES, type FunctionActivity, type ReconcilePass, type StatusFacts } from './status.js';

export interface StatusClients {
  cloudformation: CloudFormationClient;
  cloudwatch: CloudWatchClient;
  sqs: SQSClient;
  autoscaling: AutoScalingClient;
}

export interface StatusQuestions {
  region: string;
  stackName: string;
  /** The configured ASGs whose Terminating:Wait instances are drains in progress; undefined: do not ask. */
  asgs: readonly string[] | undefined;
  now: number;
  windowMs: number;
}

/** A function's stack output (lib/deploy/stack-outputs.cjs): `<Key>FunctionName`. */
const FUNCTION_OUTPUT = /^(.+)FunctionName$/;

const errorName = (error: unknown): string => (error instanceof Error ? error.name : '');

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function gatherStatusFacts(clients: StatusClients, questions: StatusQuestions): Promise<StatusFacts> {
  const { region, stackName, now, windowMs } = questions;
  const base = { region, stackName, now, windowMs };
  let described;
  try {
    described = (await clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  } catch (error) {
    // CloudFormation answers ValidationError "Stack with id NAME does not exist" for an unknown stack
    // (DescribeStacks, AWS CloudFormation API Reference).
    if (errorName(error) !== 'ValidationError' || !/does not exist/.test(error instanceof Error ? error.message : '')) throw error;
  }
  const drains = questions.asgs === undefined ? undefined : await drainsInProgress(clients.autoscaling, questions.asgs);
  if (described === undefined) {
    return { ...base, stack: undefined, functions: [], failureQueue: undefined, reconcilePasses: [], alarmsInAlarm: [], drains };
  }
  const outputs: Record<string, string> = {};
  for (const o of described.Outputs ?? []) if (o.OutputKey !== undefined && o.OutputValue !== undefined) outputs[o.OutputKey] = o.OutputValue;
  const lastUpdated = described.LastUpdatedTime ?? described.CreationTime;
  const stack = { status: described.StackStatus ?? 'UNKNOWN', statusReason: described.StackStatusReason, lastUpdatedAt: lastUpdated?.getTime(), outputs };

  const deployed = Object.entries(outputs)
    .map(([key, value]) => ({ key: FUNCTION_OUTPUT.exec(key)?.[1], name: value }))
    .filter((f): f is { key: string; name: string } => f.key !== undefined)
    .sort((a, b) => a.key.localeCompare(b.key));
  const passes = RECONCILE_PASSES.filter((p) => deployed.some((f) => f.key === p.key));
  const { functions, reconcilePasses } = await metrics(clients.cloudwatch, deployed, passes, now, windowMs);

  const alarmsInAlarm: { name: string; reason: string | undefined }[] = [];
  for await (const page of paginateDescribeAlarms({ client: clients.cloudwatch }, { AlarmNamePrefix: stackName, StateValue: 'ALARM', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] })) {
    for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
      if (alarm.AlarmName !== undefined) alarmsInAlarm.push({ name: alarm.AlarmName, reason: alarm.StateReason });
    }
  }

  return { ...base, stack, functions, failureQueue: await failureQueue(clients.sqs, outputs), reconcilePasses, alarmsInAlarm, drains };
}

async function metrics(
  cloudwatch: CloudWatchClient,
  deployed: readonly { key: string; name: string }[],
  passes: readonly { key: string; service: string }[],
  now: number,
  windowMs: number,
): Promise<{ functions: FunctionActivity[]; reconcilePasses: ReconcilePass[] }> {
  const windowSeconds = Math.ceil(windowMs / 1000 / 60) * 60;
  const lambda = (id: string, metric: 'Invocations' | 'Errors', functionName: string): MetricDataQuery => ({
    Id: id,
    // One period over the whole window: one Sum per function.
    MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: [{ Name: 'FunctionName', Value: functionName }] }, Period: windowSeconds, Stat: 'Sum' },
    ReturnData: true,
  });
  const queries: MetricDataQuery[] = [
    ...deployed.flatMap((f, i) => [lambda(`invocations${i}`, 'Invocations', f.name), lambda(`errors${i}`, 'Errors', f.name)]),
    ...passes.map((p, i) => ({
      Id: `pass${i}`,
      // Per minute, as the pass runs and as the ReconcileStalled alarms look at it (lib/deploy/alarms.ts).
      MetricStat: { Metric: { Namespace: 'ecs-ops', MetricName: 'ReconcilePassCompleted', Dimensions: [{ Name: 'service', Value: p.service }] }, Period: 60, Stat: 'Sum' },
      ReturnData: true,
    })),
  ];
  const values = new Map<string, { at: number; value: number }[]>();
  // GetMetricData takes at most 500 queries (CloudWatch API Reference, MetricDataQueries).
  for (const batch of chunks(queries, 500)) {
    const input = { MetricDataQueries: batch, StartTime: new Date(now - windowMs), EndTime: new Date(now), ScanBy: 'TimestampDescending' as const };
    for await (const page of paginateGetMetricData({ client: cloudwatch }, input)) {
      for (const result of page.MetricDataResults ?? []) {
        if (result.Id === undefined) continue;
        const points = values.get(result.Id) ?? [];
        (result.Timestamps ?? []).forEach((t, i) => points.push({ at: t.getTime(), value: result.Values?.[i] ?? 0 }));
        values.set(result.Id, points);
      }
    }
  }
  const sum = (id: string) => (values.get(id) ?? []).reduce((total, p) => total + p.value, 0);
  const functions = deployed.map((f, i) => ({ key: f.key, name: f.name, invocations: sum(`invocations${i}`), errors: sum(`errors${i}`) }));
  const reconcilePasses = passes.map((p, i) => {
    const ran = (values.get(`pass${i}`) ?? []).filter((point) => point.value > 0).map((point) => point.at);
    return { service: p.service, lastCompletedAt: ran.length === 0 ? undefined : Math.max(...ran) };
  });
  return { functions, reconcilePasses };
}

async function failureQueue(sqs: SQSClient, outputs: Readonly<Record<string, string>>): Promise<StatusFacts['failureQueue']> {
  let url = outputs.FailureQueueUrl;
  const arn = outputs.FailureQueueArn;
  if (url === undefined && arn !== undefined) {
    // arn:aws:sqs:REGION:ACCOUNT:NAME
    const [, , , , owner, name] = arn.split(':');
    if (name !== undefined) url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name, ...(owner !== undefined ? { QueueOwnerAWSAccountId: owner } : {}) }))).QueueUrl;
  }
  if (url === undefined) return undefined;
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  const attribute = (name: string) => Number(out.Attributes?.[name as keyof typeof out.Attributes] ?? 0);
  return { url, visible: attribute('ApproximateNumberOfMessages'), inFlight: attribute('ApproximateNumberOfMessagesNotVisible') };
}

/** Instances of the ASGs waiting in the terminate lifecycle hook: ecs-ops is draining them. */
async function drainsInProgress(autoscaling: AutoScalingClient, asgs: readonly string[]): Promise<{ asg: string; instanceId: string }[]> {
  const drains: { asg: string; instanceId: string }[] = [];
  // DescribeAutoScalingGroups takes at most 50 names (EC2 Auto Scaling API reference, AutoScalingGroupNames).
  for (const batch of chunks(asgs, 50)) {
    let token: string | undefined;
    do {
      const out = await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: batch, NextToken: token }));
      for (const group of out.AutoScalingGroups ?? []) {
        for (const instance of group.Instances ?? []) {
          if (instance.LifecycleState === 'Terminating:Wait' && instance.InstanceId !== undefined) drains.push({ asg: group.AutoScalingGroupName ?? '', instanceId: instance.InstanceId });
        }
      }
      token = out.NextToken;
    } while (token !== undefined);
  }
  return drains;
}
