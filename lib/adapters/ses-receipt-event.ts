import * as z from 'zod';

/**
 * The event an SES receipt rule's Lambda action sends, as far as threadline reads it. Our own
 * schema: Powertools' `SesSchema` requires `dmarcPolicy`, which SES leaves out for most mail.
 */
const VerdictSchema = z.object({ status: z.string() });

export const SesMailSchema = z.object({
  /** The SES message id: also the object key of the raw mail under the S3 action's prefix. */
  messageId: z.string().min(1),
  source: z.string(),
  timestamp: z.string(),
  destination: z.array(z.string()),
  headersTruncated: z.boolean().optional(),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  commonHeaders: z
    .object({
      from: z.array(z.string()).optional(),
      to: z.array(z.string()).optional(),
      messageId: z.string().optional(),
      subject: z.string().optional(),
    })
    .optional(),
});

export const SesReceiptSchema = z.object({
  recipients: z.array(z.string()).min(1),
  timestamp: z.string(),
  spamVerdict: VerdictSchema.optional(),
  virusVerdict: VerdictSchema.optional(),
  spfVerdict: VerdictSchema.optional(),
  dkimVerdict: VerdictSchema.optional(),
  dmarcVerdict: VerdictSchema.optional(),
  dmarcPolicy: z.string().optional(),
});

export const SesNotificationSchema = z.object({ mail: SesMailSchema, receipt: SesReceiptSchema });
export type SesNotification = z.infer<typeof SesNotificationSchema>;

export const SesReceiptEventSchema = z.object({
  Records: z
    .array(
      z.object({ eventSource: z.literal('aws:ses'), eventVersion: z.string(), ses: SesNotificationSchema }),
    )
    .min(1),
});
export type SesReceiptEvent = z.infer<typeof SesReceiptEventSchema>;
