import { WaitNotFoundError } from './wait-errors.ts';
import { type WaitRecord, WaitRecordSchema, type WaitStore } from './wait-store.ts';

/** Waits in memory, with the same rules as the DynamoDB store: for tests and the CLI. */
export class InMemoryWaitStore implements WaitStore {
  private readonly waits = new Map<string, WaitRecord>();

  async put(wait: Omit<WaitRecord, 'status' | 'notifiedAt' | 'fallbackNotifiedAt'>): Promise<WaitRecord> {
    const existing = this.waits.get(wait.requestId);
    const record = WaitRecordSchema.parse({
      ...existing,
      ...wait,
      createdAt: existing?.createdAt ?? wait.createdAt,
      // Fixed when first stored, as the DynamoDB store keeps it.
      ...(existing?.approval ? { approval: existing.approval } : {}),
      status: existing?.status ?? 'pending',
    });
    this.waits.set(wait.requestId, record);
    return structuredClone(record);
  }

  async get(requestId: string): Promise<WaitRecord | undefined> {
    const wait = this.waits.get(requestId);
    return wait === undefined ? undefined : structuredClone(wait);
  }

  async markNotified(requestId: string, at: string, round: 'first' | 'fallback' = 'first'): Promise<void> {
    const wait = this.waits.get(requestId);
    if (!wait) throw new WaitNotFoundError(requestId);
    const field = round === 'first' ? 'notifiedAt' : 'fallbackNotifiedAt';
    if (wait[field] === undefined) this.waits.set(requestId, { ...wait, [field]: at });
  }

  async decide(
    requestId: string,
    decision: { by: string; at: string; decision: string },
  ): Promise<{ ok: true; wait: WaitRecord } | { ok: false; already: WaitRecord | undefined }> {
    const wait = this.waits.get(requestId);
    if (wait?.status !== 'pending') return { ok: false, already: wait && structuredClone(wait) };
    const decided: WaitRecord = {
      ...wait,
      status: 'decided',
      decidedBy: decision.by,
      decidedAt: decision.at,
      decision: decision.decision,
    };
    this.waits.set(requestId, decided);
    return { ok: true, wait: structuredClone(decided) };
  }
}
