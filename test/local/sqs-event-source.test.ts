import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { SqsSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LocalSqs, type QueueDescription } from '../../lib/local/local-sqs.ts';
import { type SqsBatchFunction, SqsEventSource } from '../../lib/local/sqs-event-source.ts';

const queues: QueueDescription[] = [
  {
    name: 'ingress.fifo',
    fifo: true,
    visibilityTimeoutSeconds: 30,
    redrive: { deadLetterQueue: 'ingress-dlq.fifo', maxReceiveCount: 2 },
  },
  { name: 'ingress-dlq.fifo', fifo: true },
  { name: 'plain', visibilityTimeoutSeconds: 30 },
];

const setup = (handler: SqsBatchFunction, batchSize = 10) => {
  let now = 1_700_000_000_000;
  const sqs = new LocalSqs(queues, { now: () => now, region: 'eu-west-1' });
  const errors: unknown[] = [];
  const source = new SqsEventSource({
    sqs,
    queueName: 'ingress.fifo',
    handler,
    batchSize,
    onError: (error) => errors.push(error),
  });
  const send = (body: string, group: string) =>
    sqs.send('ingress.fifo', { body, groupId: group, deduplicationId: body });
  return { sqs, source, send, errors, advance: (seconds: number) => (now += seconds * 1000) };
};

/** A handler built as lambdas/ingest.ts builds its own: Powertools' FIFO batch processor. */
const powertoolsHandler = (failing: Set<string>, seen: string[]) => {
  const processor = new SqsFifoPartialProcessorAsync();
  return (event: unknown) =>
    processPartialResponse(
      event as SQSEvent,
      async (record: SQSRecord) => {
        seen.push(record.body);
        if (failing.has(record.body)) throw new Error(`cannot take ${record.body}`);
      },
      processor,
      { skipGroupOnError: true, throwOnFullBatchFailure: false },
    );
};

describe('SqsEventSource', () => {
  it('invokes the function with records shaped like Lambda’s SQS event', async () => {
    const events: unknown[] = [];
    const { source, sqs } = setup(async (event) => {
      events.push(event);
    });
    sqs.send('ingress.fifo', {
      body: '{"hello":1}',
      groupId: 'thread-1',
      deduplicationId: 'key-1',
      messageAttributes: { origin: { DataType: 'String', StringValue: 'api' } },
    });
    expect(await source.pollOnce()).toBe(1);
    expect(SqsSchema.safeParse(events[0]).success).toBe(true);
    expect(events[0]).toEqual({
      Records: [
        {
          messageId: expect.any(String),
          receiptHandle: expect.any(String),
          body: '{"hello":1}',
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: '1700000000000',
            SequenceNumber: expect.stringMatching(/^\d{20}$/),
            MessageGroupId: 'thread-1',
            SenderId: '000000000000',
            MessageDeduplicationId: 'key-1',
            ApproximateFirstReceiveTimestamp: '1700000000000',
          },
          messageAttributes: {
            origin: { stringValue: 'api', stringListValues: [], binaryListValues: [], dataType: 'String' },
          },
          md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
          md5OfBody: '8590c3ebd8fec6dda546aef5de1d99e8',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:ingress.fifo',
          awsRegion: 'eu-west-1',
        },
      ],
    });
    expect(sqs.peek('ingress.fifo')).toEqual([]);
  });

  it('returns only the failed items and the rest of their group, and redelivers them after the timeout', async () => {
    const seen: string[] = [];
    const { source, send, sqs, advance } = setup(powertoolsHandler(new Set(['a2']), seen));
    for (const [body, group] of [
      ['a1', 'a'],
      ['a2', 'a'],
      ['b1', 'b'],
      ['a3', 'a'],
    ] as const)
      send(body, group);
    await source.pollOnce();
    expect(seen).toEqual(['a1', 'a2', 'b1']);
    expect(sqs.peek('ingress.fifo').map((message) => message.body)).toEqual(['a2', 'a3']);
    expect(await source.pollOnce()).toBe(0);
    advance(30);
    seen.length = 0;
    await source.pollOnce();
    expect(seen).toEqual(['a2']);
  });

  it('keeps the later messages of a group that failed even when the function forgets to name them', async () => {
    const { source, send, sqs } = setup(async (event) => ({
      batchItemFailures: event.Records.filter((record) => record.body === 'a1').map((record) => ({
        itemIdentifier: record.messageId,
      })),
    }));
    send('a1', 'a');
    send('a2', 'a');
    send('b1', 'b');
    await source.pollOnce();
    expect(sqs.peek('ingress.fifo').map((message) => message.body)).toEqual(['a1', 'a2']);
  });

  it('fails the whole batch when the function throws, then dead-letters it after maxReceiveCount', async () => {
    const { source, send, sqs, advance, errors } = setup(async () => {
      throw new Error('down');
    });
    send('x', 'g');
    await source.pollOnce();
    advance(30);
    await source.pollOnce();
    advance(30);
    expect(await source.pollOnce()).toBe(0);
    expect(errors).toHaveLength(2);
    expect(sqs.peek('ingress-dlq.fifo').map((message) => message.body)).toEqual(['x']);
  });

  it('fails the whole batch when batchItemFailures names a message it did not hold', async () => {
    const { source, send, sqs, errors } = setup(async () => ({
      batchItemFailures: [{ itemIdentifier: 'nope' }],
    }));
    send('x', 'g');
    await source.pollOnce();
    expect(sqs.peek('ingress.fifo')).toHaveLength(1);
    expect(String(errors[0])).toMatch(/unreadable batchItemFailures/);
  });

  it('runs by itself once started, and stops cleanly', async () => {
    const seen: string[] = [];
    const { source, send } = setup(async (event) => {
      seen.push(...event.Records.map((record) => record.body));
    }, 1);
    source.start();
    send('one', 'g');
    send('two', 'h');
    while (seen.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await source.stop();
    expect(seen).toEqual(['one', 'two']);
  });
});
