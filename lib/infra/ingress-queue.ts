import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** How many times the ingest function may fail a message before it is dead-lettered. */
export const MAX_RECEIVE_COUNT = 5;

export interface IngressQueueProps {
  /** The consumer's timeout: the visibility timeout must outlast a batch's retries. */
  consumerTimeout: Duration;
}

/**
 * The FIFO queue every trigger writes to, grouped by thread so one thread's messages stay in
 * order while threads run in parallel (per-group throughput). Producers set
 * `MessageDeduplicationId = key`. Content-based deduplication is on only because EventBridge
 * Scheduler cannot set a deduplication id and refuses a FIFO target without it; an explicit id
 * always wins over the body hash, so for every other producer nothing changes.
 */
export class IngressQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: IngressQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      fifo: true,
      contentBasedDeduplication: true,
      deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's advice for a Lambda event source: at least six times the function's timeout.
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
  }
}
