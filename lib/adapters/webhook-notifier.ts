import { createHash } from 'node:crypto';
import { type DeliveryOptions, postJson } from './json-delivery.ts';
import { type Notification, NotificationSchema, type Notifier } from './notifier.ts';
import { SIGNATURE_HEADER, signWebhook } from './webhook-signature.ts';

export const MIN_WEBHOOK_SECRET_BYTES = 32;

export interface WebhookNotifierOptions extends DeliveryOptions {
  /** Where to POST (`WEBHOOK_URL`). It may carry a token, so it is treated as a secret too. */
  url: string | (() => Promise<string>);
  /** The signing secret (`WEBHOOK_SECRET`), or a function that reads it from Secrets Manager. */
  secret: string | Uint8Array | (() => Promise<string | Uint8Array>);
  /** Epoch milliseconds; injected by tests. */
  now?: () => number;
}

/**
 * What a receiver gets: `{ id, type, threadId, … }`, the notification's own fields under `type`
 * (its kind). `id` is the same for every delivery of one notification, so a receiver can ignore
 * a repeat: a task retried after a failed delivery sends it again.
 */
export const webhookPayloadOf = (notification: Notification): Record<string, unknown> => {
  const { kind, channels: _channels, ...fields } = notification;
  const id = `ntf_${createHash('sha256').update(JSON.stringify(notification)).digest('hex').slice(0, 32)}`;
  return { id, type: kind, ...fields };
};

/**
 * Notifications as signed JSON POSTs to any HTTP endpoint (`X-Threadline-Signature`, see
 * webhook-signature.ts for how a receiver verifies it). Each attempt is signed afresh, so a
 * retried delivery carries a current time; 429 and 5xx are retried with backoff.
 */
export class WebhookNotifier implements Notifier {
  readonly #url: () => Promise<string>;
  readonly #secret: () => Promise<string | Uint8Array>;
  readonly #now: () => number;
  readonly #options: DeliveryOptions;

  constructor(options: WebhookNotifierOptions) {
    const { url, secret, now, ...delivery } = options;
    this.#url = typeof url === 'string' ? async () => url : url;
    this.#secret = typeof secret === 'function' ? secret : async () => secret;
    this.#now = now ?? Date.now;
    this.#options = delivery;
  }

  async notify(notification: Notification): Promise<void> {
    const body = JSON.stringify(webhookPayloadOf(NotificationSchema.parse(notification)));
    const secret = await this.#secret();
    if (Buffer.byteLength(secret) < MIN_WEBHOOK_SECRET_BYTES) {
      throw new RangeError(`the webhook signing secret must be at least ${MIN_WEBHOOK_SECRET_BYTES} bytes`);
    }
    const sign = () => ({ [SIGNATURE_HEADER]: signWebhook(body, secret, Math.floor(this.#now() / 1000)) });
    const target = {
      channel: 'webhook',
      url: await this.#url(),
      secrets: [Buffer.from(secret).toString('utf-8')],
    };
    await postJson(target, body, sign, this.#options);
  }
}
