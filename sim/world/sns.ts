/**
 * SNS Publish against the topics the scenario created, with SNS's validation (subject, size, FIFO group ids); every
 * publication is recorded for the report.
 */
import type * as SNS from '@aws-sdk/client-sns';
import type { Core } from './core.js';
import { snsInvalidParameter, snsNotFound } from './errors.js';
import type { Stats } from './stats.js';

export interface SnsMessage {
  messageId: string;
  topicArn: string;
  subject: string | undefined;
  message: string;
  messageAttributes: Record<string, SNS.MessageAttributeValue>;
  messageGroupId: string | undefined;
  /** Epoch ms of virtual time. */
  at: number;
}

const MAX_BYTES = 262_144;

export class SnsWorld {
  private readonly topics = new Set<string>();
  readonly messages: SnsMessage[] = [];

  constructor(
    readonly core: Core,
    readonly stats: Stats,
  ) {}

  createTopic(arnOrName: string): string {
    const arn = arnOrName.startsWith('arn:') ? arnOrName : this.core.arn('sns', arnOrName);
    this.topics.add(arn);
    return arn;
  }

  Publish(input: SNS.PublishInput): Omit<SNS.PublishResponse, '$metadata'> {
    const topicArn = input.TopicArn ?? input.TargetArn;
    if (topicArn === undefined || topicArn === '') {
      if (input.PhoneNumber !== undefined) throw snsInvalidParameter('Invalid parameter: PhoneNumber Reason: SMS is not simulated');
      throw snsInvalidParameter('Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter');
    }
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(topicArn)) {
      throw snsInvalidParameter(`Invalid parameter: TopicArn Reason: An ARN must have 6 elements, not the given ${topicArn}`);
    }
    const message = input.Message;
    if (message === undefined || message === '') throw snsInvalidParameter('Invalid parameter: Empty message');
    const subject = input.Subject;
    // SNS: ASCII text beginning with a letter, number or punctuation mark; no line breaks or control characters; < 100.
    if (subject !== undefined && (subject === '' || subject.length >= 100 || !/^[\x21-\x7e][\x20-\x7e]*$/.test(subject))) {
      throw snsInvalidParameter('Invalid parameter: Subject');
    }
    let bytes = Buffer.byteLength(message, 'utf8');
    for (const [name, value] of Object.entries(input.MessageAttributes ?? {})) {
      bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType ?? '', 'utf8') + Buffer.byteLength(value.StringValue ?? '', 'utf8') + (value.BinaryValue?.length ?? 0);
      if (value.DataType === undefined) throw snsInvalidParameter(`Invalid parameter: MessageAttributes Reason: The message attribute '${name}' must contain non-empty message attribute type.`);
      if ((value.StringValue === undefined || value.StringValue === '') && value.BinaryValue === undefined) {
        throw snsInvalidParameter(`Invalid parameter: MessageAttributes Reason: The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${value.DataType}'.`);
      }
    }
    if (bytes > MAX_BYTES) throw snsInvalidParameter('Invalid parameter: Message too long');
    const fifo = topicArn.endsWith('.fifo');
    if (fifo && (input.MessageGroupId === undefined || input.MessageGroupId === '')) {
      throw snsInvalidParameter('Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
    }
    if (!fifo && input.MessageGroupId !== undefined) {
      throw snsInvalidParameter('Invalid parameter: MessageGroupId Reason: The request includes MessageGroupId parameter that is not valid for this topic type');
    }
    if (!this.topics.has(topicArn)) throw snsNotFound();
    const messageId = this.core.random.uuid();
    this.messages.push({
      messageId,
      topicArn,
      subject,
      message,
      messageAttributes: structuredClone(input.MessageAttributes ?? {}),
      messageGroupId: input.MessageGroupId,
      at: this.core.now(),
    });
    this.stats.counters.snsPublished++;
    return fifo ? { MessageId: messageId, SequenceNumber: String(this.messages.length).padStart(20, '1') } : { MessageId: messageId };
  }

  /**
   * GetTopicAttributes of a topic the scenario created: TopicArn, Owner, the subscription counts (no subscriptions are
   * simulated) and FifoTopic for .fifo topics; NotFound "Topic does not exist" otherwise.
   * https://docs.aws.amazon.com/sns/latest/api/API_GetTopicAttributes.html
   */
  GetTopicAttributes(input: SNS.GetTopicAttributesInput): Omit<SNS.GetTopicAttributesResponse, '$metadata'> {
    const topicArn = input.TopicArn ?? '';
    if (topicArn === '') throw snsInvalidParameter('Invalid parameter: TopicArn Reason: no value for required parameter');
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(topicArn)) {
      throw snsInvalidParameter(`Invalid parameter: TopicArn Reason: An ARN must have 6 elements, not the given ${topicArn}`);
    }
    if (!this.topics.has(topicArn)) throw snsNotFound();
    return {
      Attributes: {
        TopicArn: topicArn,
        Owner: topicArn.split(':')[4] ?? '',
        DisplayName: '',
        SubscriptionsConfirmed: '0',
        SubscriptionsPending: '0',
        SubscriptionsDeleted: '0',
        ...(topicArn.endsWith('.fifo') ? { FifoTopic: 'true' } : {}),
      },
    };
  }
}
