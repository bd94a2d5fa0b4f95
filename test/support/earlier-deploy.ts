import { eventSk, keySk, SUMMARY_SK, threadPk } from '../../lib/adapters/thread-table.ts';
import type { ThreadStatus } from '../../lib/core/thread-state.ts';

type Item = Record<string, unknown>;

/** An event as an earlier deploy stored it: any type, data of whatever shape that deploy had. */
export interface EarlierEvent {
  id: string;
  at: string;
  type: string;
  data: unknown;
  key?: string;
}

/**
 * An event item exactly as the store wrote it before versions were stamped: no `schemaVersion`,
 * the data as JSON text.
 */
export const earlierEventItem = (threadId: string, seq: number, event: EarlierEvent): Item => ({
  PK: threadPk(threadId),
  SK: eventSk(seq),
  seq,
  id: event.id,
  at: event.at,
  type: event.type,
  ...(event.key === undefined ? {} : { key: event.key }),
  data: JSON.stringify(event.data),
});

/** The idempotency marker an earlier deploy wrote for a keyed event at `seq`. */
export const earlierKeyMarker = (
  threadId: string,
  seq: number,
  event: EarlierEvent & { key: string },
): Item => ({
  ...earlierEventItem(threadId, seq, event),
  SK: keySk(event.key),
});

/** The summary item an earlier deploy kept beside those events. */
export const earlierSummaryItem = (summary: {
  threadId: string;
  agent: string;
  status: ThreadStatus;
  createdAt: string;
  updatedAt: string;
  lastSeq: number;
  waitingFor?: string;
}): Item => ({
  PK: threadPk(summary.threadId),
  SK: SUMMARY_SK,
  ...summary,
  agentStatus: `${summary.agent}#${summary.status}`,
  listing: 'THREAD',
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
});

/** All the items of a thread an earlier deploy left: its events in order and its summary. */
export const earlierThreadItems = (
  thread: { threadId: string; agent: string; status: ThreadStatus; waitingFor?: string },
  events: readonly EarlierEvent[],
): Item[] => {
  const first = events[0]?.at ?? '2026-01-01T00:00:00.000Z';
  const last = events.at(-1)?.at ?? first;
  return [
    ...events.map((event, index) => earlierEventItem(thread.threadId, index + 1, event)),
    earlierSummaryItem({ ...thread, createdAt: first, updatedAt: last, lastSeq: events.length }),
  ];
};
