import {
  type ClaimResult,
  epochSecondsOf,
  type IdempotencyRecord,
  IdempotencyRecordSchema,
  type IdempotencyStore,
} from './idempotency-store.ts';

/** Idempotency records in memory, with the DynamoDB store's rules: for tests and the CLI. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();

  // The check and the write run with no await between them: of concurrent claims, one wins.
  async claim(record: IdempotencyRecord): Promise<ClaimResult> {
    const existing = this.live(record.id, record.createdAt);
    if (existing) return { claimed: false, existing: structuredClone(existing) };
    this.records.set(record.id, IdempotencyRecordSchema.parse(structuredClone(record)));
    return { claimed: true };
  }

  async find(id: string, at: string): Promise<IdempotencyRecord | undefined> {
    const record = this.live(id, at);
    return record && structuredClone(record);
  }

  private live(id: string, at: string): IdempotencyRecord | undefined {
    const record = this.records.get(id);
    return record === undefined || record.expiresAt <= epochSecondsOf(at) ? undefined : record;
  }
}
