import * as z from 'zod';
import { HumanChannelSchema } from '../core/humans.ts';
import { JsonObjectSchema } from '../core/json.ts';

const base = {
  threadId: z.string().min(1),
  /** Who to tell. Absent: the notifier's default recipients (the approvers). */
  to: z.array(z.string().min(1)).optional(),
  /** Where to tell them (the agent's channels). Absent: every channel the notifier has. */
  channels: z.array(HumanChannelSchema).min(1).optional(),
};

/**
 * What threadline tells people. Never carries a task token: approval links name the approval id
 * and are signed; the token stays in the wait record.
 */
export const NotificationSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('approval-requested'),
    ...base,
    approvalId: z.string().min(1),
    tool: z.string(),
    args: JsonObjectSchema,
    /** ISO-8601: when the approval expires, if it does. */
    expiresAt: z.string().optional(),
    /** The signed link for this recipient. */
    link: z.string(),
    /** For mail: the signed reference a reply carries in its subject to decide (`[ref …]`). */
    reference: z.string().optional(),
    /** True when nobody decided in time and this goes to the fallback approvers. */
    fallback: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('question'), ...base, requestId: z.string().min(1), question: z.string() }),
  z.object({ kind: z.literal('done'), ...base, message: z.string() }),
  z.object({
    kind: z.literal('escalation'),
    ...base,
    /** The escalation event id: the wait that a reply answers. */
    requestId: z.string().min(1).optional(),
    reason: z.string(),
    detail: z.string(),
  }),
  z.object({ kind: z.literal('failure'), ...base, error: z.string() }),
]);
export type Notification = z.infer<typeof NotificationSchema>;
export type NotificationKind = Notification['kind'];

/** Tells people what a thread needs or did: email on AWS, an outbox locally, a list in tests. */
export interface Notifier {
  notify(notification: Notification): Promise<void>;
}

/** Keeps what it was told: for tests, and for a stack without a sender address. */
export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];

  async notify(notification: Notification): Promise<void> {
    this.sent.push(NotificationSchema.parse(notification));
  }
}
