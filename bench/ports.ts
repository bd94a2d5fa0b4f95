import type { Clock, Ids } from '../lib/core/ports.ts';

/** A clock that never moves: the bench measures code, not time stamps. */
export const fixedClock: Clock = { now: () => '2026-01-01T00:00:00.000Z' };

/** Ids that never repeat within one process, so many threads share one store. */
export class CountingIds implements Ids {
  private count = 0;
  next(prefix: string): string {
    this.count += 1;
    return `${prefix}-${this.count}`;
  }
}
