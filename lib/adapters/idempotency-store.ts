import * as z from 'zod';
import { JsonObjectSchema } from '../core/json.ts';

/**
 * What an API request with an `Idempotency-Key` was answered, kept so every retry gets the same
 * answer: 202 once its message was accepted, or 409 when the thread's state refused it (a refusal
 * that lasts: a thread that exists stays, a cancelled thread stays cancelled).
 */
export const IdempotentAnswerSchema = z.object({
  status: z.union([z.literal(202), z.literal(409)]),
  body: JsonObjectSchema,
});
export type IdempotentAnswer = z.infer<typeof IdempotentAnswerSchema>;

export const IdempotencyRecordSchema = z.object({
  /** The client's key, scoped by route, thread and caller and hashed (lib/api/idempotency.ts). */
  id: z.string().min(1).max(200),
  /** SHA-256 of the request's body as parsed: the same key with another body is refused. */
  fingerprint: z.string().min(1),
  answer: IdempotentAnswerSchema,
  createdAt: z.string(),
  /** Epoch seconds; from then on the record counts as absent, and the key is free again. */
  expiresAt: z.number().int().positive(),
});
export type IdempotencyRecord = z.infer<typeof IdempotencyRecordSchema>;

export type ClaimResult = { claimed: true } | { claimed: false; existing: IdempotencyRecord };

/** Where the API keeps what it answered each `Idempotency-Key`. */
export interface IdempotencyStore {
  /**
   * Stores the record unless a live record (one that has not expired by `record.createdAt`) holds
   * its id; then that one comes back, untouched. Of two concurrent claims exactly one wins.
   */
  claim(record: IdempotencyRecord): Promise<ClaimResult>;
  /** The live record under `id` at `at`, if there is one. */
  find(id: string, at: string): Promise<IdempotencyRecord | undefined>;
}

/** `at` (ISO-8601) in epoch seconds. */
export const epochSecondsOf = (at: string): number => Math.floor(Date.parse(at) / 1000);
