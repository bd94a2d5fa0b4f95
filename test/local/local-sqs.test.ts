import { describe, expect, it } from 'vitest';
import { LocalSqs, type QueueDescription } from '../../lib/local/local-sqs.ts';
import { md5OfMessageAttributes } from '../../lib/local/sqs-message-attributes.ts';

const setup = (queues: QueueDescription[]) => {
  let now = 1_700_000_000_000;
  const sqs = new LocalSqs(queues, { now: () => now });
  return { sqs, advance: (seconds: number) => (now += seconds * 1000), now: () => now };
};

const fifo: QueueDescription = { name: 'in.fifo', fifo: true, visibilityTimeoutSeconds: 30 };
const bodies = (messages: { body: string }[]) => messages.map((message) => message.body);

describe('LocalSqs', () => {
  it('refuses a FIFO queue whose name lacks .fifo, and a redrive to an unknown queue', () => {
    expect(() => new LocalSqs([{ name: 'in', fifo: true }])).toThrowError(/\.fifo/);
    expect(
      () => new LocalSqs([{ name: 'in', redrive: { deadLetterQueue: 'gone', maxReceiveCount: 3 } }]),
    ).toThrowError(/no dead-letter queue gone/);
  });

  it('needs a message group and a deduplication id on a FIFO queue', () => {
    const { sqs } = setup([fifo]);
    expect(() => sqs.send('in.fifo', { body: 'x', deduplicationId: 'd' })).toThrowError(
      expect.objectContaining({ code: 'MissingParameter' }),
    );
    expect(() => sqs.send('in.fifo', { body: 'x', groupId: 'g' })).toThrowError(
      expect.objectContaining({ code: 'InvalidParameterValue' }),
    );
  });

  it('drops a duplicate within five minutes and answers with the first message’s id', () => {
    const { sqs, advance } = setup([fifo]);
    const first = sqs.send('in.fifo', { body: 'a', groupId: 'g', deduplicationId: 'same' });
    advance(299);
    expect(sqs.send('in.fifo', { body: 'a', groupId: 'g', deduplicationId: 'same' })).toEqual(first);
    advance(2);
    expect(sqs.send('in.fifo', { body: 'a', groupId: 'g', deduplicationId: 'same' }).messageId).not.toBe(
      first.messageId,
    );
    expect(sqs.peek('in.fifo')).toHaveLength(2);
  });

  it('deduplicates by content when the queue says so', () => {
    const { sqs } = setup([{ ...fifo, contentBasedDeduplication: true }]);
    sqs.send('in.fifo', { body: 'same', groupId: 'g1' });
    sqs.send('in.fifo', { body: 'same', groupId: 'g2' });
    sqs.send('in.fifo', { body: 'other', groupId: 'g1' });
    expect(bodies(sqs.peek('in.fifo'))).toEqual(['same', 'other']);
  });

  it('holds a group’s later messages while an earlier one is in flight, but not other groups', () => {
    const { sqs, advance } = setup([fifo]);
    for (const [body, group] of [
      ['a1', 'a'],
      ['b1', 'b'],
      ['a2', 'a'],
      ['b2', 'b'],
    ] as const)
      sqs.send('in.fifo', { body, groupId: group, deduplicationId: body });
    const first = sqs.receive('in.fifo', { maxMessages: 1 });
    expect(bodies(first)).toEqual(['a1']);
    expect(bodies(sqs.receive('in.fifo', { maxMessages: 10 }))).toEqual(['b1', 'b2']);
    expect(sqs.receive('in.fifo', { maxMessages: 10 })).toEqual([]);
    sqs.delete('in.fifo', first[0]?.receiptHandle ?? '');
    expect(bodies(sqs.receive('in.fifo', { maxMessages: 10 }))).toEqual(['a2']);
    advance(31);
    expect(bodies(sqs.receive('in.fifo', { maxMessages: 10 }))).toEqual(['b1', 'a2', 'b2']);
  });

  it('hides a received message for the visibility timeout and counts its receives', () => {
    const { sqs, advance } = setup([{ name: 'work', visibilityTimeoutSeconds: 10 }]);
    sqs.send('work', { body: 'job' });
    expect(sqs.receive('work')[0]?.receiveCount).toBe(1);
    advance(9);
    expect(sqs.receive('work')).toEqual([]);
    expect(sqs.counts('work')).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    advance(1);
    expect(sqs.receive('work')[0]).toMatchObject({ body: 'job', receiveCount: 2 });
  });

  it('delays a message before anyone can receive it', () => {
    const { sqs, advance } = setup([{ name: 'work' }]);
    sqs.send('work', { body: 'later', delaySeconds: 5 });
    expect(sqs.counts('work')).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
    advance(5);
    expect(bodies(sqs.receive('work'))).toEqual(['later']);
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', () => {
    const { sqs, advance } = setup([
      { ...fifo, redrive: { deadLetterQueue: 'dead.fifo', maxReceiveCount: 2 } },
      { name: 'dead.fifo', fifo: true },
    ]);
    const sent = sqs.send('in.fifo', { body: 'poison', groupId: 'g', deduplicationId: 'p' });
    sqs.receive('in.fifo');
    advance(30);
    sqs.receive('in.fifo');
    advance(30);
    expect(sqs.receive('in.fifo')).toEqual([]);
    expect(sqs.peek('dead.fifo')).toEqual([
      expect.objectContaining({ messageId: sent.messageId, body: 'poison', groupId: 'g', receiveCount: 0 }),
    ]);
  });

  it('deletes only with the latest receipt handle, and rejects one it never gave', () => {
    const { sqs, advance } = setup([{ name: 'work', visibilityTimeoutSeconds: 1 }]);
    sqs.send('work', { body: 'job' });
    const stale = sqs.receive('work')[0]?.receiptHandle ?? '';
    advance(1);
    sqs.receive('work');
    sqs.delete('work', stale);
    expect(sqs.peek('work')).toHaveLength(1);
    expect(() => sqs.delete('work', 'made-up')).toThrowError(
      expect.objectContaining({ code: 'ReceiptHandleIsInvalid' }),
    );
  });

  it('rejects bodies SQS would not take', () => {
    const { sqs } = setup([{ name: 'work' }]);
    expect(() => sqs.send('work', { body: '' })).toThrowError(
      expect.objectContaining({ code: 'InvalidParameterValue' }),
    );
    expect(() => sqs.send('work', { body: 'bell\u0007' })).toThrowError(
      expect.objectContaining({ code: 'InvalidMessageContents' }),
    );
    expect(() => sqs.send('nope', { body: 'x' })).toThrowError(
      expect.objectContaining({ code: 'QueueDoesNotExist' }),
    );
  });

  it('computes MD5OfMessageAttributes over sorted names, types and values', () => {
    expect(
      md5OfMessageAttributes({
        ordinal: { DataType: 'Number', StringValue: '1' },
        category: { DataType: 'String', StringValue: 'test' },
      }),
    ).toBe('d21ae90c49061e927f57df5f5d72be1f');
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });
});
