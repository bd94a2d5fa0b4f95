import * as z from 'zod';
import { type AwsJsonServer, AwsServiceError, startAwsJsonServer } from './aws-json-server.ts';
import { type LocalSqs, SqsError, type StoredMessage } from './local-sqs.ts';
import {
  MessageAttributesSchema,
  md5OfMessageAttributes,
  selectMessageAttributes,
} from './sqs-message-attributes.ts';

export interface SqsEndpoint extends AwsJsonServer {
  /** `http://127.0.0.1:<port>/<account>/<name>`: hand this to handlers as the queue's URL. */
  queueUrl(name: string): string;
}

const SendFields = {
  MessageBody: z.string(),
  DelaySeconds: z.number().int().min(0).max(900).optional(),
  MessageAttributes: MessageAttributesSchema.optional(),
  MessageDeduplicationId: z.string().min(1).max(128).optional(),
  MessageGroupId: z.string().min(1).max(128).optional(),
};
const QueueUrl = z.string().min(1);

const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AwsServiceError('InvalidParameterValue', z.prettifyError(parsed.error));
  return parsed.data;
};

/** `SqsError`s keep their names on the wire, in the `com.amazonaws.sqs#` namespace SQS uses. */
const asServiceError = async <T>(work: () => T | Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SqsError)
      throw new AwsServiceError(`com.amazonaws.sqs#${error.code}`, error.message);
    throw error;
  }
};

/** The queue a URL names, whatever its host: SQS reads the last path segment. */
const queueNameOf = (queueUrl: string): string => {
  try {
    const name = new URL(queueUrl).pathname.split('/').filter(Boolean).at(-1);
    if (name) return name;
  } catch {}
  throw new SqsError('QueueDoesNotExist', `The specified queue does not exist: ${queueUrl}`);
};

const sendInput = (entry: z.infer<z.ZodObject<typeof SendFields>>) => ({
  body: entry.MessageBody,
  ...(entry.MessageAttributes ? { messageAttributes: entry.MessageAttributes } : {}),
  ...(entry.MessageGroupId ? { groupId: entry.MessageGroupId } : {}),
  ...(entry.MessageDeduplicationId ? { deduplicationId: entry.MessageDeduplicationId } : {}),
  ...(entry.DelaySeconds === undefined ? {} : { delaySeconds: entry.DelaySeconds }),
});

const sendOutput = (result: ReturnType<LocalSqs['send']>) => ({
  MessageId: result.messageId,
  MD5OfMessageBody: result.md5OfBody,
  ...(result.md5OfMessageAttributes ? { MD5OfMessageAttributes: result.md5OfMessageAttributes } : {}),
  ...(result.sequenceNumber ? { SequenceNumber: result.sequenceNumber } : {}),
});

const systemAttributes = (message: StoredMessage, sqs: LocalSqs, requested: readonly string[]) => {
  const all: Record<string, string> = {
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
    SentTimestamp: String(message.sentTimestamp),
    SenderId: sqs.accountId,
    ...(message.groupId ? { MessageGroupId: message.groupId } : {}),
    ...(message.deduplicationId ? { MessageDeduplicationId: message.deduplicationId } : {}),
    ...(message.sequenceNumber ? { SequenceNumber: message.sequenceNumber } : {}),
  };
  const wanted = requested.includes('All') ? Object.keys(all) : requested;
  return Object.fromEntries(Object.entries(all).filter(([name]) => wanted.includes(name)));
};

const ReceiveSchema = z.object({
  QueueUrl,
  AttributeNames: z.array(z.string()).optional(),
  MessageSystemAttributeNames: z.array(z.string()).optional(),
  MessageAttributeNames: z.array(z.string()).optional(),
  MaxNumberOfMessages: z.number().int().min(1).max(10).optional(),
  VisibilityTimeout: z.number().int().min(0).max(43_200).optional(),
  WaitTimeSeconds: z.number().int().min(0).max(20).optional(),
});

/**
 * The SQS API over AWS JSON 1.0 (`X-Amz-Target: AmazonSQS.<Op>`) for SendMessage,
 * SendMessageBatch, ReceiveMessage (with long polling), DeleteMessage, ChangeMessageVisibility,
 * GetQueueUrl and GetQueueAttributes. The SDK sends to the QueueUrl's origin unless the client has
 * an explicit `endpoint` (`AWS_ENDPOINT_URL_SQS` alone does not override it), so handlers must be
 * given the URLs `queueUrl()` returns.
 */
export const startSqsEndpoint = async (
  sqs: LocalSqs,
  options: { port?: number } = {},
): Promise<SqsEndpoint> => {
  const closing = new AbortController();
  let endpoint = '';
  const queueUrl = (name: string): string => `${endpoint}/${sqs.accountId}/${name}`;

  const waitForMessages = (name: string, deadline: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        unsubscribe();
        closing.signal.removeEventListener('abort', done);
        resolve();
      };
      // Messages also become visible as time passes, with no event: look again now and then.
      const timer = setTimeout(done, Math.min(200, Math.max(0, deadline - Date.now())));
      const unsubscribe = sqs.onAvailable(name, done);
      closing.signal.addEventListener('abort', done);
    });

  const server = await startAwsJsonServer({
    targetPrefix: 'AmazonSQS',
    port: options.port,
    operations: {
      GetQueueUrl: (body) =>
        asServiceError(() => {
          const { QueueName } = parse(z.object({ QueueName: z.string().min(1) }), body);
          return { QueueUrl: queueUrl(sqs.describeQueue(QueueName).name) };
        }),
      SendMessage: (body) =>
        asServiceError(() => {
          const input = parse(z.object({ QueueUrl, ...SendFields }), body);
          return sendOutput(sqs.send(queueNameOf(input.QueueUrl), sendInput(input)));
        }),
      SendMessageBatch: (body) =>
        asServiceError(() => {
          const input = parse(
            z.object({ QueueUrl, Entries: z.array(z.object({ Id: z.string(), ...SendFields })) }),
            body,
          );
          const name = queueNameOf(input.QueueUrl);
          sqs.describeQueue(name);
          if (input.Entries.length === 0)
            throw new SqsError(
              'EmptyBatchRequest',
              'There should be at least one SendMessageBatchRequestEntry.',
            );
          if (input.Entries.length > 10)
            throw new SqsError(
              'TooManyEntriesInBatchRequest',
              'Maximum number of entries per request are 10.',
            );
          if (new Set(input.Entries.map((entry) => entry.Id)).size !== input.Entries.length)
            throw new SqsError('BatchEntryIdsNotDistinct', 'Two or more batch entries have the same Id.');
          if (input.Entries.some((entry) => !/^[\w-]{1,80}$/.test(entry.Id)))
            throw new SqsError(
              'InvalidBatchEntryId',
              'A batch entry id can only contain alphanumeric characters, hyphens and underscores.',
            );
          const Successful: object[] = [];
          const Failed: object[] = [];
          for (const entry of input.Entries) {
            try {
              Successful.push({ Id: entry.Id, ...sendOutput(sqs.send(name, sendInput(entry))) });
            } catch (error) {
              if (!(error instanceof SqsError)) throw error;
              Failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message });
            }
          }
          return { Successful, Failed };
        }),
      ReceiveMessage: (body) =>
        asServiceError(async () => {
          const input = parse(ReceiveSchema, body);
          const name = queueNameOf(input.QueueUrl);
          const deadline = Date.now() + (input.WaitTimeSeconds ?? 0) * 1000;
          let messages = sqs.receive(name, {
            maxMessages: input.MaxNumberOfMessages,
            visibilityTimeoutSeconds: input.VisibilityTimeout,
          });
          while (messages.length === 0 && Date.now() < deadline && !closing.signal.aborted) {
            await waitForMessages(name, deadline);
            messages = sqs.receive(name, {
              maxMessages: input.MaxNumberOfMessages,
              visibilityTimeoutSeconds: input.VisibilityTimeout,
            });
          }
          const requested = [...(input.AttributeNames ?? []), ...(input.MessageSystemAttributeNames ?? [])];
          return {
            Messages: messages.map((message) => {
              const attributes = selectMessageAttributes(
                message.messageAttributes,
                input.MessageAttributeNames ?? [],
              );
              const md5OfAttributes = md5OfMessageAttributes(attributes);
              return {
                MessageId: message.messageId,
                ReceiptHandle: message.receiptHandle,
                MD5OfBody: message.md5OfBody,
                Body: message.body,
                Attributes: systemAttributes(message, sqs, requested),
                ...(md5OfAttributes
                  ? { MessageAttributes: attributes, MD5OfMessageAttributes: md5OfAttributes }
                  : {}),
              };
            }),
          };
        }),
      DeleteMessage: (body) =>
        asServiceError(() => {
          const input = parse(z.object({ QueueUrl, ReceiptHandle: z.string().min(1) }), body);
          sqs.delete(queueNameOf(input.QueueUrl), input.ReceiptHandle);
          return {};
        }),
      ChangeMessageVisibility: (body) =>
        asServiceError(() => {
          const input = parse(
            z.object({
              QueueUrl,
              ReceiptHandle: z.string().min(1),
              VisibilityTimeout: z.number().int().min(0).max(43_200),
            }),
            body,
          );
          sqs.changeVisibility(queueNameOf(input.QueueUrl), input.ReceiptHandle, input.VisibilityTimeout);
          return {};
        }),
      GetQueueAttributes: (body) =>
        asServiceError(() => {
          const input = parse(z.object({ QueueUrl, AttributeNames: z.array(z.string()).optional() }), body);
          const name = queueNameOf(input.QueueUrl);
          const queue = sqs.describeQueue(name);
          const counts = sqs.counts(name);
          const all: Record<string, string> = {
            QueueArn: sqs.queueArn(name),
            ApproximateNumberOfMessages: String(counts.visible),
            ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
            ApproximateNumberOfMessagesDelayed: String(counts.delayed),
            VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
            DelaySeconds: String(queue.delaySeconds),
            ...(queue.fifo
              ? { FifoQueue: 'true', ContentBasedDeduplication: String(queue.contentBasedDeduplication) }
              : {}),
            ...(queue.redrive
              ? {
                  RedrivePolicy: JSON.stringify({
                    deadLetterTargetArn: sqs.queueArn(queue.redrive.deadLetterQueue),
                    maxReceiveCount: queue.redrive.maxReceiveCount,
                  }),
                }
              : {}),
          };
          const wanted = input.AttributeNames ?? [];
          return {
            Attributes: Object.fromEntries(
              Object.entries(all).filter(([key]) => wanted.includes('All') || wanted.includes(key)),
            ),
          };
        }),
    },
  });
  endpoint = server.endpoint;
  return {
    ...server,
    queueUrl: (name) => queueUrl(sqs.describeQueue(name).name),
    close: async () => {
      closing.abort();
      await server.close();
    },
  };
};
