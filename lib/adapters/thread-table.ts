import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ThreadStatusSchema } from '../core/thread-state.ts';

/**
 * The layout of the one threads table. The CDK construct builds the table from `THREAD_TABLE`, so
 * the store and the stack always agree on attribute names.
 *
 * Every item of a thread shares `PK = THREAD#<threadId>`; `SK` says what the item is:
 *
 * | SK                      | item                                                           |
 * |-------------------------|----------------------------------------------------------------|
 * | `EVENT#0000000042`      | event 42: `seq id at type schemaVersion? key? data? dataRef? expiresAt?` |
 * | `KEY#<sha256 of key>`   | idempotency marker: the same attributes as the event it names   |
 * | `SUMMARY`               | agent, status, totals, waitingFor, parent, list keys           |
 *
 * `E` < `K` < `S`, so `begins_with(SK, 'EVENT#')` reads events in seq order and nothing else.
 * `data` holds the event's data as JSON text (no 32-level map limit, numbers kept exactly);
 * `dataRef` replaces it when the data went to the payload store. `expiresAt` (epoch seconds) is
 * the table's TTL attribute. `schemaVersion` is the version of the type's data shape the event was
 * written at (`lib/core/upcasters.ts`); items written before versions were stamped have none and
 * are version 1.
 */
export const THREAD_TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  timeToLiveAttribute: 'expiresAt',
  /** Summary items only: every index is sparse, events and markers never appear in it. */
  indexes: {
    byAgentStatus: { partitionKey: 'agentStatus', sortKey: 'updatedAt' },
    byAgent: { partitionKey: 'agent', sortKey: 'updatedAt' },
    byStatus: { partitionKey: 'status', sortKey: 'updatedAt' },
    /** Every thread, newest first. One partition: fine at agent speed, shard it past ~1,000 writes/s. */
    byUpdated: { partitionKey: 'listing', sortKey: 'updatedAt' },
  },
} as const;

export type ThreadIndexName = keyof typeof THREAD_TABLE.indexes;

/** The value of `listing` on every summary item. */
export const LISTING_ALL = 'THREAD';
export const SUMMARY_SK = 'SUMMARY';
export const EVENT_SK_PREFIX = 'EVENT#';
const SEQ_DIGITS = 10;

export const threadPk = (threadId: string): string => `THREAD#${threadId}`;
export const eventSk = (seq: number): string => `${EVENT_SK_PREFIX}${String(seq).padStart(SEQ_DIGITS, '0')}`;
/** Hashed: keys such as Message-IDs can be long, and a sort key holds at most 1 KB. */
export const keySk = (key: string): string => `KEY#${createHash('sha256').update(key).digest('hex')}`;
export const agentStatusKey = (agent: string, status: string): string => `${agent}#${status}`;

/** The seq an event's sort key names, or undefined when the key is not an event key. */
export const seqOfSk = (sk: string): number | undefined => {
  const digits = sk.startsWith(EVENT_SK_PREFIX) ? sk.slice(EVENT_SK_PREFIX.length) : '';
  return /^\d{10}$/.test(digits) ? Number(digits) : undefined;
};

/** Where an offloaded `data` lives: content-addressed, so a cached copy is never stale. */
export const PayloadRefSchema = z.object({
  key: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type PayloadRef = z.infer<typeof PayloadRefSchema>;

const expiresAt = z.number().int().positive().optional();

/** An event item, and (with a `KEY#` sort key) the idempotency marker that copies it. */
export const StoredEventItemSchema = z
  .object({
    PK: z.string(),
    SK: z.string(),
    seq: z.number().int().positive(),
    id: z.string().min(1),
    at: z.string(),
    type: z.string().min(1),
    /** Absent on items written before versions were stamped: those are version 1. */
    schemaVersion: z.number().int().positive().optional(),
    key: z.string().min(1).optional(),
    data: z.string().optional(),
    dataRef: PayloadRefSchema.optional(),
    expiresAt,
  })
  .refine((item) => (item.data === undefined) !== (item.dataRef === undefined), {
    message: 'exactly one of data and dataRef must be present',
  });
export type StoredEventItem = z.infer<typeof StoredEventItemSchema>;

const ParentSchema = z.object({ threadId: z.string().min(1), atSeq: z.number().int().nonnegative() });

export const StoredSummaryItemSchema = z.object({
  PK: z.string(),
  SK: z.literal(SUMMARY_SK),
  threadId: z.string().min(1),
  agent: z.string().min(1),
  status: ThreadStatusSchema,
  agentStatus: z.string(),
  listing: z.literal(LISTING_ALL),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastSeq: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
  waitingFor: z.string().optional(),
  parent: ParentSchema.optional(),
  /** Set while a fork is still copying its parent's events; readers finish the copy first. */
  forkPending: z.literal(true).optional(),
  expiresAt,
});
export type StoredSummaryItem = z.infer<typeof StoredSummaryItemSchema>;
