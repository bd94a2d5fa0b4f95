import * as z from 'zod';
import type { ListThreadsQuery, ThreadSummary } from '../core/ports.ts';
import { describeIssues } from '../core/tools.ts';
import { decodeCursor, encodeCursor, listLimitOf } from './list-cursor.ts';
import type { Retention } from './retention.ts';
import { CorruptSummaryError } from './store-errors.ts';
import { summaryOfItem } from './summary-item.ts';
import {
  agentStatusKey,
  LISTING_ALL,
  StoredSummaryItemSchema,
  THREAD_TABLE,
  type ThreadIndexName,
} from './thread-table.ts';
import type { ThreadTableClient } from './thread-table-client.ts';

/**
 * One page of summaries, newest first, from the index that fits the filters: no filter is ever
 * applied after the read, so a page is never short of matches it skipped.
 */
export const listThreadSummaries = async (
  table: ThreadTableClient,
  query: ListThreadsQuery,
  retention: Retention,
): Promise<{ threads: ThreadSummary[]; cursor?: string }> => {
  const limit = listLimitOf(query.limit);
  const [indexName, partition] = indexFor(query);
  const start = query.cursor === undefined ? undefined : decodeCursor(query.cursor, cursorSchema(indexName));
  const page = await table.query({
    IndexName: indexName,
    KeyConditionExpression: '#partition = :partition',
    ExpressionAttributeNames: { '#partition': THREAD_TABLE.indexes[indexName].partitionKey },
    ExpressionAttributeValues: { ':partition': partition },
    ScanIndexForward: false,
    Limit: limit,
    ...(start === undefined ? {} : { ExclusiveStartKey: start.key }),
  });
  const threads = page.items.flatMap((item) => {
    const parsed = StoredSummaryItemSchema.safeParse(item);
    if (!parsed.success) {
      const threadId = typeof item.PK === 'string' ? item.PK.replace(/^THREAD#/, '') : 'unknown';
      throw new CorruptSummaryError(threadId, describeIssues(parsed.error), { cause: parsed.error });
    }
    // An expired summary leaves the page one short: the cursor still leads on to the rest.
    return retention.isExpired(parsed.data.expiresAt) ? [] : [summaryOfItem(parsed.data)];
  });
  const next = page.lastEvaluatedKey;
  return next === undefined
    ? { threads }
    : { threads, cursor: encodeCursor({ index: indexName, key: next }) };
};

const indexFor = (query: ListThreadsQuery): [ThreadIndexName, string] => {
  if (query.agent !== undefined && query.status !== undefined) {
    return ['byAgentStatus', agentStatusKey(query.agent, query.status)];
  }
  if (query.agent !== undefined) return ['byAgent', query.agent];
  if (query.status !== undefined) return ['byStatus', query.status];
  return ['byUpdated', LISTING_ALL];
};

/** A cursor is the index's LastEvaluatedKey: the table keys and the index keys, all strings. */
const cursorSchema = (indexName: ThreadIndexName) => {
  const index = THREAD_TABLE.indexes[indexName];
  return z.object({
    index: z.literal(indexName, { message: 'the cursor belongs to another query' }),
    key: z.strictObject({
      PK: z.string(),
      SK: z.string(),
      [index.partitionKey]: z.string(),
      [index.sortKey]: z.string(),
    }),
  });
};
