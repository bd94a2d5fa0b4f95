import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { delayBeforeRetry, resolveRetry, withRetry } from '../../lib/adapters/model-retry.ts';

describe('delayBeforeRetry', () => {
  it('picks a full-jitter wait below a doubling ceiling that never passes the longest wait', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (count, jitter) => {
          const settings = resolveRetry({ baseDelayMs: 500, maxDelayMs: 20_000, random: () => jitter });
          const delay = delayBeforeRetry(count, undefined, settings);
          const ceiling = Math.min(20_000, 500 * 2 ** (count - 1));
          return delay >= 0 && delay <= ceiling && delay <= 20_000;
        },
      ),
    );
  });

  it('takes a server-given wait as it is, bounded by zero and the longest wait', () => {
    const settings = resolveRetry({ maxDelayMs: 10_000 });

    expect([-5, 1_500, 60_000].map((ms) => delayBeforeRetry(1, ms, settings))).toEqual([0, 1_500, 10_000]);
  });
});

describe('withRetry', () => {
  it('makes at least one attempt whatever the attempts setting says', async () => {
    let calls = 0;
    const outcome = await withRetry(
      async () => {
        calls += 1;
        return { ok: false, error: new Error('busy'), transient: true };
      },
      resolveRetry({ attempts: 0, sleep: async () => {} }),
    );

    expect(calls).toBe(1);
    expect(outcome).toMatchObject({ ok: false, attempts: 1, transient: true });
  });

  it('stops at the first failure that retrying cannot fix', async () => {
    const waits: number[] = [];
    const outcome = await withRetry(
      async (count) => ({
        ok: false,
        error: new Error(`bad request ${count}`),
        transient: false,
        status: 400,
      }),
      resolveRetry({ sleep: async (ms) => void waits.push(ms) }),
    );

    expect(outcome).toEqual({
      ok: false,
      error: new Error('bad request 1'),
      transient: false,
      status: 400,
      attempts: 1,
    });
    expect(waits).toEqual([]);
  });
});
