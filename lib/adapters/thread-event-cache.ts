import type { Event } from '../core/events.ts';

export interface CachedEvent {
  event: Event;
  expiresAt?: number;
}

/**
 * The events of recently read threads, so the next read asks DynamoDB only for what came after.
 * Safe because stored events never change: a seq, once written, holds the same event forever.
 * The step Lambda loads a thread and then appends to it; with this cache the summary update that
 * follows the append reads one new item instead of the whole thread again.
 */
export class ThreadEventCache {
  private readonly threads = new Map<string, readonly CachedEvent[]>();

  constructor(private readonly maxThreads: number) {}

  get(threadId: string): readonly CachedEvent[] {
    const events = this.threads.get(threadId);
    if (events === undefined) return [];
    this.threads.delete(threadId);
    this.threads.set(threadId, events);
    return events;
  }

  /** Keeps the further along of what is held and `events`: concurrent readers may finish out of order. */
  remember(threadId: string, events: readonly CachedEvent[]): void {
    const held = this.threads.get(threadId);
    if (held !== undefined && lastSeq(held) >= lastSeq(events)) return;
    this.threads.delete(threadId);
    this.threads.set(threadId, events);
    for (const oldest of this.threads.keys()) {
      if (this.threads.size <= this.maxThreads) break;
      this.threads.delete(oldest);
    }
  }
}

const lastSeq = (events: readonly CachedEvent[]): number => events.at(-1)?.event.seq ?? 0;
