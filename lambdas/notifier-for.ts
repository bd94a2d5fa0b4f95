import { SESv2Client } from '@aws-sdk/client-sesv2';
import { FanoutNotifier } from '../lib/adapters/fanout-notifier.ts';
import type { Notifier } from '../lib/adapters/notifier.ts';
import { readSecret } from '../lib/adapters/secrets-manager-secret.ts';
import { SesNotifier } from '../lib/adapters/ses-notifier.ts';
import { SlackNotifier } from '../lib/adapters/slack-notifier.ts';
import { WebhookNotifier } from '../lib/adapters/webhook-notifier.ts';
import { type Config, configuredChannels, MissingSettingError } from './config.ts';
import { onceAsync } from './lazy.ts';
import type { Telemetry } from './telemetry.ts';

/**
 * The notifier the functions share: each notification goes to the channels it names (the
 * agent's), through SES, a Slack incoming webhook and a signed webhook. Secrets (the Slack URL,
 * the webhook key) are read from Secrets Manager on first use, once per cold start.
 */
export const notifierFor = (config: Config, telemetry: Telemetry): Notifier => {
  const { logger } = telemetry;
  const channels = configuredChannels(config);
  return new FanoutNotifier({
    channels: {
      email: emailNotifier(config, telemetry),
      ...(channels.includes('slack') ? { slack: slackNotifier(config) } : {}),
      ...(channels.includes('webhook') ? { webhook: webhookNotifier(config) } : {}),
    },
    // Never the whole notification: an approval's link is a credential.
    onUnconfigured: (channel, { kind, threadId }) =>
      logger.warn('notification not sent: the agent names a channel this deployment lacks', {
        channel,
        kind,
        threadId,
      }),
  });
};

const emailNotifier = (config: Config, telemetry: Telemetry): Notifier => {
  if (config.SENDER_EMAIL === undefined) {
    return {
      notify: async ({ kind, threadId, to }) =>
        telemetry.logger.warn('notification not sent: SENDER_EMAIL is not set', {
          kind,
          threadId,
          recipients: to?.length ?? 0,
        }),
    };
  }
  return new SesNotifier({
    from: config.SENDER_EMAIL,
    defaultTo: config.APPROVER_EMAILS,
    ...(config.INBOUND_DOMAIN ? { inboundDomain: config.INBOUND_DOMAIN } : {}),
    client: new SESv2Client({}),
  });
};

const slackNotifier = (config: Config): Notifier => {
  const { SLACK_WEBHOOK_URL: url, SLACK_WEBHOOK_SECRET_NAME: secretName } = config;
  const fromSecret = onceAsync(async () => {
    if (secretName === undefined) throw new MissingSettingError('SLACK_WEBHOOK_SECRET_NAME');
    return (await readSecret(secretName)).toString('utf-8').trim();
  });
  return new SlackNotifier({ webhookUrl: url ?? fromSecret });
};

const webhookNotifier = (config: Config): Notifier => {
  const { WEBHOOK_URL: url, WEBHOOK_SECRET: secret, WEBHOOK_SECRET_NAME: secretName } = config;
  return new WebhookNotifier({
    url: url ?? '',
    secret:
      secret ??
      onceAsync(async () => {
        // An unsigned webhook could be forged by anyone who finds its URL: refuse to send one.
        if (secretName === undefined) throw new MissingSettingError('WEBHOOK_SECRET_NAME');
        return readSecret(secretName);
      }),
  });
};
