import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoThreadStore } from '../../lib/adapters/dynamo-thread-store.ts';
import { InMemoryPayloadStore } from '../../lib/adapters/payload-store.ts';
import { eventSk, keySk, StoredEventItemSchema, threadPk } from '../../lib/adapters/thread-table.ts';
import { CorruptEventError } from '../../lib/core/errors.ts';
import {
  type LocalThreadStores,
  PAYLOAD_BUCKET,
  startLocalThreadStores,
} from '../support/local-thread-stores.ts';
import { filler, NewEvents } from '../support/new-events.ts';

let local: LocalThreadStores;
beforeAll(async () => {
  local = await startLocalThreadStores();
});
afterAll(async () => {
  await local.stop();
});

const largeResult = (seed: number) => ({ report: filler(500_000, seed) });

/** The payload key an item points at, read the way the store reads it. */
const payloadKeyOf = (item: Record<string, unknown> | undefined): string =>
  StoredEventItemSchema.parse(item).dataRef?.key ?? 'no payload';

describe('DynamoThreadStore with large event data', () => {
  it('puts data over the threshold in the payload bucket and leaves a pointer in the item', async () => {
    const { store, raw } = await local.newStore();
    const make = new NewEvents();
    await store.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });
    const event = make.toolResult('call-1', 'export_ledger', largeResult(1));

    await store.append('t-1', [event]);

    const item = await raw.get(threadPk('t-1'), eventSk(1));
    expect(item).toEqual({
      PK: threadPk('t-1'),
      SK: eventSk(1),
      seq: 1,
      id: event.id,
      at: event.at,
      type: 'tool-result',
      schemaVersion: 1,
      dataRef: {
        key: expect.stringMatching(/^threads\/t-1\/ev-1-[0-9a-f]{64}\.json$/),
        bytes: expect.any(Number),
        sha256: expect.any(String),
      },
    });
    const key = payloadKeyOf(item);
    expect(local.s3.objects.get(`${PAYLOAD_BUCKET}/${key}`)?.toString()).toBe(JSON.stringify(event.data));
    const { store: reader } = await local.newStore({ tableName: raw.tableName });
    expect((await reader.load('t-1')).events).toEqual([{ ...event, seq: 1 }]);
  });

  it('keeps data up to the threshold inline, and the threshold can be set', async () => {
    const payloads = new InMemoryPayloadStore();
    const { store, raw } = await local.newStore({ payloads, offloadThresholdBytes: 4096 });
    const make = new NewEvents();
    await store.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });

    await store.append('t-1', [make.message(filler(4000)), make.message(filler(4200))]);

    expect(typeof (await raw.get(threadPk('t-1'), eventSk(1)))?.data).toBe('string');
    expect((await raw.get(threadPk('t-1'), eventSk(2)))?.dataRef).toEqual(
      expect.objectContaining({ bytes: 4245 }),
    );
    expect(payloads.size).toBe(1);
  });

  it('keeps every item far below the 400 KB limit', async () => {
    const { store, raw } = await local.newStore();
    const make = new NewEvents();
    await store.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });

    await store.append('t-1', [
      make.toolResult('call-1', 'export', largeResult(2), 'key-1'),
      make.message(filler(64 * 1024 - 100)),
      make.toolResult('call-2', 'export', { rows: Array.from({ length: 20_000 }, (_, row) => row) }),
    ]);

    const sizes = (await raw.scan()).map((item) => JSON.stringify(item).length);
    expect(sizes).toHaveLength(5);
    expect(Math.max(...sizes)).toBeLessThan(70_000);
  });

  it('returns the original large event to a repeat of its key, read back from the payload', async () => {
    const { store, raw } = await local.newStore();
    const make = new NewEvents();
    await store.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });
    const original = make.toolResult('call-1', 'export', largeResult(3), 'delivery-1');
    await store.append('t-1', [original]);
    const { store: another } = await local.newStore({ tableName: raw.tableName });

    const [repeat] = await another.append('t-1', [
      make.toolResult('call-1', 'export', largeResult(4), 'delivery-1'),
    ]);

    expect(repeat).toEqual({ ...original, seq: 1 });
    expect((await raw.get(threadPk('t-1'), keySk('delivery-1')))?.dataRef).toEqual(
      (await raw.get(threadPk('t-1'), eventSk(1)))?.dataRef,
    );
  });

  it('throws CorruptEventError when a payload is missing or does not match its hash', async () => {
    const { store, raw } = await local.newStore();
    const make = new NewEvents();
    await store.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });
    await store.append('t-1', [make.toolResult('call-1', 'export', largeResult(5))]);
    const key = `${PAYLOAD_BUCKET}/${payloadKeyOf(await raw.get(threadPk('t-1'), eventSk(1)))}`;
    const body = local.s3.objects.get(key) ?? Buffer.alloc(0);

    local.s3.objects.set(key, Buffer.from(body.toString().replace('invoice', 'invoise')));
    const tampered = (await local.newStore({ tableName: raw.tableName })).store.load('t-1');
    await expect(tampered).rejects.toThrow(CorruptEventError);
    await expect(tampered).rejects.toThrow(
      /^thread t-1 seq 1: stored event is not valid: payload .* does not match its hash$/,
    );

    local.s3.objects.delete(key);
    const missing = (await local.newStore({ tableName: raw.tableName })).store.load('t-1');
    await expect(missing).rejects.toThrow(
      /^thread t-1 seq 1: stored event is not valid: payload .* could not be read$/,
    );
    await expect(missing).rejects.toMatchObject({ cause: { name: 'PayloadNotFoundError' } });
  });

  it('lets a fork point at its parent’s payloads instead of copying them', async () => {
    const { store, raw } = await local.newStore();
    const make = new NewEvents();
    await store.create({ threadId: 'parent', agent: 'billing', at: make.clock.now() });
    const [large] = await store.append('parent', [make.toolResult('call-1', 'export', largeResult(6))]);
    const objects = local.s3.objects.size;

    await store.fork('parent', 1, { threadId: 'child', at: make.clock.now() });

    const { store: reader } = await local.newStore({ tableName: raw.tableName });
    expect((await reader.load('child')).events).toEqual([large]);
    expect(local.s3.objects.size).toBe(objects);
  });

  it('refuses a threshold that would let an item near 400 KB', () => {
    expect(
      () =>
        new DynamoThreadStore({
          tableName: 'threads',
          payloads: new InMemoryPayloadStore(),
          offloadThresholdBytes: 390_000,
        }),
    ).toThrow(/^DynamoThreadStore options: offloadThresholdBytes: /);
  });
});
