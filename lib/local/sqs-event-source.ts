import * as z from 'zod';
import type { LocalSqs, StoredMessage } from './local-sqs.ts';
import { lambdaMessageAttributes, md5OfMessageAttributes } from './sqs-message-attributes.ts';

/** A Lambda function's code as an SQS event source calls it. */
export type SqsBatchFunction = (event: { Records: SqsEventRecord[] }) => Promise<unknown>;

export type SqsEventRecord = ReturnType<typeof recordOf>;

export interface SqsEventSourceOptions {
  sqs: LocalSqs;
  queueName: string;
  handler: SqsBatchFunction;
  /** Records per invocation: 1–10, as for FIFO queues (the mapping's `BatchSize`). */
  batchSize?: number;
  /** The mapping's `FunctionResponseTypes` has `ReportBatchItemFailures`: honour `batchItemFailures`. */
  reportBatchItemFailures?: boolean;
  /** How often an idle queue is polled for messages whose delay or visibility timeout ran out. */
  pollIntervalMs?: number;
  /** Told of every failed invocation; by default it is written to stderr. */
  onError?: (error: unknown) => void;
}

const BatchResponseSchema = z
  .object({ batchItemFailures: z.array(z.object({ itemIdentifier: z.string().min(1) })).optional() })
  .nullish();

const recordOf = (message: StoredMessage, queueArn: string, region: string, accountId: string) => {
  const md5OfAttributes = md5OfMessageAttributes(message.messageAttributes);
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle ?? '',
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentTimestamp),
      ...(message.sequenceNumber ? { SequenceNumber: message.sequenceNumber } : {}),
      ...(message.groupId ? { MessageGroupId: message.groupId } : {}),
      SenderId: accountId,
      ...(message.deduplicationId ? { MessageDeduplicationId: message.deduplicationId } : {}),
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
    },
    messageAttributes: lambdaMessageAttributes(message.messageAttributes),
    ...(md5OfAttributes ? { md5OfMessageAttributes: md5OfAttributes } : {}),
    md5OfBody: message.md5OfBody,
    eventSource: 'aws:sqs' as const,
    eventSourceARN: queueArn,
    awsRegion: region,
  };
};

/**
 * An SQS event source mapping on one machine: polls a queue and calls a function with batches
 * shaped like Lambda's SQS event. Messages the function processed are deleted; failed ones stay in
 * flight until their visibility timeout runs out, then return (and after `maxReceiveCount`
 * receives go to the dead-letter queue). A thrown error or an unreadable response fails the whole
 * batch, as on Lambda. On a FIFO queue the messages after a failed one in its group fail with it,
 * so the group's order survives. Batches run one at a time.
 */
export class SqsEventSource {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SqsEventSourceOptions) {
    options.sqs.describeQueue(options.queueName);
  }

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.options.sqs.onAvailable(this.options.queueName, () => this.schedule(0));
    this.schedule(0);
  }

  /** Receives one batch and runs it; resolves with the number of messages it held. */
  pollOnce(): Promise<number> {
    const run = this.chain.then(() => this.runBatch());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Runs batches until the queue has no receivable message. */
  async drain(): Promise<void> {
    while ((await this.pollOnce()) > 0) {}
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  private schedule(delayMs: number): void {
    if (!this.unsubscribe) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pollOnce().then(
        (count) => this.schedule(count > 0 ? 0 : (this.options.pollIntervalMs ?? 250)),
        (error: unknown) => {
          this.report(error);
          this.schedule(this.options.pollIntervalMs ?? 250);
        },
      );
    }, delayMs);
  }

  private async runBatch(): Promise<number> {
    const { sqs, queueName } = this.options;
    const messages = sqs.receive(queueName, { maxMessages: this.options.batchSize ?? 10 });
    if (messages.length === 0) return 0;
    const arn = sqs.queueArn(queueName);
    const records = messages.map((message) => recordOf(message, arn, sqs.region, sqs.accountId));
    let failed: Set<string>;
    try {
      failed = this.failuresIn(await this.options.handler({ Records: records }), messages);
    } catch (error) {
      this.report(error);
      failed = new Set(messages.map((message) => message.messageId));
    }
    if (sqs.describeQueue(queueName).fifo) extendToLaterInGroup(failed, messages);
    for (const message of messages) {
      if (!failed.has(message.messageId) && message.receiptHandle)
        sqs.delete(queueName, message.receiptHandle);
    }
    return messages.length;
  }

  private failuresIn(response: unknown, messages: readonly StoredMessage[]): Set<string> {
    if (this.options.reportBatchItemFailures === false) return new Set();
    const parsed = BatchResponseSchema.safeParse(response);
    const ids = new Set(messages.map((message) => message.messageId));
    const failures = parsed.success ? (parsed.data?.batchItemFailures ?? []) : undefined;
    if (failures === undefined || failures.some((failure) => !ids.has(failure.itemIdentifier))) {
      this.report(new Error('the function returned an unreadable batchItemFailures: the whole batch failed'));
      return ids;
    }
    return new Set(failures.map((failure) => failure.itemIdentifier));
  }

  private report(error: unknown): void {
    if (this.options.onError) this.options.onError(error);
    else console.error(`[sqs ${this.options.queueName}]`, error);
  }
}

const extendToLaterInGroup = (failed: Set<string>, messages: readonly StoredMessage[]): void => {
  const stopped = new Set<string>();
  for (const message of messages) {
    const group = message.groupId ?? '';
    if (stopped.has(group)) failed.add(message.messageId);
    else if (failed.has(message.messageId)) stopped.add(group);
  }
};
