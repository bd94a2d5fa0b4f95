import type { ThreadSummary } from '../core/ports.ts';
import { agentStatusKey, LISTING_ALL, type StoredSummaryItem, SUMMARY_SK, threadPk } from './thread-table.ts';

/** A summary as a table item, with the attributes each list index is keyed by. */
export const toSummaryItem = (
  summary: ThreadSummary,
  extra: { expiresAt?: number; forkPending?: true },
): StoredSummaryItem => ({
  PK: threadPk(summary.threadId),
  SK: SUMMARY_SK,
  ...summary,
  agentStatus: agentStatusKey(summary.agent, summary.status),
  listing: LISTING_ALL,
  ...(extra.expiresAt === undefined ? {} : { expiresAt: extra.expiresAt }),
  ...(extra.forkPending === undefined ? {} : { forkPending: extra.forkPending }),
});

export const summaryOfItem = (item: StoredSummaryItem): ThreadSummary => ({
  threadId: item.threadId,
  agent: item.agent,
  status: item.status,
  createdAt: item.createdAt,
  updatedAt: item.updatedAt,
  lastSeq: item.lastSeq,
  inputTokens: item.inputTokens,
  outputTokens: item.outputTokens,
  costUsd: item.costUsd,
  ...(item.waitingFor === undefined ? {} : { waitingFor: item.waitingFor }),
  ...(item.parent === undefined ? {} : { parent: item.parent }),
});
