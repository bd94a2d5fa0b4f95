import * as z from 'zod';
import { normalizeAddress } from '../lib/core/email-address.ts';
import { type HumanChannel, SenderPatternSchema } from '../lib/core/humans.ts';
import { describeIssues } from '../lib/core/tools.ts';

const optional = z.string().trim().min(1).optional();
const emails = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((email) => email.trim())
      .filter(Boolean),
  );

/**
 * The functions' environment (docs/aws.md). Only the threads table is needed by all; the rest is
 * checked where it is used (`required`), so a function fails naming the one setting it lacks.
 */
const EnvSchema = z.object({
  THREAD_TABLE_NAME: z.string().trim().min(1),
  PAYLOAD_BUCKET_NAME: optional,
  INGRESS_QUEUE_URL: optional,
  STATE_MACHINE_ARN: optional,
  THREADLINE_MODEL: optional,
  TOOL_NAME: optional,
  APPROVAL_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(86_400),
  /** Where approval links point: the API's public URL. */
  APPROVAL_BASE_URL: optional,
  APPROVAL_SIGNING_SECRET_ARN: optional,
  /** The signing key itself, for the local stack only; on AWS the ARN above is read. */
  APPROVAL_SIGNING_SECRET: optional,
  APPROVER_EMAILS: emails,
  /** Asked once when nobody decides an approval in time (agents may name their own). */
  FALLBACK_APPROVER_EMAILS: emails,
  /** Addresses and `@domain`s that may write to agents by mail; anyone when unset. */
  ALLOWED_SENDERS: z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const senders = value
      .split(',')
      .map((sender) => sender.trim())
      .filter(Boolean);
    return senders.length === 0 ? undefined : senders;
  }, z.array(SenderPatternSchema).optional()),
  SENDER_EMAIL: optional,
  /** A Slack incoming-webhook URL, for the local stack only; on AWS the secret below holds it. */
  SLACK_WEBHOOK_URL: optional,
  /** The Secrets Manager secret (name or ARN) whose value is the Slack incoming-webhook URL. */
  SLACK_WEBHOOK_SECRET_NAME: optional,
  /** Where signed webhook notifications are POSTed. */
  WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The webhook signing secret, for the local stack only; on AWS the secret below holds it. */
  WEBHOOK_SECRET: optional,
  /** The Secrets Manager secret (name or ARN) webhooks are signed with. */
  WEBHOOK_SECRET_NAME: optional,
  INBOUND_DOMAIN: optional,
  INBOUND_MAIL_PREFIX: z.string().default('mail/'),
  /** JSON: recipient address → agent, e.g. `{"support@example.com":"support"}`. */
  INBOUND_AGENTS: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined || value.trim() === '') return new Map<string, string>();
      const parsed = z.record(z.string(), z.string().min(1)).safeParse(jsonOrUndefined(value));
      if (!parsed.success) {
        context.addIssue({ code: 'custom', message: 'must be a JSON object of address → agent name' });
        return z.NEVER;
      }
      return new Map(
        Object.entries(parsed.data).map(([address, agent]) => [normalizeAddress(address), agent]),
      );
    }),
  OPENAI_API_KEY: optional,
});

export type Config = z.infer<typeof EnvSchema>;
export type SettingName = keyof Config;

export class MissingSettingError extends Error {
  override readonly name = 'MissingSettingError';
  constructor(readonly setting: string) {
    super(`${setting} is not set: this function needs it (see docs/aws.md)`);
  }
}

export class InvalidConfigError extends Error {
  override readonly name = 'InvalidConfigError';
}

/** Parses the environment once; every problem is named by its variable. */
export const readConfig = (env: Readonly<Record<string, string | undefined>> = process.env): Config => {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const missing = parsed.error.issues.find((issue) => issue.path[0] === 'THREAD_TABLE_NAME');
    if (missing) throw new MissingSettingError('THREAD_TABLE_NAME');
    throw new InvalidConfigError(`invalid environment: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
};

/** A setting this function cannot run without. */
export const required = <K extends SettingName>(config: Config, name: K): NonNullable<Config[K]> => {
  const value = config[name];
  if (value === undefined || value === null) throw new MissingSettingError(name);
  return value;
};

const jsonOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * Every channel this deployment can reach people on. Email is always one: without a sender it
 * writes a log line per notification instead, so an agent that asks for email is never silent.
 */
export const configuredChannels = (config: Config): HumanChannel[] => {
  const channels: HumanChannel[] = ['email'];
  if (config.SLACK_WEBHOOK_URL !== undefined || config.SLACK_WEBHOOK_SECRET_NAME !== undefined)
    channels.push('slack');
  if (config.WEBHOOK_URL !== undefined) channels.push('webhook');
  return channels;
};
