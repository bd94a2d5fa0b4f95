import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterQueue, Replay } from '../service/redrive.ts';
import { deduplicationIdOf } from './sqs-ingress-queue.ts';

/** How long a received dead letter stays hidden while it is replayed. */
const REPLAY_SECONDS = 60;

/** A dead-letter queue on SQS. */
export class SqsDeadLetterQueue implements DeadLetterQueue {
  constructor(
    readonly name: string,
    private readonly queueUrl: string,
    private readonly client: SQSClient,
  ) {}

  async receive(max: number): Promise<{ letter: DeadLetter; receipt: string }[]> {
    const { Messages = [] } = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: max,
        VisibilityTimeout: REPLAY_SECONDS,
        // A short wait asks every server of the queue, so an empty answer means empty.
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    return Messages.flatMap((message) =>
      message.MessageId === undefined || message.ReceiptHandle === undefined
        ? []
        : [
            {
              receipt: message.ReceiptHandle,
              letter: {
                id: message.MessageId,
                body: message.Body ?? '',
                ...(message.Attributes?.MessageGroupId === undefined
                  ? {}
                  : { groupId: message.Attributes.MessageGroupId }),
              },
            },
          ],
    );
  }

  async remove(receipt: string): Promise<void> {
    await this.client.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receipt }));
  }
}

/**
 * Sends a dead letter back to its source queue, body unchanged. On a FIFO queue it keeps its
 * group, and its deduplication id is new (`redrive:<id>`): the original's id may still be inside
 * SQS's five-minute window, which would drop the message silently. A redrive that runs twice sends
 * the same id, and the consumer appends the body's key once in any case.
 */
export const sqsQueueReplay =
  (queueUrl: string, client: SQSClient): Replay =>
  async (letter) => {
    const fifo = queueUrl.endsWith('.fifo');
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: letter.body,
        ...(fifo
          ? {
              MessageGroupId: letter.groupId ?? 'redrive',
              MessageDeduplicationId: deduplicationIdOf(`redrive:${letter.id}`),
            }
          : {}),
      }),
    );
  };
