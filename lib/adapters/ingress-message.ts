import { z } from 'zod';
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

/**
 * What travels on the ingress queue: a message that starts a thread, or one for a thread that
 * exists. Everything that starts or continues a thread (the API, schedules, inbound mail) sends
 * exactly this, with `MessageGroupId = threadId` so one thread's messages stay in order.
 */
export const IngressMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start'), agent: z.string().min(1), ...common }),
  z.object({ kind: z.literal('message'), ...common }),
]);
export type IngressMessage = z.infer<typeof IngressMessageSchema>;
export type IngressMessageInput = z.input<typeof IngressMessageSchema>;

/** The ingress queue, as producers see it. */
export interface IngressQueue {
  send(message: IngressMessage): Promise<void>;
}
