/**
 * SQS, as much as `ecs-ops status` reads: queues with message counts, GetQueueUrl and GetQueueAttributes
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueUrl.html,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html). Queues and their
 * messages are put by world controls (`createQueue`, `setMessageCounts`: what a deployment and failed invocations
 * leave), not by SQS operations.
 */
import type * as SQS from '@aws-sdk/client-sqs';
import type { Core } from './core.js';
import { AwsApiError } from './errors.js';

interface Queue {
  name: string;
  createdAt: number;
  visible: number;
  notVisible: number;
  delayed: number;
}

/** QueueDoesNotExist (AWS.SimpleQueueService.NonExistentQueue in the Query-compatible code), HTTP 400. */
const queueDoesNotExist = (): AwsApiError => new AwsApiError('QueueDoesNotExist', 'The specified queue does not exist.');

export class SqsWorld {
  private readonly queues = new Map<string, Queue>();

  constructor(readonly core: Core) {}

  /** Queue URLs as SQS gives them: `https://sqs.<region>.amazonaws.com/<account>/<name>`. */
  queueUrl(name: string): string {
    return `https://sqs.${this.core.region}.amazonaws.com/${this.core.account}/${name}`;
  }

  createQueue(name: string): string {
    if (!this.queues.has(name)) this.queues.set(name, { name, createdAt: this.core.now(), visible: 0, notVisible: 0, delayed: 0 });
    return this.queueUrl(name);
  }

  setMessageCounts(name: string, counts: { visible?: number; notVisible?: number; delayed?: number }): void {
    const queue = this.queues.get(name);
    if (queue === undefined) throw new Error(`sqs: no queue ${name}`);
    Object.assign(queue, counts);
  }

  /** The queue a URL names (any host: the SDK may be pointed at an endpoint override), by account and name. */
  private byUrl(url: string | undefined): Queue {
    const match = /\/(\d{12})\/([^/?]+)\/?$/.exec(url ?? '');
    const queue = match !== null && match[1] === this.core.account ? this.queues.get(match[2] ?? '') : undefined;
    if (queue === undefined) throw queueDoesNotExist();
    return queue;
  }

  GetQueueUrl(input: SQS.GetQueueUrlRequest): Omit<SQS.GetQueueUrlResult, '$metadata'> {
    const owner = input.QueueOwnerAWSAccountId;
    if (owner !== undefined && owner !== '' && owner !== this.core.account) throw queueDoesNotExist();
    if (input.QueueName === undefined || !this.queues.has(input.QueueName)) throw queueDoesNotExist();
    return { QueueUrl: this.queueUrl(input.QueueName) };
  }

  GetQueueAttributes(input: SQS.GetQueueAttributesRequest): Omit<SQS.GetQueueAttributesResult, '$metadata'> {
    const queue = this.byUrl(input.QueueUrl);
    const all: Record<string, string> = {
      ApproximateNumberOfMessages: String(queue.visible),
      ApproximateNumberOfMessagesNotVisible: String(queue.notVisible),
      ApproximateNumberOfMessagesDelayed: String(queue.delayed),
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      QueueArn: this.core.arn('sqs', queue.name),
    };
    const names = input.AttributeNames ?? [];
    // Only the attributes asked for; `All` for every one (API reference, AttributeNames). An unknown name is
    // InvalidAttributeName.
    const wanted = names.includes('All') ? Object.keys(all) : names;
    const unknown = wanted.find((n) => !(n in all) && !KNOWN_ATTRIBUTES.has(n));
    if (unknown !== undefined) throw new AwsApiError('InvalidAttributeName', `Unknown Attribute ${unknown}.`);
    const Attributes = Object.fromEntries(wanted.filter((n) => n in all).map((n) => [n, all[n] ?? '']));
    return Object.keys(Attributes).length === 0 ? {} : { Attributes };
  }
}

/** Attribute names SQS knows that this model does not keep (answered as absent). */
const KNOWN_ATTRIBUTES = new Set([
  'Policy', 'VisibilityTimeout', 'MaximumMessageSize', 'MessageRetentionPeriod', 'LastModifiedTimestamp', 'DelaySeconds',
  'ReceiveMessageWaitTimeSeconds', 'RedrivePolicy', 'FifoQueue', 'ContentBasedDeduplication', 'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds', 'DeduplicationScope', 'FifoThroughputLimit', 'RedriveAllowPolicy', 'SqsManagedSseEnabled',
]);
