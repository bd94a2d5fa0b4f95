import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidCursorError } from '../../lib/adapters/store-errors.ts';
import type { ListThreadsQuery, ThreadStore, ThreadSummary } from '../../lib/core/ports.ts';
import { NewEvents } from '../support/new-events.ts';
import type { MakeStore } from './thread-store.contract.ts';

/** Follows cursors until the store has nothing more to list. */
const listAll = async (store: ThreadStore, query: ListThreadsQuery): Promise<ThreadSummary[]> => {
  const threads: ThreadSummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page += 1) {
    const result = await store.list({ ...query, ...(cursor === undefined ? {} : { cursor }) });
    threads.push(...result.threads);
    cursor = result.cursor;
    if (cursor === undefined) return threads;
  }
  throw new Error('the cursors never ran out');
};

export const describeListing = (makeStore: MakeStore): void => {
  describe('listing summaries', () => {
    let store: ThreadStore;
    let make: NewEvents;
    beforeEach(async () => {
      ({ store } = await makeStore());
      make = new NewEvents();
    });

    it('summarizes status, totals and what the thread waits for from its events', async () => {
      const createdAt = make.clock.now();
      await store.create({ threadId: 't-1', agent: 'billing', at: createdAt });
      const step = make.modelStep(
        'send_invoice',
        { to: 'a@example.com' },
        { input: 1000, output: 200 },
        0.0125,
      );
      const approval = make.approvalRequest(step.id, 'send_invoice', { to: 'a@example.com' });
      await store.append('t-1', [make.message('invoice them'), step, approval]);

      const { threads } = await store.list({ agent: 'billing' });

      expect(threads).toEqual([
        {
          threadId: 't-1',
          agent: 'billing',
          status: 'awaiting-approval',
          createdAt,
          updatedAt: approval.at,
          lastSeq: 3,
          inputTokens: 1000,
          outputTokens: 200,
          costUsd: 0.0125,
          waitingFor: 'approval of send_invoice',
        },
      ]);
    });

    describe('with threads of two agents, some done', () => {
      const created: { threadId: string; agent: string; done: boolean }[] = [];
      beforeEach(async () => {
        created.length = 0;
        for (let index = 0; index < 8; index += 1) {
          const thread = {
            threadId: `t-${index}`,
            agent: index % 3 === 0 ? 'support' : 'billing',
            done: index % 2 === 0,
          };
          await store.create({ threadId: thread.threadId, agent: thread.agent, at: make.clock.now() });
          await store.append(thread.threadId, [make.message(`task ${index}`)]);
          if (thread.done) await store.append(thread.threadId, [make.done('finished')]);
          created.push(thread);
        }
      });
      // Every event comes later than the one before, so the newest thread is the last one made.
      const newestFirst = (filter: (thread: (typeof created)[number]) => boolean): string[] =>
        created
          .filter(filter)
          .map((thread) => thread.threadId)
          .reverse();

      it('lists every thread newest first', async () => {
        const threads = await listAll(store, {});
        expect(threads.map((thread) => thread.threadId)).toEqual(newestFirst(() => true));
      });

      it('lists by agent, by status, and by both', async () => {
        const byAgent = await listAll(store, { agent: 'billing' });
        const byStatus = await listAll(store, { status: 'done' });
        const byBoth = await listAll(store, { agent: 'support', status: 'running' });

        expect(byAgent.map((thread) => thread.threadId)).toEqual(
          newestFirst((thread) => thread.agent === 'billing'),
        );
        expect(byStatus.map((thread) => thread.threadId)).toEqual(newestFirst((thread) => thread.done));
        expect(byBoth.map((thread) => thread.threadId)).toEqual(
          newestFirst((thread) => thread.agent === 'support' && !thread.done),
        );
      });

      it('pages through the list with cursors, missing and repeating nothing', async () => {
        const first = await store.list({ limit: 3 });
        const all = await listAll(store, { limit: 3 });

        expect(first.threads).toHaveLength(3);
        expect(first.cursor).toEqual(expect.any(String));
        expect(all.map((thread) => thread.threadId)).toEqual(newestFirst(() => true));
      });

      it('moves a thread to the front of the list when it gets a new event', async () => {
        await store.append('t-0', [make.message('one more thing')]);

        const { threads } = await store.list({ limit: 2 });

        expect(threads.map((thread) => [thread.threadId, thread.status])).toEqual([
          ['t-0', 'running'],
          ['t-7', 'running'],
        ]);
      });
    });

    it('throws InvalidCursorError for a cursor it did not hand out', async () => {
      await expect(store.list({ cursor: 'not-a-cursor' })).rejects.toThrow(InvalidCursorError);
      const foreign = Buffer.from(JSON.stringify({ hello: 'world' })).toString('base64url');
      await expect(store.list({ cursor: foreign })).rejects.toThrow(InvalidCursorError);
    });
  });
};
