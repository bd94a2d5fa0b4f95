import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSk, threadPk } from '../../lib/adapters/thread-table.ts';
import { FutureEventVersionError, UpcastError } from '../../lib/core/errors.ts';
import { hashArgs } from '../../lib/core/hash.ts';
import { EVENT_UPCASTERS, type UpcasterChain } from '../../lib/core/upcasters.ts';
import { type EarlierEvent, earlierKeyMarker, earlierThreadItems } from '../support/earlier-deploy.ts';
import { EARLIER_SHAPES } from '../support/earlier-shapes.ts';
import { type LocalThreadStores, startLocalThreadStores } from '../support/local-thread-stores.ts';
import { NewEvents } from '../support/new-events.ts';

let local: LocalThreadStores;
beforeAll(async () => {
  local = await startLocalThreadStores();
});
afterAll(async () => {
  await local.stop();
});

const at = '2026-01-01T00:00:00.000Z';
const request: EarlierEvent = { id: 'ev-1', at, type: 'user-message', data: { text: 'Refund INV-1001' } };
/** A model step as the earlier deploy stored it: tokens under `tokens`, not `usage`. */
const earlierStep: EarlierEvent = {
  id: 'ev-2',
  at,
  type: 'model-step',
  data: { tool: 'lookup', args: {}, model: 'm', tokens: { input: 5, output: 2 }, costUsd: 0.001 },
};
const upcastStep = {
  id: 'ev-2',
  seq: 2,
  at,
  type: 'model-step',
  data: { tool: 'lookup', args: {}, model: 'm', usage: { inputTokens: 5, outputTokens: 2 }, costUsd: 0.001 },
};

/** A table holding thread t-1 as the earlier deploy left it, and a store reading it with `upcasters`. */
const earlierTable = async (events: readonly EarlierEvent[], upcasters: UpcasterChain = EARLIER_SHAPES) => {
  const { raw } = await local.newStore();
  const thread = { threadId: 't-1', agent: 'refunds', status: 'running' as const };
  for (const item of earlierThreadItems(thread, events)) await raw.put(item);
  const { store } = await local.newStore({ tableName: raw.tableName, upcasters });
  return { store, raw };
};

describe('DynamoThreadStore and schema versions', () => {
  it('stamps every event it writes with its type’s current version', async () => {
    const { store, raw } = await local.newStore({ upcasters: EARLIER_SHAPES });
    const make = new NewEvents();
    await store.create({ threadId: 't-1', agent: 'refunds', at: make.clock.now() });

    await store.append('t-1', [make.message('hi'), make.modelStep('lookup', {}, { input: 1, output: 1 }, 0)]);

    expect((await raw.get(threadPk('t-1'), eventSk(1)))?.schemaVersion).toBe(1);
    expect((await raw.get(threadPk('t-1'), eventSk(2)))?.schemaVersion).toBe(2);
  });

  it('reads items stored without a version, under the code base’s chain, exactly as before', async () => {
    const stepToday = { ...earlierStep, data: upcastStep.data };
    const { store } = await earlierTable([request, stepToday], EVENT_UPCASTERS);

    expect((await store.load('t-1')).events).toEqual([
      {
        id: 'ev-1',
        seq: 1,
        at,
        type: 'user-message',
        data: { text: 'Refund INV-1001', channel: 'api', untrusted: false },
      },
      upcastStep,
    ]);
  });

  it('reads an item without a version as version 1 and upcasts it to today’s shape', async () => {
    const { store } = await earlierTable([request, earlierStep]);

    expect((await store.load('t-1')).events[1]).toEqual(upcastStep);
  });

  it('reads old and new versions of one type side by side in one thread', async () => {
    const { store } = await earlierTable([request, earlierStep]);
    const make = new NewEvents();

    await store.append('t-1', [make.modelStep('lookup', {}, { input: 3, output: 4 }, 0)]);

    const usages = (await store.load('t-1')).events.flatMap((event) =>
      event.type === 'model-step' ? [event.data.usage] : [],
    );
    expect(usages).toEqual([
      { inputTokens: 5, outputTokens: 2 },
      { inputTokens: 3, outputTokens: 4 },
    ]);
  });

  it('throws FutureEventVersionError naming the thread and event for a version it does not know', async () => {
    const { store, raw } = await earlierTable([request]);
    await raw.put({
      PK: threadPk('t-1'),
      SK: eventSk(2),
      seq: 2,
      id: 'ev-from-the-future',
      at,
      type: 'model-step',
      schemaVersion: 3,
      data: JSON.stringify({ anything: true }),
    });

    const loading = store.load('t-1');

    await expect(loading).rejects.toThrow(FutureEventVersionError);
    await expect(loading).rejects.toThrow(
      'thread t-1 seq 2 (event ev-from-the-future, model-step): stored at schema version 3, but this deployment reads model-step only up to version 2',
    );
  });

  it('throws UpcastError naming the thread and event when an upcaster’s output fails the schema', async () => {
    const careless: UpcasterChain = { 'user-message': [(data) => ({ said: data })] };
    const { store } = await earlierTable([request], careless);

    await expect(store.load('t-1')).rejects.toMatchObject({
      name: 'UpcastError',
      threadId: 't-1',
      seq: 1,
      eventId: 'ev-1',
      type: 'user-message',
      message:
        'thread t-1 seq 1 (event ev-1, user-message): cannot upcast from schema version 1: the result does not fit user-message version 2: data.text: expected string, received undefined',
    });
  });

  it('throws UpcastError when an item is not even the old shape its version says', async () => {
    const { store } = await earlierTable([request, { ...earlierStep, data: { tool: 'lookup' } }]);

    await expect(store.load('t-1')).rejects.toThrow(UpcastError);
  });

  it('completes an earlier deploy’s half-written keyed event in today’s shape', async () => {
    const earlierRequest = {
      id: 'ev-apr',
      at,
      type: 'approval-request',
      key: 'approval:ev-2',
      data: { approvalId: 'apr-1', callId: 'ev-2', tool: 'refund', argumentsJson: '{"amountEur":120}' },
    };
    const { store, raw } = await earlierTable([request, earlierStep]);
    // The earlier deploy claimed seq 3 with the key's marker, then stopped before the event.
    await raw.put(earlierKeyMarker('t-1', 3, earlierRequest));
    const make = new NewEvents();
    const retry = {
      ...make.approvalRequest('ev-2', 'refund', { amountEur: 120 }),
      key: 'approval:ev-2',
    };

    const [stored] = await store.append('t-1', [retry]);

    const upcastRequest = {
      id: 'ev-apr',
      seq: 3,
      at,
      type: 'approval-request',
      key: 'approval:ev-2',
      data: {
        approvalId: 'apr-1',
        callId: 'ev-2',
        tool: 'refund',
        args: { amountEur: 120 },
        argsHash: hashArgs({ amountEur: 120 }),
      },
    };
    expect(stored).toEqual(upcastRequest);
    expect((await store.load('t-1')).events[2]).toEqual(upcastRequest);
  });

  it('keeps an old item’s version when it forks the thread', async () => {
    const { store, raw } = await earlierTable([request, earlierStep]);

    await store.fork('t-1', 2, { threadId: 't-2', at });

    expect((await raw.get(threadPk('t-2'), eventSk(2)))?.schemaVersion).toBeUndefined();
    const { store: reader } = await local.newStore({ tableName: raw.tableName, upcasters: EARLIER_SHAPES });
    expect((await reader.load('t-2')).events[1]).toEqual(upcastStep);
  });
});
