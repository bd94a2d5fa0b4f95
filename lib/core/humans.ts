import * as z from 'zod';

/** Where threadline can reach people: email through SES, a Slack incoming webhook, a signed webhook. */
export const HumanChannelSchema = z.enum(['email', 'slack', 'webhook']);
export type HumanChannel = z.infer<typeof HumanChannelSchema>;

/** An address (`ada@example.com`) or every address at a domain (`@example.com`). */
export const SenderPatternSchema = z
  .string()
  .refine(
    (pattern) => z.email().safeParse(pattern).success || /^@[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(pattern),
    'an email address or @domain',
  );

/**
 * The people an agent works with (factor 7), as data. Every field is optional: what an agent
 * leaves out, the deployment's settings (`APPROVER_EMAILS` …) supply.
 */
export const AgentHumansSchema = z.strictObject({
  /** Who approves this agent's gated tools; they also hear of its escalations and failures. */
  approvers: z.array(z.email()).min(1).optional(),
  /** Asked once when an approval's time runs out with nobody deciding; then it expires. */
  fallbackApprovers: z.array(z.email()).optional(),
  /** How long each round of an approval waits (the approvers', then the fallback approvers'). */
  approvalTimeoutSeconds: z.number().int().min(2).max(31_536_000).optional(),
  /** Where this agent's notifications go; the deployment's configured channels when unset. */
  channels: z.array(HumanChannelSchema).min(1).optional(),
  /** Who may start or continue this agent's threads by mail; anyone when unset. */
  allowedSenders: z.array(SenderPatternSchema).optional(),
});
export type AgentHumans = z.infer<typeof AgentHumansSchema>;
