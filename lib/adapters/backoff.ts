import { setTimeout as sleep } from 'node:timers/promises';

export interface BackoffOptions {
  /** Attempts in all for one event, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Measured on dynalite, 20 writers on one thread: a 300 ms cap kept the worst event at 20–48
 * attempts as the machine got busier; 1 s keeps it near 13–19, as writers can spread out further.
 */
export const DEFAULT_BACKOFF: BackoffOptions = { maxAttempts: 50, baseDelayMs: 5, maxDelayMs: 1000 };

const TRACKED_THREADS = 1000;

/**
 * How hard each thread has been fought over lately, as this process saw it, and the wait that
 * follows: exponential with full jitter, so writers that lost the same race spread out.
 *
 * The level belongs to the thread, not to one append. Per-append backoff starves writers: one
 * that just won starts its next append with no wait and keeps beating those deep in their backoff
 * (20 writers on one thread on dynalite: up to 230 attempts for one event). Here every append to a
 * contended thread waits on the same scale; a loss steps the level up, a win steps it down, so
 * the chance to win stays about even. A quiet thread has no level and no wait.
 */
export class ContentionBackoff {
  private readonly levels = new Map<string, number>();

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** Waits before an attempt: not at all on a quiet thread. */
  async pause(threadId: string): Promise<void> {
    const level = this.levels.get(threadId) ?? 0;
    if (level === 0) return;
    const ceiling = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** level);
    await sleep(Math.floor(this.random() * ceiling));
  }

  lost(threadId: string): void {
    const level = Math.min(30, (this.levels.get(threadId) ?? 0) + 1);
    this.levels.delete(threadId);
    this.levels.set(threadId, level);
    for (const oldest of this.levels.keys()) {
      if (this.levels.size <= TRACKED_THREADS) break;
      this.levels.delete(oldest);
    }
  }

  won(threadId: string): void {
    const level = (this.levels.get(threadId) ?? 0) - 1;
    if (level <= 0) this.levels.delete(threadId);
    else this.levels.set(threadId, level);
  }
}
