import * as z from 'zod';
import { ThreadNotFoundError } from '../core/errors.ts';
import type { Event, NewEvent, Thread } from '../core/events.ts';
import type { ListThreadsQuery, ThreadStore, ThreadSummary } from '../core/ports.ts';
import { decodeCursor, encodeCursor, listLimitOf } from './list-cursor.ts';
import { InvalidForkPointError, ThreadExistsError } from './store-errors.ts';
import { summarizeThread } from './summary.ts';

interface StoredThread {
  id: string;
  agent: string;
  createdAt: string;
  parent?: { threadId: string; atSeq: number };
  events: Event[];
  byKey: Map<string, Event>;
  /** The summary as of `events.length`: list views derive it again only after an append. */
  summary?: ThreadSummary;
}

const CursorSchema = z.object({ updatedAt: z.string(), threadId: z.string() });

/**
 * The `ThreadStore` in memory, for the CLI and unit tests. It is on the hot path of every step, so
 * it never re-parses events it built itself and finds keys in O(1). Events are handed out as
 * stored: callers must not mutate them (the core never does).
 */
export class InMemoryThreadStore implements ThreadStore {
  private readonly threads = new Map<string, StoredThread>();

  async create(input: { threadId: string; agent: string; at: string }): Promise<Thread> {
    if (this.threads.has(input.threadId)) throw new ThreadExistsError(input.threadId);
    this.threads.set(input.threadId, {
      id: input.threadId,
      agent: input.agent,
      createdAt: input.at,
      events: [],
      byKey: new Map(),
    });
    return { id: input.threadId, agent: input.agent, events: [] };
  }

  async append(threadId: string, events: readonly NewEvent[]): Promise<Event[]> {
    const thread = this.stored(threadId);
    return events.map((event) => {
      const existing = event.key === undefined ? undefined : thread.byKey.get(event.key);
      if (existing) return existing;
      const stored: Event = { ...event, seq: thread.events.length + 1 };
      thread.events.push(stored);
      if (stored.key !== undefined) thread.byKey.set(stored.key, stored);
      return stored;
    });
  }

  async load(threadId: string): Promise<Thread> {
    const thread = this.stored(threadId);
    return {
      id: thread.id,
      agent: thread.agent,
      events: thread.events.slice(),
      ...(thread.parent ? { parent: thread.parent } : {}),
    };
  }

  /** Newest first by `updatedAt`, then by thread id, like the DynamoDB indexes. */
  async list(query: ListThreadsQuery = {}): Promise<{ threads: ThreadSummary[]; cursor?: string }> {
    const limit = listLimitOf(query.limit);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, CursorSchema);
    const matching = [...this.threads.values()]
      .map((thread) => this.summaryOf(thread))
      .filter((summary) => query.agent === undefined || summary.agent === query.agent)
      .filter((summary) => query.status === undefined || summary.status === query.status)
      .sort(newestFirst)
      .filter((summary) => after === undefined || newestFirst(summary, after) > 0);
    const threads = matching.slice(0, limit);
    const last = threads.at(-1);
    if (matching.length <= limit || last === undefined) return { threads };
    return { threads, cursor: encodeCursor({ updatedAt: last.updatedAt, threadId: last.threadId }) };
  }

  async fork(threadId: string, atSeq: number, input: { threadId: string; at: string }): Promise<Thread> {
    const parentThread = this.stored(threadId);
    const lastSeq = parentThread.events.length;
    if (!Number.isInteger(atSeq) || atSeq < 0 || atSeq > lastSeq)
      throw new InvalidForkPointError(threadId, atSeq, lastSeq);
    if (this.threads.has(input.threadId)) throw new ThreadExistsError(input.threadId);
    const events = parentThread.events.slice(0, atSeq);
    const byKey = new Map(
      events.flatMap((event) => (event.key === undefined ? [] : [[event.key, event] as const])),
    );
    const parent = { threadId, atSeq };
    const agent = parentThread.agent;
    this.threads.set(input.threadId, {
      id: input.threadId,
      agent,
      createdAt: input.at,
      parent,
      events,
      byKey,
    });
    return { id: input.threadId, agent, events: events.slice(), parent };
  }

  private stored(threadId: string): StoredThread {
    const thread = this.threads.get(threadId);
    if (!thread) throw new ThreadNotFoundError(threadId);
    return thread;
  }

  private summaryOf(thread: StoredThread): ThreadSummary {
    if (thread.summary?.lastSeq !== thread.events.length) {
      const { id, agent, createdAt, parent, events } = thread;
      thread.summary = summarizeThread({
        threadId: id,
        agent,
        createdAt,
        events,
        ...(parent ? { parent } : {}),
      });
    }
    return thread.summary;
  }
}

/** Negative when `left` lists before `right`. */
const newestFirst = (
  left: { updatedAt: string; threadId: string },
  right: { updatedAt: string; threadId: string },
): number =>
  left.updatedAt === right.updatedAt
    ? compare(right.threadId, left.threadId)
    : compare(right.updatedAt, left.updatedAt);

const compare = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);
