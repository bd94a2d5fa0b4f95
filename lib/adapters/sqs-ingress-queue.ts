import { createHash } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type IngressMessage, IngressMessageSchema, type IngressQueue } from './ingress-message.ts';

export interface SqsIngressQueueOptions {
  /** The FIFO ingress queue's URL. */
  queueUrl: string;
  client?: SQSClient;
}

/** A FIFO deduplication id: up to 128 of these characters. */
const DEDUPLICATION_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

/**
 * The ingress queue on SQS FIFO: one message group per thread keeps a thread's messages in
 * order, and the message's key is the deduplication id, so a producer's retry within five
 * minutes is dropped by SQS (and after that by the thread store, which knows the key).
 */
export class SqsIngressQueue implements IngressQueue {
  private readonly client: SQSClient;

  constructor(private readonly options: SqsIngressQueueOptions) {
    if (!options.queueUrl.endsWith('.fifo'))
      throw new Error(`the ingress queue must be FIFO: ${options.queueUrl}`);
    this.client = options.client ?? new SQSClient({});
  }

  async send(message: IngressMessage): Promise<void> {
    const body = IngressMessageSchema.parse(message);
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.options.queueUrl,
        MessageBody: JSON.stringify(body),
        MessageGroupId: body.threadId,
        MessageDeduplicationId: deduplicationIdOf(body.key),
      }),
    );
  }
}

/** The key itself when SQS accepts it, else its SHA-256 in hex (64 characters). */
export const deduplicationIdOf = (key: string): string =>
  DEDUPLICATION_ID.test(key) ? key : createHash('sha256').update(key).digest('hex');
