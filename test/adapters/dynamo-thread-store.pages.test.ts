import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalThreadStores, startLocalThreadStores } from '../support/local-thread-stores.ts';
import { filler, NewEvents } from '../support/new-events.ts';

let local: LocalThreadStores;
beforeAll(async () => {
  local = await startLocalThreadStores();
});
afterAll(async () => {
  await local.stop();
});

describe('DynamoThreadStore reading large threads', () => {
  it('reads a thread of more than 1 MB through more than one Query page', async () => {
    const { store: writer, raw } = await local.newStore();
    const make = new NewEvents();
    await writer.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });
    const appended = await writer.append(
      't-1',
      Array.from({ length: 40 }, (_, index) => make.message(filler(30_000, index))),
    );
    const { store: reader } = await local.newStore({ tableName: raw.tableName });

    const { events } = await reader.load('t-1');

    expect(events).toEqual(appended);
    expect(reader.requests.get('Query')).toBe(2);
  });

  it('asks only for the events after the ones it has read before', async () => {
    const { store: writer, raw } = await local.newStore();
    const make = new NewEvents();
    await writer.create({ threadId: 't-1', agent: 'billing', at: make.clock.now() });
    await writer.append('t-1', [make.message('one'), make.message('two')]);
    const { store: reader } = await local.newStore({ tableName: raw.tableName });
    await reader.load('t-1');
    const [third] = await writer.append('t-1', [make.message('three')]);
    const queriesBefore = reader.requests.get('Query') ?? 0;

    const { events } = await reader.load('t-1');

    expect(events.map((event) => event.seq)).toEqual([1, 2, 3]);
    expect(events[2]).toEqual(third);
    expect(reader.requests.get('Query')).toBe(queriesBefore + 1);
  });
});
