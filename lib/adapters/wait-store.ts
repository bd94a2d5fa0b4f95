import * as z from 'zod';
import { NextSchema } from '../core/next.ts';

export const WaitKindSchema = z.enum(['approval', 'question', 'escalation', 'child']);

/**
 * A paused task: the thread waits for a person (an approval, an answer) or for a child thread.
 * The Step Functions task token lives only here, server-side, under the request's id. Deciding
 * is a conditional write from `pending`, so a wait is decided once, before its task resumes.
 */
export const WaitRecordSchema = z.object({
  /** The approval id, question id, escalation event id or child thread id. */
  requestId: z.string().min(1),
  threadId: z.string().min(1),
  kind: WaitKindSchema,
  next: NextSchema,
  taskToken: z.string().min(1),
  status: z.enum(['pending', 'decided']),
  createdAt: z.string(),
  /**
   * For an approval: the call it covers, the hash of its arguments, who may decide it (the
   * approvers, then the fallback approvers) and when it expires. Fixed when the wait is stored.
   */
  approval: z
    .object({
      tool: z.string(),
      callId: z.string(),
      argsHash: z.string(),
      approvers: z.array(z.string()),
      fallbackApprovers: z.array(z.string()),
      expiresAt: z.string(),
    })
    .optional(),
  /** When the notification went out; a retried task (with a new token) does not notify again. */
  notifiedAt: z.string().optional(),
  /**
   * When the approval, undecided in time, went to the fallback approvers: at most once, and the
   * start of its second and last round.
   */
  fallbackNotifiedAt: z.string().optional(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  decision: z.string().optional(),
});
export type WaitRecord = z.infer<typeof WaitRecordSchema>;

export interface WaitStore {
  /** Stores or refreshes the wait with the newest task token; keeps `status` and when it notified. */
  put(wait: Omit<WaitRecord, 'status' | 'notifiedAt' | 'fallbackNotifiedAt'>): Promise<WaitRecord>;
  get(requestId: string): Promise<WaitRecord | undefined>;
  /** Records when people were told (`round: 'fallback'`: the fallback approvers); keeps the first time. */
  markNotified(requestId: string, at: string, round?: 'first' | 'fallback'): Promise<void>;
  /**
   * Records the decision if the wait is still pending. `already` carries the record as it stood,
   * so the caller can say who decided and when.
   */
  decide(
    requestId: string,
    decision: { by: string; at: string; decision: string },
  ): Promise<{ ok: true; wait: WaitRecord } | { ok: false; already: WaitRecord | undefined }>;
}
