import { createHash, randomUUID } from 'node:crypto';
import { md5OfMessageAttributes } from './sqs-message-attributes.ts';
import {
  checkSend,
  type QueueDescription,
  QueueDescriptionSchema,
  type QueueSettings,
  type SendInput,
  type SendResult,
  SqsError,
  type StoredMessage,
} from './sqs-queue.ts';

export {
  type QueueDescription,
  QueueDescriptionSchema,
  type QueueSettings,
  type SendInput,
  type SendResult,
  SqsError,
  type StoredMessage,
} from './sqs-queue.ts';

interface QueueState {
  queue: QueueSettings;
  messages: StoredMessage[];
  /** FIFO deduplication ids → what the first send returned, until five minutes have passed. */
  sent: Map<string, { messageId: string; sequenceNumber?: string; expiresAt: number }>;
  listeners: Set<() => void>;
}

const DEDUPLICATION_WINDOW_MS = 5 * 60 * 1000;

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * SQS semantics on one machine, for standard and FIFO queues: delays, visibility timeouts, receive
 * counts, redrive to a dead-letter queue after `maxReceiveCount` receives, FIFO ordering per message
 * group (a group's next message waits while an earlier one is in flight) and FIFO deduplication
 * within five minutes. Time comes from `now`, so tests can move it.
 */
export class LocalSqs {
  readonly region: string;
  readonly accountId: string;
  private readonly queues = new Map<string, QueueState>();
  private readonly now: () => number;
  private sequence = 0n;

  constructor(
    descriptions: readonly QueueDescription[],
    options: { now?: () => number; region?: string; accountId?: string } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.region = options.region ?? 'local';
    this.accountId = options.accountId ?? '000000000000';
    for (const description of descriptions) {
      const queue = QueueDescriptionSchema.parse(description);
      this.queues.set(queue.name, { queue, messages: [], sent: new Map(), listeners: new Set() });
    }
    for (const { queue } of this.queues.values()) {
      if (!queue.redrive) continue;
      const target = this.queues.get(queue.redrive.deadLetterQueue)?.queue;
      if (!target)
        throw new Error(`queue ${queue.name}: no dead-letter queue ${queue.redrive.deadLetterQueue}`);
      if (target.fifo !== queue.fifo)
        throw new Error(`queue ${queue.name}: its dead-letter queue's type differs`);
    }
  }

  queueNames(): string[] {
    return [...this.queues.keys()];
  }

  describeQueue(name: string): QueueSettings {
    return this.state(name).queue;
  }

  queueArn(name: string): string {
    return `arn:aws:sqs:${this.region}:${this.accountId}:${this.state(name).queue.name}`;
  }

  send(name: string, input: SendInput): SendResult {
    const { queue, messages, sent } = this.state(name);
    const deduplicationId = checkSend(queue, input);
    const attributes = input.messageAttributes ?? {};
    const md5OfBody = md5(input.body);
    const md5OfAttributes = md5OfMessageAttributes(attributes);
    const now = this.now();
    if (deduplicationId !== undefined) {
      for (const [id, entry] of sent) if (entry.expiresAt <= now) sent.delete(id);
      const earlier = sent.get(deduplicationId);
      // A duplicate is accepted and dropped: the sender hears the first message's id.
      if (earlier) {
        const { expiresAt: _expiresAt, ...first } = earlier;
        return {
          ...first,
          md5OfBody,
          ...(md5OfAttributes ? { md5OfMessageAttributes: md5OfAttributes } : {}),
        };
      }
    }
    const message: StoredMessage = {
      messageId: randomUUID(),
      body: input.body,
      md5OfBody,
      messageAttributes: attributes,
      sentTimestamp: now,
      ...(input.groupId === undefined ? {} : { groupId: input.groupId }),
      ...(deduplicationId === undefined ? {} : { deduplicationId }),
      ...(queue.fifo ? { sequenceNumber: this.nextSequenceNumber() } : {}),
      receiveCount: 0,
      visibleAt: now + (input.delaySeconds ?? queue.delaySeconds) * 1000,
    };
    messages.push(message);
    if (deduplicationId !== undefined)
      sent.set(deduplicationId, {
        messageId: message.messageId,
        ...(message.sequenceNumber ? { sequenceNumber: message.sequenceNumber } : {}),
        expiresAt: now + DEDUPLICATION_WINDOW_MS,
      });
    this.notify(name);
    return {
      messageId: message.messageId,
      md5OfBody,
      ...(md5OfAttributes ? { md5OfMessageAttributes: md5OfAttributes } : {}),
      ...(message.sequenceNumber ? { sequenceNumber: message.sequenceNumber } : {}),
    };
  }

  /**
   * Up to `maxMessages` visible messages, now in flight for the visibility timeout. A message past
   * its queue's `maxReceiveCount` moves to the dead-letter queue instead of being received.
   */
  receive(
    name: string,
    options: { maxMessages?: number; visibilityTimeoutSeconds?: number } = {},
  ): StoredMessage[] {
    const { queue, messages } = this.state(name);
    const now = this.now();
    const max = options.maxMessages ?? 1;
    const timeout = options.visibilityTimeoutSeconds ?? queue.visibilityTimeoutSeconds;
    const blockedGroups = new Set<string>();
    const received: StoredMessage[] = [];
    for (const message of [...messages]) {
      if (received.length >= max) break;
      const group = queue.fifo ? message.groupId : undefined;
      if (group !== undefined && blockedGroups.has(group)) continue;
      if (message.visibleAt > now) {
        if (group !== undefined) blockedGroups.add(group);
        continue;
      }
      if (queue.redrive && message.receiveCount >= queue.redrive.maxReceiveCount) {
        this.moveToDeadLetterQueue(name, message, queue.redrive.deadLetterQueue);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      message.visibleAt = now + timeout * 1000;
      message.receiptHandle = Buffer.from(`${message.messageId}:${randomUUID()}`).toString('base64url');
      received.push({ ...message });
    }
    return received;
  }

  /** Deletes the message this handle received last; a stale handle deletes nothing, as on SQS. */
  delete(name: string, receiptHandle: string): void {
    const state = this.state(name);
    assertHandle(receiptHandle);
    state.messages = state.messages.filter((message) => message.receiptHandle !== receiptHandle);
  }

  changeVisibility(name: string, receiptHandle: string, visibilityTimeoutSeconds: number): void {
    assertHandle(receiptHandle);
    const now = this.now();
    const message = this.state(name).messages.find((candidate) => candidate.receiptHandle === receiptHandle);
    if (!message || message.visibleAt <= now)
      throw new SqsError('MessageNotInflight', 'The message referred to is not in flight.');
    message.visibleAt = now + visibilityTimeoutSeconds * 1000;
    if (visibilityTimeoutSeconds === 0) this.notify(name);
  }

  /** Every message in the queue, visible or not, oldest first: for the UI and tests. */
  peek(name: string): StoredMessage[] {
    return this.state(name).messages.map((message) => ({ ...message }));
  }

  counts(name: string): { visible: number; inFlight: number; delayed: number } {
    const now = this.now();
    const counts = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of this.state(name).messages) {
      if (message.visibleAt <= now) counts.visible += 1;
      else if (message.receiptHandle) counts.inFlight += 1;
      else counts.delayed += 1;
    }
    return counts;
  }

  /** Calls `listener` whenever a message may have become receivable; returns the unsubscribe. */
  onAvailable(name: string, listener: () => void): () => void {
    const { listeners } = this.state(name);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  private moveToDeadLetterQueue(name: string, message: StoredMessage, target: string): void {
    const source = this.state(name);
    source.messages = source.messages.filter((candidate) => candidate !== message);
    const { receiptHandle: _handle, firstReceiveTimestamp: _first, ...kept } = message;
    this.state(target).messages.push({
      ...kept,
      receiveCount: 0,
      visibleAt: this.now(),
      ...(message.sequenceNumber ? { sequenceNumber: this.nextSequenceNumber() } : {}),
    });
    this.notify(target);
  }

  private nextSequenceNumber(): string {
    this.sequence += 1n;
    return (18_000_000_000_000_000_000n + this.sequence).toString();
  }

  private notify(name: string): void {
    for (const listener of this.state(name).listeners) listener();
  }

  private state(name: string): QueueState {
    const state = this.queues.get(name);
    if (!state) throw new SqsError('QueueDoesNotExist', `The specified queue does not exist: ${name}`);
    return state;
  }
}

const assertHandle = (receiptHandle: string): void => {
  const decoded = Buffer.from(receiptHandle, 'base64url').toString('utf8');
  if (!/^[\w-]{36}:[\w-]{36}$/.test(decoded))
    throw new SqsError('ReceiptHandleIsInvalid', `The input receipt handle "${receiptHandle}" is not valid.`);
};
