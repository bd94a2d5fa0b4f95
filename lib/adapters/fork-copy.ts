import { CorruptEventError } from '../core/errors.ts';
import { describeIssues } from '../core/tools.ts';
import type { Retention } from './retention.ts';
import { toEventItem } from './stored-event.ts';
import { eventSk, keySk, StoredEventItemSchema } from './thread-table.ts';
import type { ThreadTableClient } from './thread-table-client.ts';

/**
 * Fills a fork: copies the items of the parent's events 1..atSeq as they are (offloaded data keeps
 * pointing at the same payload, nothing is fetched), adds their key markers so the fork stays
 * idempotent for them, then clears the fork's pending mark.
 *
 * Safe to run twice at once: the copies are the same items, and they only ever land on seqs up to
 * `atSeq`, where no append writes.
 */
export const copyForkedEvents = async (
  table: ThreadTableClient,
  retention: Retention,
  fork: { threadId: string; atSeq: number; forkId: string },
): Promise<void> => {
  const items = await table.eventItems(fork.threadId, 1, fork.atSeq);
  const copies = items.flatMap((raw) => {
    const parsed = StoredEventItemSchema.safeParse(raw);
    if (!parsed.success)
      throw new CorruptEventError(fork.threadId, String(raw.SK), describeIssues(parsed.error));
    const { PK: _pk, SK: _sk, seq, expiresAt, ...body } = parsed.data;
    if (retention.isExpired(expiresAt)) return [];
    const event = toEventItem(fork.forkId, eventSk(seq), seq, body, retention);
    return body.key === undefined
      ? [event]
      : [event, toEventItem(fork.forkId, keySk(body.key), seq, body, retention)];
  });
  await table.putAll(copies);
  await table.finishFork(fork.forkId);
};
