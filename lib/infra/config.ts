import * as z from 'zod';
import { SenderPatternSchema } from '../core/humans.ts';

/** The log retention periods CloudWatch Logs accepts, in days. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** `-c key=` on the command line arrives as an empty string: treat it as unset. */
const unsetWhenEmpty = (value: unknown): unknown => (value === '' || value === null ? undefined : value);

/** Context arrives as JSON from cdk.json, or as a string from `-c key=value`: accept both. */
const parseJsonText = (value: unknown, context: z.RefinementCtx): unknown => {
  if (value === '' || value === null) return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    context.addIssue({ code: 'custom', message: 'must be JSON' });
    return z.NEVER;
  }
};

const commaList = (value: unknown): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0)
    : value;

/** A Secrets Manager secret name: letters, digits and /_+=.@- (AWS's own rule). */
const SecretNameSchema = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[\w/+=.@-]+$/, 'a Secrets Manager secret name');

export const ScheduleSchema = z.strictObject({
  /** Names the schedule's threads (`sched-<name>-<time>`) and its idempotency keys. */
  name: z
    .string()
    .min(1)
    .max(40)
    .regex(/^[\w-]+$/, 'letters, digits, _ and - only'),
  /** An EventBridge Scheduler expression: `cron(0 9 ? * MON-FRI *)`, `rate(1 day)`; a bare cron body is wrapped. */
  cron: z.string().min(1),
  /** An IANA time zone for cron expressions; UTC when unset. */
  timezone: z.string().min(1).optional(),
  agent: z.string().min(1),
  message: z.string().min(1).max(100_000),
});
export type ScheduleConfig = z.infer<typeof ScheduleSchema>;

/**
 * Everything a deployment is configured with, read from CDK context (`cdk.json` or `-c key=value`).
 * Parsed once here; a bad value fails synth with the key's name.
 */
export const ThreadlineConfigSchema = z.object({
  /** The Bedrock model (or inference profile) the step function calls. */
  modelId: z.preprocess(
    unsetWhenEmpty,
    z
      .string()
      .regex(/^[\w.:-]+$/, 'a Bedrock model id or inference profile id')
      .default('anthropic.claude-3-5-haiku-20241022-v1:0'),
  ),
  /** Who approves gated tools and hears about escalations and failures. */
  approverEmails: z.preprocess(commaList, z.array(z.email()).default([])),
  /** Asked once when nobody decides an approval in time; then it expires. Agents may name their own. */
  fallbackApproverEmails: z.preprocess(commaList, z.array(z.email()).default([])),
  /** Addresses and `@domain`s that may write to agents by mail (agents may name their own); anyone when unset. */
  allowedSenders: z.preprocess(commaList, z.array(SenderPatternSchema).optional()),
  /** The Secrets Manager secret (its name) that holds a Slack incoming-webhook URL; no Slack when unset. */
  slackWebhookSecretName: z.preprocess(unsetWhenEmpty, SecretNameSchema.optional()),
  /** Where signed webhook notifications are POSTed; no webhook when unset. */
  webhookUrl: z.preprocess(unsetWhenEmpty, z.url({ protocol: /^https$/ }).optional()),
  /** The Secrets Manager secret (its name) webhooks are signed with; needed with `webhookUrl`. */
  webhookSecretName: z.preprocess(unsetWhenEmpty, SecretNameSchema.optional()),
  /** The verified SES identity notifications are sent from; no email goes out when unset. */
  senderEmail: z.preprocess(unsetWhenEmpty, z.email().optional()),
  /** The domain SES receives mail for; no inbound mail when unset. */
  inboundDomain: z.preprocess(unsetWhenEmpty, z.hostname().optional()),
  /** Mail to these addresses (at the inbound domain) that replies to no thread starts one: address → agent. */
  inboundAgents: z.preprocess(parseJsonText, z.record(z.email(), z.string().min(1)).default({})),
  /** Threads started on a timetable: `[{ name, cron, agent, message, timezone? }]`. */
  schedules: z.preprocess(
    parseJsonText,
    z
      .array(ScheduleSchema)
      .default([])
      .refine((schedules) => new Set(schedules.map((schedule) => schedule.name)).size === schedules.length, {
        message: 'schedule names must be unique',
      }),
  ),
  /** How long an approval may wait before it expires (the AwaitApproval task's timeout). */
  approvalTimeoutSeconds: z.preprocess(
    unsetWhenEmpty,
    // At least 2: the heartbeat is one second shorter. Seconds-long waits exist for tests.
    z.coerce.number().int().min(2).max(31_536_000).default(86_400),
  ),
  /** How long logs and raw inbound mail are kept. */
  retentionDays: z.preprocess(
    unsetWhenEmpty,
    z.coerce
      .number()
      .int()
      .refine((days) => (RETENTION_DAYS as readonly number[]).includes(days), {
        message: `one of ${RETENTION_DAYS.join(', ')}`,
      })
      .default(90),
  ),
});
export type ThreadlineConfig = z.infer<typeof ThreadlineConfigSchema>;

/** A webhook is always signed: a URL without the secret to sign with fails synth. */
const checkWebhook = (config: ThreadlineConfig): string | undefined =>
  config.webhookUrl !== undefined && config.webhookSecretName === undefined
    ? 'webhookSecretName: required with webhookUrl (webhooks are always signed)'
    : undefined;

export const CONFIG_KEYS = Object.keys(ThreadlineConfigSchema.shape) as (keyof ThreadlineConfig)[];

export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';
  constructor(
    readonly keys: string[],
    message: string,
  ) {
    super(message);
  }
}

/** Reads the deployment's configuration from CDK context; throws naming every bad key. */
export const readConfig = (readContext: (key: string) => unknown): ThreadlineConfig => {
  const raw = Object.fromEntries(CONFIG_KEYS.map((key) => [key, readContext(key)]));
  const parsed = ThreadlineConfigSchema.safeParse(raw);
  if (parsed.success) {
    const problem = checkWebhook(parsed.data);
    if (problem !== undefined) {
      throw new InvalidConfigError(['webhookSecretName'], `invalid CDK context:\n  - ${problem}`);
    }
    return parsed.data;
  }
  const problems = parsed.error.issues.map((issue) => {
    const [key, ...rest] = issue.path.map(String);
    return { key: key ?? '(context)', text: `${[key, ...rest].join('.')}: ${issue.message}` };
  });
  throw new InvalidConfigError(
    [...new Set(problems.map((problem) => problem.key))],
    `invalid CDK context (set with -c key=value or in cdk.json):\n${problems.map((problem) => `  - ${problem.text}`).join('\n')}`,
  );
};
