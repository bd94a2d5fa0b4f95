import { DynamoIdempotencyStore } from '../lib/adapters/dynamo-idempotency-store.ts';
import type { Base } from './base.ts';

/** What the API answered each `Idempotency-Key`: records in the threads table. */
export const idempotencyStoreOf = (base: Base): DynamoIdempotencyStore =>
  new DynamoIdempotencyStore({ tableName: base.config().THREAD_TABLE_NAME, client: base.dynamo() });
