import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoThreadStore } from '../../lib/adapters/dynamo-thread-store.ts';
import { CorruptSummaryError } from '../../lib/adapters/store-errors.ts';
import { eventSk, SUMMARY_SK, threadPk } from '../../lib/adapters/thread-table.ts';
import { CorruptEventError } from '../../lib/core/errors.ts';
import {
  type LocalThreadStores,
  type RawTable,
  startLocalThreadStores,
} from '../support/local-thread-stores.ts';
import { NewEvents } from '../support/new-events.ts';

let local: LocalThreadStores;
beforeAll(async () => {
  local = await startLocalThreadStores();
});
afterAll(async () => {
  await local.stop();
});

describe('DynamoThreadStore reading damaged items', () => {
  let writer: DynamoThreadStore;
  let reader: DynamoThreadStore;
  let raw: RawTable;
  beforeEach(async () => {
    ({ store: writer, raw } = await local.newStore());
    // A second store reads: it has cached nothing, as a fresh Lambda would not have.
    ({ store: reader } = await local.newStore({ tableName: raw.tableName }));
    const make = new NewEvents();
    await writer.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });
    await writer.append('t-1', [make.message('first'), make.message('second')]);
  });
  const eventItem = (seq: number, fields: Record<string, unknown>) => ({
    PK: threadPk('t-1'),
    SK: eventSk(seq),
    seq,
    id: `ev-bad-${seq}`,
    at: '2026-01-01T00:10:00.000Z',
    ...fields,
  });

  it('throws CorruptEventError naming the thread and seq when data does not fit its type', async () => {
    await raw.put(eventItem(2, { type: 'user-message', data: JSON.stringify({ txt: 42 }) }));

    const loading = reader.load('t-1');

    await expect(loading).rejects.toThrow(CorruptEventError);
    await expect(loading).rejects.toMatchObject({ threadId: 't-1', seq: 2 });
    await expect(loading).rejects.toThrow(
      'thread t-1 seq 2: stored event is not valid: user-message: data.text: expected string, received undefined',
    );
  });

  it('throws CorruptEventError for an event of a type it does not know', async () => {
    await raw.put(eventItem(3, { type: 'telepathy', data: JSON.stringify({ thought: 'refund' }) }));

    await expect(reader.load('t-1')).rejects.toThrow(
      'thread t-1 seq 3: stored event is not valid: unknown event type "telepathy"',
    );
  });

  it('throws CorruptEventError when data is not JSON', async () => {
    await raw.put(eventItem(3, { type: 'user-message', data: '{"text": "cut off' }));

    await expect(reader.load('t-1')).rejects.toThrow(
      'thread t-1 seq 3: stored event is not valid: data is not JSON',
    );
  });

  it('throws CorruptEventError for an item that is not an event at all', async () => {
    await raw.put({ PK: threadPk('t-1'), SK: eventSk(3), note: 'written by hand' });

    await expect(reader.load('t-1')).rejects.toMatchObject({
      name: 'CorruptEventError',
      threadId: 't-1',
      seq: 3,
    });
  });

  it('throws CorruptEventError when the sort key and the seq disagree', async () => {
    await raw.put(eventItem(3, { seq: 7, type: 'user-message', data: JSON.stringify({ text: 'hi' }) }));

    await expect(reader.load('t-1')).rejects.toThrow(
      'thread t-1 seq 3: stored event is not valid: its sort key says seq 3, its seq says 7',
    );
  });

  it('throws CorruptEventError naming the missing seq when the thread has a gap', async () => {
    await raw.put(eventItem(4, { type: 'user-message', data: JSON.stringify({ text: 'after a gap' }) }));

    await expect(reader.load('t-1')).rejects.toThrow(
      'thread t-1 seq 3: stored event is not valid: missing: the thread goes from seq 2 to 4',
    );
  });

  it('throws CorruptSummaryError when the summary item is damaged, on load and on list', async () => {
    const summary = await raw.get(threadPk('t-1'), SUMMARY_SK);
    await raw.put({ ...summary, status: 'sleeping' });

    await expect(reader.load('t-1')).rejects.toThrow(CorruptSummaryError);
    await expect(reader.list({ agent: 'billing' })).rejects.toThrow(
      /^thread t-1: stored summary is not valid: status: /,
    );
  });

  it('still stores an append after a damaged event, and reports the summary it could not update', async () => {
    await raw.put(eventItem(2, { type: 'user-message', data: JSON.stringify({ txt: 42 }) }));
    const reported: unknown[] = [];
    const { store } = await local.newStore({
      tableName: raw.tableName,
      onSummaryError: (error) => reported.push(error),
    });

    const [stored] = await store.append('t-1', [new NewEvents().message('third')]);

    expect(stored?.seq).toBe(3);
    expect(reported).toEqual([expect.objectContaining({ name: 'CorruptEventError', seq: 2 })]);
  });
});
