import type { Orchestrator } from '../adapters/orchestrator.ts';
import type { ThreadStore, ThreadSummary } from '../core/ports.ts';
import type { ThreadStatus } from '../core/thread-state.ts';

/** Threads a turn was running for, or waiting in, when the stack stopped. */
const UNFINISHED: ReadonlySet<ThreadStatus> = new Set([
  'running',
  'awaiting-approval',
  'awaiting-human',
  'escalated',
]);

/**
 * After a restart the local executions are gone, but the thread store is the source of truth:
 * each unfinished thread gets a new turn. Its first step finds the pending approval, question or
 * tool call in the thread and routes straight to it, so a wait is stored again with a fresh task
 * token (without telling anyone twice) and a decision resumes it.
 */
export const rearmWaits = async (store: ThreadStore, orchestrator: Orchestrator): Promise<string[]> => {
  const rearmed: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    for (const thread of page.threads.filter((summary: ThreadSummary) => UNFINISHED.has(summary.status))) {
      await orchestrator.startTurn(thread.threadId, thread.lastSeq);
      rearmed.push(thread.threadId);
    }
    cursor = page.cursor;
  } while (cursor);
  return rearmed;
};
