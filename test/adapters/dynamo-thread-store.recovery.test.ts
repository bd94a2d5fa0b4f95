import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { AppendRetry } from '../../lib/adapters/dynamo-thread-store.ts';
import { InMemoryPayloadStore } from '../../lib/adapters/payload-store.ts';
import { summarizeThread } from '../../lib/adapters/summary.ts';
import { toSummaryItem } from '../../lib/adapters/summary-item.ts';
import { eventSk, keySk, SUMMARY_SK, threadPk } from '../../lib/adapters/thread-table.ts';
import { ThreadConflictError } from '../../lib/core/errors.ts';
import { type LocalThreadStores, startLocalThreadStores } from '../support/local-thread-stores.ts';
import { NewEvents } from '../support/new-events.ts';

let local: LocalThreadStores;
beforeAll(async () => {
  local = await startLocalThreadStores();
});
afterAll(async () => {
  await local.stop();
});

/** What a crashed writer left behind: a key marker that holds an event body and names a seq. */
const crashedMarker = (seq: number) => ({
  PK: threadPk('t-1'),
  SK: keySk('sqs-7'),
  seq,
  id: 'ev-crashed',
  at: '2026-01-01T00:05:00.000Z',
  type: 'user-message',
  key: 'sqs-7',
  data: JSON.stringify({ text: 'the first delivery', channel: 'api', untrusted: false }),
});
const crashedEvent = (seq: number) => ({
  id: 'ev-crashed',
  seq,
  at: '2026-01-01T00:05:00.000Z',
  type: 'user-message',
  key: 'sqs-7',
  data: { text: 'the first delivery', channel: 'api', untrusted: false },
});

describe('DynamoThreadStore recovering from interrupted writes', () => {
  it('repairs a summary that lags behind the events when the thread is read', async () => {
    const { store, raw } = await local.newStore();
    const make = new NewEvents();
    await store.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });
    await store.append('t-1', [make.message('close it')]);
    const done = make.done('closed');
    await raw.put({ PK: threadPk('t-1'), SK: eventSk(2), seq: 2, ...done, data: JSON.stringify(done.data) });
    const before = (await store.list()).threads[0];

    await store.load('t-1');

    expect([before?.status, before?.lastSeq]).toEqual(['running', 1]);
    expect((await store.list()).threads[0]).toMatchObject({ status: 'done', lastSeq: 2, updatedAt: done.at });
  });

  it('writes the event of a key marker left by a crash when its key comes again', async () => {
    const { store, raw } = await local.newStore();
    const make = new NewEvents();
    await store.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });
    await store.append('t-1', [make.message('before the crash')]);
    await raw.put(crashedMarker(2));

    const [redelivered] = await store.append('t-1', [make.message('the redelivery', 'sqs-7')]);

    expect(redelivered).toEqual(crashedEvent(2));
    expect((await store.load('t-1')).events.map((event) => event.id)).toEqual(['ev-1', 'ev-crashed']);
  });

  it('moves a crashed key marker whose seq another event took since', async () => {
    const { store, raw } = await local.newStore();
    const make = new NewEvents();
    await store.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });
    await store.append('t-1', [make.message('before the crash')]);
    await raw.put(crashedMarker(2));
    await store.append('t-1', [make.message('took seq 2')]);

    const [redelivered] = await store.append('t-1', [make.message('the redelivery', 'sqs-7')]);

    expect(redelivered).toEqual(crashedEvent(3));
    expect((await raw.get(threadPk('t-1'), keySk('sqs-7')))?.seq).toBe(3);
    expect((await store.load('t-1')).events.map((event) => event.seq)).toEqual([1, 2, 3]);
  });

  it('finishes a fork that stopped half way when the fork is next read', async () => {
    const { store, raw } = await local.newStore();
    const make = new NewEvents();
    await store.create({ threadId: 'parent', agent: 'billing', at: make.clock.now() });
    const events = await store.append('parent', [
      make.message('one', 'k-1'),
      make.message('two'),
      make.message('three'),
    ]);
    const parent = { threadId: 'parent', atSeq: 2 };
    const summary = summarizeThread({
      threadId: 'child',
      agent: 'billing',
      createdAt: make.clock.now(),
      parent,
      events: events.slice(0, 2),
    });
    await raw.put(toSummaryItem(summary, { forkPending: true }));
    await raw.put({ ...(await raw.get(threadPk('parent'), eventSk(1))), PK: threadPk('child') });

    const child = await store.load('child');

    expect(child).toEqual({ id: 'child', agent: 'billing', events: events.slice(0, 2), parent });
    expect((await raw.get(threadPk('child'), SUMMARY_SK))?.forkPending).toBeUndefined();
    expect((await store.append('child', [make.message('again', 'k-1')]))[0]).toEqual(events[0]);
  });
});

describe('DynamoThreadStore losing every race', () => {
  const PutInput = z.object({ Item: z.object({ SK: z.string() }) });

  it('throws ThreadConflictError after the last attempt, reporting each retry', async () => {
    const { store: setup, raw } = await local.newStore();
    const make = new NewEvents();
    await setup.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });
    await setup.append('t-1', [make.message('first')]);
    // A client whose every event write is beaten to its seq by another writer, just before it lands.
    const client = new DynamoDBClient({
      endpoint: local.dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const put = PutInput.safeParse(args.input);
        if (
          context.commandName === 'PutItemCommand' &&
          put.success &&
          put.data.Item.SK.startsWith('EVENT#')
        ) {
          const seq = Number(put.data.Item.SK.slice('EVENT#'.length));
          const rival = make.message(`rival ${seq}`);
          await raw.put({
            PK: threadPk('t-1'),
            SK: eventSk(seq),
            seq,
            ...rival,
            data: JSON.stringify(rival.data),
          });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const retries: AppendRetry[] = [];
    const { store } = await local.newStore({
      tableName: raw.tableName,
      client,
      payloads: new InMemoryPayloadStore(),
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
      onRetry: (retry) => retries.push(retry),
    });

    const appending = store.append('t-1', [make.message('never lands')]);

    await expect(appending).rejects.toThrow(ThreadConflictError);
    await expect(appending).rejects.toMatchObject({ threadId: 't-1', attempts: 3 });
    expect(retries).toEqual([
      { threadId: 't-1', seq: 2, attempt: 1 },
      { threadId: 't-1', seq: 3, attempt: 2 },
    ]);
    client.destroy();
  });
});
