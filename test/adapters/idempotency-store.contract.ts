import { describe, expect, it } from 'vitest';
import type { IdempotencyRecord, IdempotencyStore } from '../../lib/adapters/idempotency-store.ts';

/** What every `IdempotencyStore` must do; run against each implementation. */
export const describeIdempotencyStoreContract = (
  name: string,
  makeStore: () => Promise<IdempotencyStore>,
): void => {
  // 2026-01-01T00:00:00Z is 1767225600 in epoch seconds.
  const record = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
    id: 'req-1',
    fingerprint: 'body-hash-1',
    answer: { status: 202, body: { threadId: 'th-1' } },
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: 1_767_225_600 + 3600,
    ...overrides,
  });

  describe(`${name} (IdempotencyStore contract)`, () => {
    it('claims a new id and reads the record back', async () => {
      const store = await makeStore();

      expect(await store.claim(record())).toEqual({ claimed: true });
      expect(await store.find('req-1', '2026-01-01T00:10:00.000Z')).toEqual(record());
    });

    it('answers undefined for an id it does not hold', async () => {
      const store = await makeStore();

      expect(await store.find('req-none', '2026-01-01T00:00:00.000Z')).toBeUndefined();
    });

    it('keeps the first record and hands it to a later claim', async () => {
      const store = await makeStore();
      await store.claim(record());

      const second = await store.claim(
        record({
          fingerprint: 'body-hash-2',
          answer: { status: 409, body: { error: 'conflict', message: 'no' } },
        }),
      );

      expect(second).toEqual({ claimed: false, existing: record() });
      expect(await store.find('req-1', '2026-01-01T00:10:00.000Z')).toEqual(record());
    });

    it('lets exactly one of many concurrent claims win', async () => {
      const store = await makeStore();

      const results = await Promise.all(
        Array.from({ length: 8 }, (_, index) => store.claim(record({ fingerprint: `body-hash-${index}` }))),
      );

      const winners = results.flatMap((result, index) => (result.claimed ? [index] : []));
      expect(winners).toHaveLength(1);
      const winner = record({ fingerprint: `body-hash-${winners[0]}` });
      for (const result of results) if (!result.claimed) expect(result.existing).toEqual(winner);
    });

    it('counts a record as absent once it has expired, and lets a new claim take its id', async () => {
      const store = await makeStore();
      await store.claim(record());
      const later = '2026-01-01T01:00:00.000Z';

      expect(await store.find('req-1', later)).toBeUndefined();
      const fresh = record({ fingerprint: 'body-hash-2', createdAt: later, expiresAt: 1_767_225_600 + 7200 });
      expect(await store.claim(fresh)).toEqual({ claimed: true });
      expect(await store.find('req-1', later)).toEqual(fresh);
    });
  });
};
