import { type DeliveryOptions, postJson } from './json-delivery.ts';
import { type Notification, NotificationSchema, type Notifier } from './notifier.ts';
import { slackMessageOf } from './slack-message.ts';

export interface SlackNotifierOptions extends DeliveryOptions {
  /**
   * The incoming-webhook URL (`SLACK_WEBHOOK_URL`), or a function that reads it (from Secrets
   * Manager on AWS). Whoever holds it can post to the channel: it is never logged nor put in an error.
   */
  webhookUrl: string | (() => Promise<string>);
}

/**
 * Notifications as Slack messages through an incoming webhook: Block Kit, one section saying
 * what happened and, for an approval, a button to its signed approval page. 429 and 5xx answers
 * are retried with backoff.
 */
export class SlackNotifier implements Notifier {
  // ES private fields stay out of util.inspect and console.log: the URL is never printed.
  readonly #webhookUrl: () => Promise<string>;
  readonly #options: DeliveryOptions;

  constructor(options: SlackNotifierOptions) {
    const { webhookUrl, ...delivery } = options;
    this.#webhookUrl = typeof webhookUrl === 'string' ? async () => webhookUrl : webhookUrl;
    this.#options = delivery;
  }

  async notify(notification: Notification): Promise<void> {
    const body = JSON.stringify(slackMessageOf(NotificationSchema.parse(notification)));
    await postJson({ channel: 'slack', url: await this.#webhookUrl() }, body, () => ({}), this.#options);
  }
}
