/**
 * The read-only I/O behind `ecs-ops verify`: asks the account what verifyQuestions lists and returns VerifyFacts.
 * "Not found" answers become facts (undefined / false); every other AWS error (credentials, access denied,
 * throttling past the retries) is thrown for the command to report.
 *
 * Calls: ⌈clusters/100⌉ DescribeClusters, ⌈asgs/50⌉ DescribeAutoScalingGroups, 1 DescribeLifecycleHooks per
 * existing ASG, the capacity providers of the clusters (lib/drain/managed-draining-facts.ts), 1 GetParameter (no
 * decryption) per Slack webhook parameter, 1 GetTopicAttributes per topic, 1 DescribeTaskDefinition per schedule's
 * task definition, and ListServices + DescribeServices (tags) per cluster when placement policies exist.
 */
import { DescribeAutoScalingGroupsCommand, type AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { DescribeClustersCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, paginateListServices, type ECSClient } from '@aws-sdk/client-ecs';
import { GetTopicAttributesCommand, type SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { managedDrainingMode } from '../drain/managed-draining.js';
import { asgLifecycleHooks, clusterCapacityProviders } from '../drain/managed-draining-facts.js';
import type { AsgFact, ServiceFact, TaskDefinitionFact, VerifyFacts, VerifyQuestions } from './verify.js';

export interface VerifyClients {
  ecs: ECSClient;
  autoscaling: AutoScalingClient;
  ssm: SSMClient;
  sns: SNSClient;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const errorName = (error: unknown): string => (error instanceof Error ? error.name : '');

export async function gatherVerifyFacts(clients: VerifyClients, questions: VerifyQuestions, region: string): Promise<VerifyFacts> {
  const clusters = new Map<string, boolean>();
  for (const batch of chunks(questions.clusters, 100)) {
    const out = await clients.ecs.send(new DescribeClustersCommand({ clusters: batch }));
    for (const name of batch) clusters.set(name, false);
    for (const c of out.clusters ?? []) if (c.clusterName !== undefined) clusters.set(c.clusterName, c.status === 'ACTIVE');
  }

  const asgs = new Map<string, AsgFact | undefined>();
  const existing: string[] = [];
  // DescribeAutoScalingGroups takes at most 50 names (EC2 Auto Scaling API reference, AutoScalingGroupNames).
  for (const batch of chunks(questions.asgs, 50)) {
    const found = new Set<string>();
    let token: string | undefined;
    do {
      const out = await clients.autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: batch, NextToken: token }));
      for (const group of out.AutoScalingGroups ?? []) if (group.AutoScalingGroupName !== undefined) found.add(group.AutoScalingGroupName);
      token = out.NextToken;
    } while (token !== undefined);
    for (const name of batch) {
      if (found.has(name)) existing.push(name);
      else asgs.set(name, undefined);
    }
  }
  const providers = existing.length === 0 ? [] : await clusterCapacityProviders(clients.ecs, questions.clusters.filter((c) => clusters.get(c) === true));
  for (const asgName of existing) {
    const lifecycleHooks = await asgLifecycleHooks(clients.autoscaling, asgName);
    const mode = managedDrainingMode({ asgName, lifecycleHooks, capacityProviders: providers });
    asgs.set(asgName, {
      hooks: lifecycleHooks.map((h) => ({
        name: h.LifecycleHookName ?? '',
        transition: h.LifecycleTransition ?? '',
        heartbeatTimeout: h.HeartbeatTimeout,
        defaultResult: h.DefaultResult,
        globalTimeout: h.GlobalTimeout,
      })),
      managedDraining: mode.managed ? `ECS manages draining too (${mode.evidence})` : 'ECS does not manage draining on it (ecs-ops drains it alone)',
    });
  }

  const parameters = new Map<string, string | undefined>();
  for (const name of questions.parameters) {
    try {
      // Without decryption: the type is all verify needs, and the webhook URL never leaves SSM.
      const out = await clients.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: false }));
      parameters.set(name, out.Parameter?.Type);
    } catch (error) {
      if (errorName(error) !== 'ParameterNotFound') throw error;
      parameters.set(name, undefined);
    }
  }

  const topics = new Map<string, boolean>();
  for (const arn of questions.topics) {
    try {
      await clients.sns.send(new GetTopicAttributesCommand({ TopicArn: arn }));
      topics.set(arn, true);
    } catch (error) {
      // SNS answers NotFound (modeled as NotFoundException by the SDK) for a topic that does not exist.
      if (errorName(error) !== 'NotFoundException' && errorName(error) !== 'NotFound') throw error;
      topics.set(arn, false);
    }
  }

  const taskDefinitions = new Map<string, TaskDefinitionFact | undefined>();
  for (const reference of questions.taskDefinitions) {
    try {
      const out = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: reference }));
      const td = out.taskDefinition;
      taskDefinitions.set(reference, td === undefined ? undefined : { arn: td.taskDefinitionArn ?? reference, taskRoleArn: td.taskRoleArn, executionRoleArn: td.executionRoleArn });
    } catch (error) {
      // ECS answers ClientException "Unable to describe task definition." for an unknown family or revision.
      if (errorName(error) !== 'ClientException') throw error;
      taskDefinitions.set(reference, undefined);
    }
  }

  const services = new Map<string, ServiceFact[]>();
  for (const cluster of questions.serviceClusters) {
    if (clusters.get(cluster) !== true) continue;
    const arns: string[] = [];
    for await (const page of paginateListServices({ client: clients.ecs }, { cluster, maxResults: 100 })) arns.push(...(page.serviceArns ?? []));
    const facts: ServiceFact[] = [];
    for (const batch of chunks(arns, 10)) {
      const out = await clients.ecs.send(new DescribeServicesCommand({ cluster, services: batch, include: ['TAGS'] }));
      for (const s of out.services ?? []) {
        if (s.serviceName === undefined || s.status !== 'ACTIVE') continue;
        facts.push({ serviceName: s.serviceName, tags: Object.fromEntries((s.tags ?? []).map((t) => [t.key ?? '', t.value ?? ''])) });
      }
    }
    services.set(cluster, facts);
  }

  return { region, clusters, asgs, parameters, topics, taskDefinitions, services };
}
