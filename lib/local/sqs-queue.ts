import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { MessageAttributes } from './sqs-message-attributes.ts';

/** A queue as the template declares it; the local stack derives these from the synthesized stack. */
export const QueueDescriptionSchema = z
  .object({
    name: z.string().regex(/^[\w-]{1,75}(\.fifo)?$/, 'letters, digits, - and _, up to 80 with .fifo'),
    fifo: z.boolean().default(false),
    contentBasedDeduplication: z.boolean().default(false),
    visibilityTimeoutSeconds: z.number().int().min(0).max(43_200).default(30),
    delaySeconds: z.number().int().min(0).max(900).default(0),
    redrive: z
      .object({ deadLetterQueue: z.string(), maxReceiveCount: z.number().int().min(1).max(1000) })
      .optional(),
  })
  .refine((queue) => queue.fifo === queue.name.endsWith('.fifo'), 'a FIFO queue’s name ends in .fifo');
export type QueueDescription = z.input<typeof QueueDescriptionSchema>;
export type QueueSettings = z.infer<typeof QueueDescriptionSchema>;

/** Errors named as SQS names them on the wire (the SDK maps most to classes of the same name). */
export class SqsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: MessageAttributes;
  sentTimestamp: number;
  groupId?: string;
  deduplicationId?: string;
  sequenceNumber?: string;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** Epoch ms from which the message can be received: after its delay, or its visibility timeout. */
  visibleAt: number;
  /** The handle of its latest receive; older handles no longer delete it. */
  receiptHandle?: string;
}

export interface SendInput {
  body: string;
  messageAttributes?: MessageAttributes;
  groupId?: string;
  deduplicationId?: string;
  delaySeconds?: number;
}

export interface SendResult {
  messageId: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  sequenceNumber?: string;
}

/** SQS's size limit since 2025 (it was 256 KiB before). */
const MAX_BODY_BYTES = 1024 * 1024;
/** The characters SQS accepts in a body (XML's character set). */
const VALID_BODY = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

/**
 * Checks a send as SQS checks it for this queue, and returns the message's FIFO deduplication id
 * (given, or the body's SHA-256 on a queue with content-based deduplication).
 */
export const checkSend = (queue: QueueSettings, input: SendInput): string | undefined => {
  const bytes = Buffer.byteLength(input.body, 'utf8');
  if (bytes === 0 || bytes > MAX_BODY_BYTES)
    throw new SqsError('InvalidParameterValue', `a message body has 1 to ${MAX_BODY_BYTES} bytes`);
  if (!VALID_BODY.test(input.body))
    throw new SqsError('InvalidMessageContents', 'the message body has characters SQS does not accept');
  if (!queue.fifo) {
    if (input.deduplicationId !== undefined)
      throw new SqsError('InvalidParameterValue', 'MessageDeduplicationId is only valid for FIFO queues');
    return undefined;
  }
  if (!input.groupId)
    throw new SqsError('MissingParameter', 'The request must contain the parameter MessageGroupId.');
  if (input.delaySeconds !== undefined)
    throw new SqsError('InvalidParameterValue', 'a FIFO queue has no per-message DelaySeconds');
  const deduplicationId =
    input.deduplicationId ??
    (queue.contentBasedDeduplication
      ? createHash('sha256').update(input.body, 'utf8').digest('hex')
      : undefined);
  if (!deduplicationId)
    throw new SqsError(
      'InvalidParameterValue',
      'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
    );
  return deduplicationId;
};
