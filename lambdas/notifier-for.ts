import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Notifier } from '../lib/adapters/notifier.ts';
import { SesNotifier } from '../lib/adapters/ses-notifier.ts';
import type { Config } from './config.ts';
import type { Telemetry } from './telemetry.ts';

/** Email through SES when a sender is configured; otherwise a log line per notification. */
export const notifierFor = (config: Config, telemetry: Telemetry): Notifier => {
  if (config.SENDER_EMAIL === undefined) {
    // Never the whole notification: an approval's link is a credential.
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
    client: telemetry.tracer?.captureAWSv3Client(new SESv2Client({})) ?? new SESv2Client({}),
  });
};
