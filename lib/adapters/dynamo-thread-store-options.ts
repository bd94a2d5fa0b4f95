import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { describeIssues } from '../core/tools.ts';
import type { UpcasterChain } from '../core/upcasters.ts';
import { type BackoffOptions, DEFAULT_BACKOFF } from './backoff.ts';
import type { PayloadStore } from './payload-store.ts';

/** A lost race for a seq, reported before the store waits and tries again. */
export interface AppendRetry {
  threadId: string;
  seq: number;
  attempt: number;
}

export interface DynamoThreadStoreOptions {
  tableName: string;
  /** Where event data larger than `offloadThresholdBytes` goes: S3 on AWS. */
  payloads: PayloadStore;
  client?: DynamoDBClient;
  /** Default 64 KiB. At most 300,000: an item must stay well below DynamoDB's 400 KB. */
  offloadThresholdBytes?: number;
  /** How long items live after they are written. Undefined: forever. */
  retentionDays?: number;
  /** Epoch milliseconds: decides which items have expired. */
  now?: () => number;
  retry?: Partial<BackoffOptions>;
  /**
   * The upcasters events are read with, and whose versions they are written at. Default
   * `EVENT_UPCASTERS`, the code base's own; tests pass others.
   */
  upcasters?: UpcasterChain;
  /** Called on every lost race: a counter for metrics and tests. */
  onRetry?: (retry: AppendRetry) => void;
  /** A summary update after an append failed; the append itself succeeded. Default: a warning on stderr. */
  onSummaryError?: (error: unknown, threadId: string) => void;
}

const SettingsSchema = z.object({
  tableName: z.string().min(1),
  offloadThresholdBytes: z
    .number()
    .int()
    .min(1024)
    .max(300_000)
    .default(64 * 1024),
  retentionDays: z.number().positive().optional(),
  retry: z
    .object({
      maxAttempts: z.number().int().min(1).default(DEFAULT_BACKOFF.maxAttempts),
      baseDelayMs: z.number().nonnegative().default(DEFAULT_BACKOFF.baseDelayMs),
      maxDelayMs: z.number().nonnegative().default(DEFAULT_BACKOFF.maxDelayMs),
    })
    .default(DEFAULT_BACKOFF),
});
export type DynamoThreadStoreSettings = z.infer<typeof SettingsSchema>;

/** The numbers and names among the options, checked once: a bad one fails with its name. */
export const parseStoreSettings = (options: DynamoThreadStoreOptions): DynamoThreadStoreSettings => {
  const parsed = SettingsSchema.safeParse(options);
  if (!parsed.success) throw new Error(`DynamoThreadStore options: ${describeIssues(parsed.error)}`);
  return parsed.data;
};
