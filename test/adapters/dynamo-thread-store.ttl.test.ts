import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoThreadStore } from '../../lib/adapters/dynamo-thread-store.ts';
import { ThreadNotFoundError } from '../../lib/core/errors.ts';
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

const DAY_MS = 86_400_000;
const START_MS = Date.parse('2026-01-01T00:00:00.000Z');

describe('DynamoThreadStore with a retention period', () => {
  let nowMs: number;
  let store: DynamoThreadStore;
  let raw: RawTable;
  let make: NewEvents;
  beforeEach(async () => {
    nowMs = START_MS;
    ({ store, raw } = await local.newStore({ retentionDays: 30, now: () => nowMs }));
    make = new NewEvents();
  });

  it('stamps every item it writes with expiresAt, the retention after the write, in epoch seconds', async () => {
    await store.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });
    await store.append('t-1', [make.message('hello', 'msg-1')]);

    const stamps = (await raw.scan()).map((item) => [item.SK, item.expiresAt]);

    const expiresAt = (START_MS + 30 * DAY_MS) / 1000;
    expect(stamps.sort()).toEqual([
      ['EVENT#0000000001', expiresAt],
      [expect.stringMatching(/^KEY#/), expiresAt],
      ['SUMMARY', expiresAt],
    ]);
  });

  it('writes no expiresAt when no retention is set', async () => {
    const { store: keeper, raw: keeperRaw } = await local.newStore();
    await keeper.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });
    await keeper.append('t-1', [make.message('hello')]);

    expect((await keeperRaw.scan()).filter((item) => 'expiresAt' in item)).toEqual([]);
  });

  it('leaves out events that expired and keeps the newer ones, never reusing their seqs', async () => {
    await store.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });
    await store.append('t-1', [make.message('old one'), make.message('old two')]);
    nowMs = START_MS + 20 * DAY_MS;
    const [recent] = await store.append('t-1', [make.message('recent')]);

    nowMs = START_MS + 31 * DAY_MS;
    const { store: reader } = await local.newStore({
      tableName: raw.tableName,
      retentionDays: 30,
      now: () => nowMs,
    });
    const afterExpiry = await reader.load('t-1');
    const [next] = await reader.append('t-1', [make.message('after expiry')]);

    expect(afterExpiry.events).toEqual([recent]);
    expect(next?.seq).toBe(4);
    expect((await store.load('t-1')).events.map((event) => event.seq)).toEqual([3, 4]);
  });

  it('forgets an idempotency key once its event has expired', async () => {
    await store.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });
    await store.append('t-1', [make.message('first delivery', 'sqs-1')]);
    nowMs = START_MS + 20 * DAY_MS;
    await store.append('t-1', [make.message('keeps the thread alive')]);

    nowMs = START_MS + 31 * DAY_MS;
    const [again] = await store.append('t-1', [make.message('same key, a month later', 'sqs-1')]);

    expect(again).toMatchObject({ seq: 3, key: 'sqs-1', data: { text: 'same key, a month later' } });
    expect((await store.load('t-1')).events.map((event) => event.seq)).toEqual([2, 3]);
  });

  it('treats a thread whose summary expired as gone', async () => {
    await store.create({ threadId: 'old', agent: 'billing', at: make.clock.now() });
    nowMs = START_MS + 20 * DAY_MS;
    await store.create({ threadId: 'recent', agent: 'billing', at: make.clock.now() });

    nowMs = START_MS + 31 * DAY_MS;

    expect((await store.list()).threads.map((thread) => thread.threadId)).toEqual(['recent']);
    await expect(store.load('old')).rejects.toThrow(ThreadNotFoundError);
    await expect(store.append('old', [make.message('too late')])).rejects.toThrow(ThreadNotFoundError);
  });
});
