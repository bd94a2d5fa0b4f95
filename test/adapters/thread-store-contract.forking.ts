import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidForkPointError, ThreadExistsError } from '../../lib/adapters/store-errors.ts';
import { ThreadNotFoundError } from '../../lib/core/errors.ts';
import type { Event } from '../../lib/core/events.ts';
import type { ThreadStore } from '../../lib/core/ports.ts';
import { NewEvents } from '../support/new-events.ts';
import type { MakeStore } from './thread-store.contract.ts';

export const describeForking = (makeStore: MakeStore): void => {
  describe('forking', () => {
    let store: ThreadStore;
    let make: NewEvents;
    let parentEvents: Event[];
    beforeEach(async () => {
      ({ store } = await makeStore());
      make = new NewEvents();
      await store.create({ threadId: 'parent', agent: 'billing', at: make.clock.now() });
      parentEvents = await store.append('parent', [
        make.message('refund INV-1', 'msg-1'),
        make.modelStep('lookup_invoice', { invoiceId: 'INV-1' }, { input: 50, output: 10 }, 0.001),
        make.message('actually INV-2', 'msg-2'),
        make.modelStep('lookup_invoice', { invoiceId: 'INV-2' }, { input: 70, output: 12 }, 0.002),
      ]);
    });

    it('makes a thread that holds the events up to the seq and names its parent', async () => {
      const forked = await store.fork('parent', 2, { threadId: 'child', at: make.clock.now() });

      const expected = {
        id: 'child',
        agent: 'billing',
        events: parentEvents.slice(0, 2),
        parent: { threadId: 'parent', atSeq: 2 },
      };
      expect(forked).toEqual(expected);
      expect(await store.load('child')).toEqual(expected);
      expect((await store.load('parent')).events).toEqual(parentEvents);
    });

    it('lets the fork and its parent move on apart', async () => {
      await store.fork('parent', 2, { threadId: 'child', at: make.clock.now() });

      const [inChild] = await store.append('child', [make.message('try INV-3 instead')]);
      const [inParent] = await store.append('parent', [make.done('refunded INV-2')]);

      expect(inChild?.seq).toBe(3);
      expect(inParent?.seq).toBe(5);
      expect((await store.load('child')).events.map((event) => event.seq)).toEqual([1, 2, 3]);
      expect((await store.load('parent')).events.at(-1)).toEqual(inParent);
    });

    it('keeps the idempotency keys of the events it copied, and only those', async () => {
      await store.fork('parent', 2, { threadId: 'child', at: make.clock.now() });

      const [copied] = await store.append('child', [make.message('refund INV-1, again', 'msg-1')]);
      const [fresh] = await store.append('child', [make.message('actually INV-2', 'msg-2')]);

      expect(copied).toEqual(parentEvents[0]);
      expect(fresh?.seq).toBe(3);
    });

    it('lists the fork with its parent and the totals of the events it holds', async () => {
      const at = make.clock.now();
      await store.fork('parent', 2, { threadId: 'child', at });

      const { threads } = await store.list({ agent: 'billing', limit: 1 });

      expect(threads).toEqual([
        {
          threadId: 'child',
          agent: 'billing',
          status: 'running',
          createdAt: at,
          updatedAt: at,
          lastSeq: 2,
          inputTokens: 50,
          outputTokens: 10,
          costUsd: 0.001,
          parent: { threadId: 'parent', atSeq: 2 },
        },
      ]);
    });

    it('forks at seq 0 into an empty thread, and at the last seq into a whole copy', async () => {
      const empty = await store.fork('parent', 0, { threadId: 'empty', at: make.clock.now() });
      const whole = await store.fork('parent', 4, { threadId: 'whole', at: make.clock.now() });

      expect(empty.events).toEqual([]);
      expect((await store.load('empty')).parent).toEqual({ threadId: 'parent', atSeq: 0 });
      expect(whole.events).toEqual(parentEvents);
      expect((await store.load('whole')).events).toEqual(parentEvents);
    });

    it('throws InvalidForkPointError for a seq the parent does not hold', async () => {
      await expect(store.fork('parent', 5, { threadId: 'child', at: make.clock.now() })).rejects.toThrow(
        InvalidForkPointError,
      );
      await expect(store.fork('parent', -1, { threadId: 'child', at: make.clock.now() })).rejects.toThrow(
        'cannot fork at seq -1: the thread holds seqs 1..4',
      );
      await expect(store.load('child')).rejects.toThrow(ThreadNotFoundError);
    });

    it('throws when the parent is missing or the new id is taken', async () => {
      await store.create({ threadId: 'taken', agent: 'billing', at: make.clock.now() });

      await expect(store.fork('nowhere', 0, { threadId: 'child', at: make.clock.now() })).rejects.toThrow(
        ThreadNotFoundError,
      );
      await expect(store.fork('parent', 1, { threadId: 'taken', at: make.clock.now() })).rejects.toThrow(
        ThreadExistsError,
      );
      expect((await store.load('taken')).events).toEqual([]);
    });
  });
};
