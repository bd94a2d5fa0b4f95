import * as z from 'zod';
import { ChannelSchema } from '../core/events.ts';

const common = {
  /**
   * Letters, digits, `_` and `-`. A scheduled thread's id carries the firing time Scheduler fills
   * in (`2026-11-30T09:00:00Z`), so other characters become `-` rather than a rejected message.
   */
  threadId: z.preprocess(
    (value) => (typeof value === 'string' ? value.replace(/[^\w-]/g, '-') : value),
    z.string().min(1).max(64),
  ),
  text: z.string().min(1).max(100_000),
  channel: ChannelSchema,
  from: z.string().max(320).optional(),
  subject: z.string().max(998).optional(),
  untrusted: z.boolean().default(false),
  /** The idempotency key: also the FIFO deduplication id. */
  key: z.string().min(1).max(128),
};

/** What a decision message decides: approve, or reject with the reason the model reads. */
export const MailDecisionSchema = z.discriminatedUnion('decision', [
  z.object({ decision: z.literal('approve') }),
  z.object({ decision: z.literal('reject'), feedback: z.string().min(1).max(10_000) }),
]);
export type MailDecision = z.infer<typeof MailDecisionSchema>;

/**
 * What travels on the ingress queue: a message that starts a thread, one for a thread that
 * exists, or a decision on a thread's pending approval. Everything that starts or continues a
 * thread (the API, schedules, inbound mail) sends exactly this, with `MessageGroupId = threadId`
 * so one thread's messages stay in order.
 *
 * Only the inbound-mail function sends a `decision`, and only for a reply whose sender is one of
 * the agent's approvers and whose SPF and DKIM passed (lib/service/mail-trust.ts). It is also a
 * message: its text is appended like any other, then it decides the approval it names.
 */
export const IngressMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start'), agent: z.string().min(1), ...common }),
  z.object({ kind: z.literal('message'), ...common }),
  z.object({
    kind: z.literal('decision'),
    ...common,
    /** Who decided: the authenticated sender. */
    from: z.string().min(1).max(320),
    approvalId: z.string().min(1).max(200),
    answer: MailDecisionSchema,
  }),
]);
export type IngressMessage = z.infer<typeof IngressMessageSchema>;
export type IngressMessageInput = z.input<typeof IngressMessageSchema>;

/** The ingress queue, as producers see it. */
export interface IngressQueue {
  send(message: IngressMessage): Promise<void>;
}
