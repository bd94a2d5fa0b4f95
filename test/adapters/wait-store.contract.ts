import { describe, expect, it } from 'vitest';
import type { WaitRecord, WaitStore } from '../../lib/adapters/wait-store.ts';

/** What every `WaitStore` must do; run against each implementation. */
export const describeWaitStoreContract = (name: string, makeStore: () => Promise<WaitStore>): void => {
  const wait = (
    overrides: Partial<WaitRecord> = {},
  ): Omit<WaitRecord, 'status' | 'notifiedAt' | 'fallbackNotifiedAt'> => ({
    requestId: 'apr-1',
    threadId: 'th-1',
    kind: 'approval',
    next: { kind: 'approval', tool: 'create_refund', callId: 'ev-2', approvalId: 'apr-1' },
    taskToken: 'token-1',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  });
  const decision = { by: 'ada@example.com', at: '2026-01-01T00:05:00.000Z', decision: 'approve' };

  describe(`${name} (WaitStore contract)`, () => {
    it('stores a wait as pending and reads it back', async () => {
      const store = await makeStore();

      const stored = await store.put(wait());

      expect(stored).toEqual({ ...wait(), status: 'pending' });
      expect(await store.get('apr-1')).toEqual(stored);
    });

    it('answers undefined for a wait it does not hold', async () => {
      const store = await makeStore();

      expect(await store.get('apr-none')).toBeUndefined();
    });

    it('refreshes the token and keeps when it was created and notified', async () => {
      const store = await makeStore();
      await store.put(wait());
      await store.markNotified('apr-1', '2026-01-01T00:00:01.000Z');

      const refreshed = await store.put(
        wait({ taskToken: 'token-2', createdAt: '2026-01-01T00:01:00.000Z' }),
      );

      expect(refreshed).toEqual({
        ...wait({ taskToken: 'token-2' }),
        status: 'pending',
        notifiedAt: '2026-01-01T00:00:01.000Z',
      });
    });

    it('keeps an approval’s call, hash, approvers and expiry as first stored', async () => {
      const store = await makeStore();
      const approval = {
        tool: 'create_payment_link',
        callId: 'call-1',
        argsHash: 'a'.repeat(64),
        approvers: ['ops@example.com'],
        fallbackApprovers: ['cfo@example.com'],
        expiresAt: '2026-01-03T00:00:00.000Z',
      };
      await store.put(wait({ approval }));

      const refreshed = await store.put(
        wait({ taskToken: 'token-2', approval: { ...approval, expiresAt: 'later' } }),
      );

      expect(refreshed).toMatchObject({ taskToken: 'token-2', approval });
      expect(await store.get(refreshed.requestId)).toMatchObject({ approval });
    });

    it('keeps the first notification time', async () => {
      const store = await makeStore();
      await store.put(wait());
      await store.markNotified('apr-1', '2026-01-01T00:00:01.000Z');

      await store.markNotified('apr-1', '2026-01-01T00:09:00.000Z');

      expect((await store.get('apr-1'))?.notifiedAt).toBe('2026-01-01T00:00:01.000Z');
    });

    it('keeps when the fallback approvers were asked apart from the first notice, the first time only', async () => {
      const store = await makeStore();
      await store.put(wait());
      await store.markNotified('apr-1', '2026-01-01T00:00:01.000Z');

      await store.markNotified('apr-1', '2026-01-02T00:00:00.000Z', 'fallback');
      await store.markNotified('apr-1', '2026-01-02T00:09:00.000Z', 'fallback');
      const refreshed = await store.put(wait({ taskToken: 'token-2' }));

      expect(refreshed).toEqual({
        ...wait({ taskToken: 'token-2' }),
        status: 'pending',
        notifiedAt: '2026-01-01T00:00:01.000Z',
        fallbackNotifiedAt: '2026-01-02T00:00:00.000Z',
      });
    });

    it('throws when marking a wait it does not hold as notified', async () => {
      const store = await makeStore();

      await expect(store.markNotified('apr-none', 'x')).rejects.toMatchObject({ name: 'WaitNotFoundError' });
    });

    it('decides a pending wait once, and tells the second decider who was first', async () => {
      const store = await makeStore();
      await store.put(wait());

      const first = await store.decide('apr-1', decision);
      const second = await store.decide('apr-1', { ...decision, by: 'bob@example.com', decision: 'reject' });

      const decided = {
        ...wait(),
        status: 'decided',
        decidedBy: 'ada@example.com',
        decidedAt: decision.at,
        decision: 'approve',
      };
      expect(first).toEqual({ ok: true, wait: decided });
      expect(second).toEqual({ ok: false, already: decided });
    });

    it('lets exactly one of two concurrent decisions win', async () => {
      const store = await makeStore();
      await store.put(wait());

      const outcomes = await Promise.all([
        store.decide('apr-1', decision),
        store.decide('apr-1', { ...decision, by: 'bob@example.com' }),
      ]);

      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    });

    it('refuses to decide a wait it does not hold', async () => {
      const store = await makeStore();

      expect(await store.decide('apr-none', decision)).toEqual({ ok: false, already: undefined });
    });

    it('keeps a decided wait decided when a retried task refreshes its token', async () => {
      const store = await makeStore();
      await store.put(wait());
      await store.decide('apr-1', decision);

      const refreshed = await store.put(wait({ taskToken: 'token-3' }));

      expect(refreshed).toMatchObject({
        status: 'decided',
        taskToken: 'token-3',
        decidedBy: 'ada@example.com',
      });
    });
  });
};
