import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CorruptEventError, ThreadConflictError, ThreadNotFoundError } from '../core/errors.ts';
import type { Event, NewEvent, Thread } from '../core/events.ts';
import type { ListThreadsQuery, ThreadStore, ThreadSummary } from '../core/ports.ts';
import { describeIssues } from '../core/tools.ts';
import { EVENT_UPCASTERS, type UpcasterChain } from '../core/upcasters.ts';
import { ContentionBackoff } from './backoff.ts';
import {
  type AppendRetry,
  type DynamoThreadStoreOptions,
  type DynamoThreadStoreSettings,
  parseStoreSettings,
} from './dynamo-thread-store-options.ts';
import { copyForkedEvents } from './fork-copy.ts';
import { PayloadCache } from './payload-cache.ts';
import type { PayloadStore } from './payload-store.ts';
import { Retention } from './retention.ts';
import { CorruptSummaryError, InvalidForkPointError, ThreadExistsError } from './store-errors.ts';
import { decodeEventItem, encodeEventBody, type StoredEventBody, toEventItem } from './stored-event.ts';
import { summarizeThread } from './summary.ts';
import { toSummaryItem } from './summary-item.ts';
import { ThreadEventCache } from './thread-event-cache.ts';
import { listThreadSummaries } from './thread-list-query.ts';
import {
  eventSk,
  keySk,
  type StoredEventItem,
  StoredEventItemSchema,
  type StoredSummaryItem,
} from './thread-table.ts';
import { type Item, ThreadTableClient } from './thread-table-client.ts';

export type { AppendRetry, DynamoThreadStoreOptions } from './dynamo-thread-store-options.ts';

const PAYLOAD_CACHE_BYTES = 32 * 1024 * 1024;
/** A Lambda works on one thread at a time: a few cached threads cover it, and bound the memory. */
const CACHED_THREADS = 16;

/** A thread as read from the table: its summary item and its visible events. */
interface StoredThread {
  summary: StoredSummaryItem;
  events: Event[];
}

/**
 * The `ThreadStore` on DynamoDB: one item per event, a summary item per thread, conditional puts
 * for order and idempotency, no transactions. The item layout is described in `thread-table.ts`.
 *
 * Longer than most modules here: the append and its crash reasoning read best in one place.
 */
export class DynamoThreadStore implements ThreadStore {
  /** Requests sent, by operation. */
  readonly requests = new Map<string, number>();
  private readonly settings: DynamoThreadStoreSettings;
  private readonly table: ThreadTableClient;
  private readonly payloads: PayloadStore;
  private readonly payloadCache = new PayloadCache(PAYLOAD_CACHE_BYTES);
  private readonly cache = new ThreadEventCache(CACHED_THREADS);
  private readonly retention: Retention;
  private readonly contention: ContentionBackoff;
  private readonly upcasters: UpcasterChain;
  private readonly onRetry: ((retry: AppendRetry) => void) | undefined;
  private readonly onSummaryError: (error: unknown, threadId: string) => void;

  constructor(options: DynamoThreadStoreOptions) {
    this.settings = parseStoreSettings(options);
    this.table = new ThreadTableClient(
      options.client ?? new DynamoDBClient({}),
      this.settings.tableName,
      this.requests,
    );
    this.payloads = options.payloads;
    this.retention = new Retention(this.settings.retentionDays, options.now ?? Date.now);
    this.contention = new ContentionBackoff(this.settings.retry);
    this.upcasters = options.upcasters ?? EVENT_UPCASTERS;
    this.onRetry = options.onRetry;
    this.onSummaryError = options.onSummaryError ?? warnSummaryError;
  }

  async create(input: { threadId: string; agent: string; at: string }): Promise<Thread> {
    const summary = summarizeThread({
      threadId: input.threadId,
      agent: input.agent,
      createdAt: input.at,
      events: [],
    });
    if (!(await this.table.putIfAbsent(toSummaryItem(summary, this.retention.stamp())))) {
      throw new ThreadExistsError(input.threadId);
    }
    return { id: input.threadId, agent: input.agent, events: [] };
  }

  /**
   * Appends in order. Without transactions a batch is not atomic: another writer's event may land
   * between two events of one batch, but never before an earlier one of the same batch.
   */
  async append(threadId: string, events: readonly NewEvent[]): Promise<Event[]> {
    if (events.length === 0) {
      await this.readSummary(threadId);
      return [];
    }
    const stored: Event[] = [];
    for (const event of events) stored.push(await this.appendOne(threadId, event));
    await this.catchUpSummary(threadId);
    return stored;
  }

  async load(threadId: string): Promise<Thread> {
    const { summary, events } = await this.loadStored(threadId);
    return {
      id: threadId,
      agent: summary.agent,
      events,
      ...(summary.parent ? { parent: summary.parent } : {}),
    };
  }

  list(query: ListThreadsQuery = {}): Promise<{ threads: ThreadSummary[]; cursor?: string }> {
    return listThreadSummaries(this.table, query, this.retention);
  }

  /**
   * The summary goes first and claims the new id, marked pending; then the events are copied;
   * then the mark is cleared. A fork interrupted half way is finished by whoever reads it next.
   */
  async fork(threadId: string, atSeq: number, input: { threadId: string; at: string }): Promise<Thread> {
    const parentThread = await this.loadStored(threadId);
    const lastSeq = parentThread.events.at(-1)?.seq ?? 0;
    if (!Number.isInteger(atSeq) || atSeq < 0 || atSeq > lastSeq)
      throw new InvalidForkPointError(threadId, atSeq, lastSeq);
    const parent = { threadId, atSeq };
    const events = parentThread.events.filter((event) => event.seq <= atSeq);
    const agent = parentThread.summary.agent;
    const summary = summarizeThread({ threadId: input.threadId, agent, createdAt: input.at, parent, events });
    const claimed = await this.table.putIfAbsent(
      toSummaryItem(summary, { ...this.retention.stamp(), ...(atSeq > 0 ? { forkPending: true } : {}) }),
    );
    if (!claimed) throw new ThreadExistsError(input.threadId);
    if (atSeq > 0)
      await copyForkedEvents(this.table, this.retention, { threadId, atSeq, forkId: input.threadId });
    return { id: input.threadId, agent, events, parent };
  }

  private async appendOne(threadId: string, event: NewEvent): Promise<Event> {
    const body = await encodeEventBody(
      threadId,
      event,
      { payloads: this.payloads, thresholdBytes: this.settings.offloadThresholdBytes },
      this.upcasters,
    );
    if (body.key !== undefined) return this.appendKeyed(threadId, event, body, body.key);
    for (let attempt = 1; ; attempt += 1) {
      await this.contention.pause(threadId);
      const seq = (await this.readHead(threadId)) + 1;
      if (await this.table.putIfAbsent(this.eventItem(threadId, eventSk(seq), seq, body))) {
        this.contention.won(threadId);
        return withSeq(event, seq);
      }
      this.lostRace(threadId, seq, attempt);
    }
  }

  /**
   * An event with an idempotency key. A key marker (`KEY#…`) claims a seq and holds the whole event
   * body; the event is then written at the seq the marker names, and only there.
   *
   * - Two appends with one key: one marker put wins; the loser reads it and completes that event.
   * - Someone else took the marker's seq first: the marker moves to the next free seq, with a
   *   condition on the seq it held, so of two movers only one wins and the event is never written
   *   twice. A marker moves only away from a seq taken by a different event.
   * - A crash after the marker and before the event: the marker names the next free seq or a seq
   *   since taken by another event. The next append with that key (a queue redelivers) finds the
   *   marker and writes the original body at the free seq, or moves it first: nothing blocks and
   *   the stored event is the first caller's, as idempotency asks. Until then the thread holds no
   *   event for the key, which is true: it was never appended.
   * - Once its retention has passed, a marker counts as absent: DynamoDB may already have deleted
   *   the event it named, and writing at that old seq would put an event inside expired history.
   */
  private async appendKeyed(
    threadId: string,
    event: NewEvent,
    body: StoredEventBody,
    key: string,
  ): Promise<Event> {
    const markerSk = keySk(key);
    await this.contention.pause(threadId);
    const claimedSeq = (await this.readHead(threadId)) + 1;
    let marker = this.eventItem(threadId, markerSk, claimedSeq, body);
    // A marker past its retention may outlive the events it named: it no longer holds the key.
    const placed = await this.table.putIfAbsent(marker, { orExpiredAt: this.retention.nowSeconds() });
    if (!placed) marker = await this.readMarker(threadId, markerSk);
    for (let attempt = 1; ; attempt += 1) {
      const { PK: _pk, SK: _sk, seq, expiresAt: _expires, ...markerBody } = marker;
      if (await this.table.putIfAbsent(this.eventItem(threadId, eventSk(seq), seq, markerBody))) {
        this.contention.won(threadId);
        return markerBody.id === event.id
          ? withSeq(event, seq)
          : this.decode(threadId, { ...marker, SK: eventSk(seq) });
      }
      const occupant = await this.table.get(threadId, eventSk(seq));
      if (occupant?.key === key)
        return occupant.id === event.id ? withSeq(event, seq) : this.decode(threadId, occupant);
      this.lostRace(threadId, seq, attempt);
      await this.contention.pause(threadId);
      const nextSeq = (await this.readHead(threadId)) + 1;
      const moved = await this.table.moveKeyMarker(threadId, markerSk, seq, nextSeq);
      marker = moved ? { ...marker, seq: nextSeq } : await this.readMarker(threadId, markerSk);
    }
  }

  /**
   * The summary follows the events: reading the thread brings it up to date (see loadStored).
   * A failure here must not fail the append: its events are stored, and a caller that retried a
   * keyless append would store them twice. The next append or load repairs the summary.
   */
  private async catchUpSummary(threadId: string): Promise<void> {
    try {
      await this.loadStored(threadId);
    } catch (error) {
      this.onSummaryError(error, threadId);
    }
  }

  /** The last seq taken in a thread that exists; finishes a pending fork first. */
  private async readHead(threadId: string): Promise<number> {
    const [summary, lastEventSeq] = await Promise.all([
      this.readSummary(threadId),
      this.table.lastEventSeq(threadId),
    ]);
    if (summary.forkPending) {
      await this.finishFork(summary);
      return this.readHead(threadId);
    }
    return Math.max(summary.lastSeq, lastEventSeq);
  }

  private lostRace(threadId: string, seq: number, attempt: number): void {
    this.contention.lost(threadId);
    if (attempt >= this.settings.retry.maxAttempts) throw new ThreadConflictError(threadId, attempt);
    this.onRetry?.({ threadId, seq, attempt });
  }

  /**
   * Reads a whole thread, and repairs its summary when it lags behind the events. Only the events
   * after the cached ones are read: the summary update after each append stays one small query.
   */
  private async loadStored(threadId: string): Promise<StoredThread> {
    const cached = this.cache.get(threadId);
    const after = cached.at(-1)?.event.seq ?? 0;
    const [summary, rawItems] = await Promise.all([
      this.readSummary(threadId),
      this.table.eventItems(threadId, after + 1),
    ]);
    if (summary.forkPending) {
      await this.finishFork(summary);
      return this.loadStored(threadId);
    }
    const visible = rawItems.filter((raw) => !this.retention.isExpired(raw.expiresAt));
    const decoded = await Promise.all(visible.map((raw) => this.decode(threadId, raw)));
    const all = [...cached];
    decoded.forEach((event, index) => {
      const previous = all.at(-1)?.event;
      if (previous !== undefined && event.seq !== previous.seq + 1) {
        throw new CorruptEventError(
          threadId,
          previous.seq + 1,
          `missing: the thread goes from seq ${previous.seq} to ${event.seq}`,
        );
      }
      const expiresAt = visible[index]?.expiresAt;
      all.push(typeof expiresAt === 'number' ? { event, expiresAt } : { event });
    });
    this.cache.remember(threadId, all);
    const events = all
      .filter((cachedEvent) => !this.retention.isExpired(cachedEvent.expiresAt))
      .map(({ event }) => event);
    const lastSeq = events.at(-1)?.seq ?? 0;
    if (summary.lastSeq < lastSeq) {
      const { threadId: id, agent, createdAt, parent } = summary;
      const repaired = summarizeThread({
        threadId: id,
        agent,
        createdAt,
        events,
        ...(parent ? { parent } : {}),
      });
      await this.table.advanceSummary(repaired, this.retention.stamp().expiresAt);
    }
    return { summary, events };
  }

  private async finishFork(summary: StoredSummaryItem): Promise<void> {
    if (summary.parent === undefined)
      throw new CorruptSummaryError(summary.threadId, 'a pending fork without a parent');
    await copyForkedEvents(this.table, this.retention, { ...summary.parent, forkId: summary.threadId });
  }

  private async readSummary(threadId: string): Promise<StoredSummaryItem> {
    const summary = await this.table.getSummary(threadId);
    if (summary === undefined || this.retention.isExpired(summary.expiresAt))
      throw new ThreadNotFoundError(threadId);
    return summary;
  }

  private async readMarker(threadId: string, markerSk: string): Promise<StoredEventItem> {
    const raw = await this.table.get(threadId, markerSk);
    const parsed = StoredEventItemSchema.safeParse(raw);
    if (!parsed.success)
      throw new CorruptEventError(threadId, markerSk, `key marker: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }

  private decode(threadId: string, raw: Item): Promise<Event> {
    return decodeEventItem(
      threadId,
      raw,
      (ref) => this.payloadCache.read(ref.key, () => this.payloads.get(ref.key)),
      this.upcasters,
    );
  }

  private eventItem(threadId: string, sk: string, seq: number, body: StoredEventBody): StoredEventItem {
    return toEventItem(threadId, sk, seq, body, this.retention);
  }
}

const warnSummaryError = (error: unknown, threadId: string): void => {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.warn(
    `thread ${threadId}: summary not updated after an append, the next read repairs it: ${detail}`,
  );
};

const withSeq = (event: NewEvent, seq: number): Event => ({ ...event, seq });
