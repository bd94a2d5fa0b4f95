import { beforeEach, describe, expect, it } from 'vitest';
import { ThreadExistsError } from '../../lib/adapters/store-errors.ts';
import { ThreadNotFoundError } from '../../lib/core/errors.ts';
import type { ThreadStore } from '../../lib/core/ports.ts';
import { NewEvents } from '../support/new-events.ts';
import type { MakeStore } from './thread-store.contract.ts';

export const describeAppending = (makeStore: MakeStore): void => {
  describe('creating, appending and loading', () => {
    let store: ThreadStore;
    let make: NewEvents;
    beforeEach(async () => {
      ({ store } = await makeStore());
      make = new NewEvents();
    });

    it('creates an empty thread and loads it back', async () => {
      const created = await store.create({
        threadId: 't-1',
        agent: 'billing',
        at: '2026-01-01T00:00:00.000Z',
      });

      expect(created).toEqual({ id: 't-1', agent: 'billing', events: [] });
      expect(await store.load('t-1')).toEqual({ id: 't-1', agent: 'billing', events: [] });
    });

    it('throws ThreadExistsError when the thread already exists', async () => {
      await store.create({ threadId: 't-1', agent: 'billing', at: '2026-01-01T00:00:00.000Z' });

      await expect(
        store.create({ threadId: 't-1', agent: 'other', at: '2026-01-02T00:00:00.000Z' }),
      ).rejects.toThrow(ThreadExistsError);
      expect((await store.load('t-1')).agent).toBe('billing');
    });

    it('throws ThreadNotFoundError when loading or appending to a thread that does not exist', async () => {
      await expect(store.load('nowhere')).rejects.toThrow(ThreadNotFoundError);
      await expect(store.append('nowhere', [make.message('hello')])).rejects.toThrow(ThreadNotFoundError);
      await expect(store.append('nowhere', [])).rejects.toThrow(ThreadNotFoundError);
    });

    it('gives appended events the next seqs, in order, and loads them back whole', async () => {
      await store.create({ threadId: 't-1', agent: 'billing', at: '2026-01-01T00:00:00.000Z' });
      const first = make.message('refund INV-1');
      const batch = [
        make.modelStep('lookup_invoice', { invoiceId: 'INV-1' }, { input: 120, output: 30 }, 0.002),
      ];
      batch.push(
        make.toolResult(batch[0]?.id ?? '', 'lookup_invoice', { amount: 42, lines: [{ sku: 'A', qty: 2 }] }),
      );

      const stored = [...(await store.append('t-1', [first])), ...(await store.append('t-1', batch))];

      const expected = [first, ...batch].map((event, index) => ({ ...event, seq: index + 1 }));
      expect(stored).toEqual(expected);
      expect(await store.load('t-1')).toEqual({ id: 't-1', agent: 'billing', events: expected });
    });

    it('returns the stored event and adds nothing when a key is already in the thread', async () => {
      await store.create({ threadId: 't-1', agent: 'billing', at: '2026-01-01T00:00:00.000Z' });
      const [original] = await store.append('t-1', [make.message('first', 'sqs-1')]);

      const repeat = await store.append('t-1', [
        make.message('first, redelivered', 'sqs-1'),
        make.message('next'),
      ]);

      expect(repeat[0]).toEqual(original);
      expect(repeat[1]?.seq).toBe(2);
      expect((await store.load('t-1')).events.map((event) => event.seq)).toEqual([1, 2]);
    });

    it('treats a key repeated inside one batch as the same event', async () => {
      await store.create({ threadId: 't-1', agent: 'billing', at: '2026-01-01T00:00:00.000Z' });

      const stored = await store.append('t-1', [make.message('once', 'k'), make.message('twice', 'k')]);

      expect(stored[1]).toEqual(stored[0]);
      expect((await store.load('t-1')).events).toEqual([stored[0]]);
    });

    it('keeps threads apart: the same key in two threads is two events', async () => {
      await store.create({ threadId: 't-1', agent: 'billing', at: '2026-01-01T00:00:00.000Z' });
      await store.create({ threadId: 't-2', agent: 'billing', at: '2026-01-01T00:00:00.000Z' });

      await store.append('t-1', [make.message('one', 'shared-key')]);
      const [second] = await store.append('t-2', [make.message('two', 'shared-key')]);

      expect(second?.data).toEqual({ text: 'two', channel: 'api', untrusted: false });
      expect((await store.load('t-1')).events).toHaveLength(1);
    });
  });
};
