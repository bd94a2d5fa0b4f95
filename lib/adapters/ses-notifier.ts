import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { REQUEST_HEADER, replyAddressFor, THREAD_HEADER } from './mail-address.ts';
import { renderNotification } from './notification-email.ts';
import { type Notification, NotificationSchema, type Notifier } from './notifier.ts';

export interface SesNotifierOptions {
  /** The verified sender (`SENDER_EMAIL`). */
  from: string;
  /** Who hears a notification that names nobody: the approvers. */
  defaultTo: readonly string[];
  /** When set, replies go to `reply+<threadId>@<domain>`, which the inbound function maps back. */
  inboundDomain?: string;
  client?: SESv2Client;
}

/**
 * Notifications as email through SES v2 (`SendEmail`, simple content: a text and an HTML part).
 * Headers name the thread and the request (`X-Threadline-Thread`, `X-Threadline-Request`) for
 * mail rules and for support; the task token is never in a mail.
 */
export class SesNotifier implements Notifier {
  private readonly client: SESv2Client;

  constructor(private readonly options: SesNotifierOptions) {
    if (options.from.length === 0) throw new Error('SesNotifier needs a sender address');
    this.client = options.client ?? new SESv2Client({});
  }

  async notify(notification: Notification): Promise<void> {
    const parsed = NotificationSchema.parse(notification);
    const to = parsed.to ?? this.options.defaultTo;
    if (to.length === 0) return;
    const { inboundDomain } = this.options;
    const email = renderNotification(parsed, { repliesDecide: inboundDomain !== undefined });
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.options.from,
        Destination: { ToAddresses: [...to] },
        ...(inboundDomain ? { ReplyToAddresses: [replyAddressFor(parsed.threadId, inboundDomain)] } : {}),
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: email.text, Charset: 'UTF-8' },
              Html: { Data: email.html, Charset: 'UTF-8' },
            },
            Headers: [
              { Name: THREAD_HEADER, Value: parsed.threadId },
              ...(email.requestId ? [{ Name: REQUEST_HEADER, Value: email.requestId }] : []),
            ],
          },
        },
      }),
    );
  }
}
