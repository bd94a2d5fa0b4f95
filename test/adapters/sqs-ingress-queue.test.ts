import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { deduplicationIdOf, SqsIngressQueue } from '../../lib/adapters/sqs-ingress-queue.ts';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingress.fifo';
const sqs = mockClient(SQSClient);

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

describe('SqsIngressQueue', () => {
  it('sends the message as JSON in its thread’s group, deduplicated by its key', async () => {
    const queue = new SqsIngressQueue({ queueUrl: QUEUE, client: new SQSClient({ region: 'eu-west-1' }) });

    await queue.send({
      kind: 'message',
      threadId: 'th-1',
      text: 'Hello',
      channel: 'api',
      untrusted: false,
      key: 'idem-1',
    });

    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: QUEUE,
      MessageBody:
        '{"kind":"message","threadId":"th-1","text":"Hello","channel":"api","untrusted":false,"key":"idem-1"}',
      MessageGroupId: 'th-1',
      MessageDeduplicationId: 'idem-1',
    });
  });

  it('hashes a key SQS would refuse as a deduplication id', () => {
    const messageId = 'mail:<CAEddw6POFV_On91m+ZoL_SN8B_M2goDe_Ni355owhc7QSjPQSQ@amazon.com>';

    expect(deduplicationIdOf(messageId)).toBe(messageId);
    expect(deduplicationIdOf('mail:<ü@example.com>')).toMatch(/^[0-9a-f]{64}$/);
    expect(deduplicationIdOf('has space')).toMatch(/^[0-9a-f]{64}$/);
    expect(deduplicationIdOf('x'.repeat(129))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a message that is not an ingress message before sending it', async () => {
    const queue = new SqsIngressQueue({ queueUrl: QUEUE, client: new SQSClient({ region: 'eu-west-1' }) });

    await expect(
      queue.send({
        kind: 'message',
        threadId: 'th-1',
        text: '',
        channel: 'api',
        untrusted: false,
        key: 'k',
      }),
    ).rejects.toThrow();
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('refuses a queue that is not FIFO', () => {
    expect(() => new SqsIngressQueue({ queueUrl: QUEUE.replace('.fifo', '') })).toThrow(
      'the ingress queue must be FIFO',
    );
  });
});
