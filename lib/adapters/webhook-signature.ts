import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How threadline signs the webhooks it sends, and how a receiver checks them (Stripe's scheme):
 *
 *   X-Threadline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * A receiver takes the body exactly as the bytes arrived (before any JSON parsing), computes the
 * HMAC of `t + "." + body` with the shared secret, compares it in constant time with each `v1`
 * (there may be several while a secret is rotated), and refuses a `t` more than a few minutes
 * from its own clock, so a captured request cannot be replayed later. `verifyWebhookSignature`
 * does all of that; receivers written in TypeScript can import it.
 */
export const SIGNATURE_HEADER = 'X-Threadline-Signature';

/** Five minutes, as Stripe allows. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type WebhookVerification =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'outside-tolerance' };

/** The header value for a body sent at `timestamp` (epoch seconds). */
export const signWebhook = (body: string, secret: string | Uint8Array, timestamp: number): string =>
  `t=${timestamp},v1=${hmacOf(secret, timestamp, body)}`;

export interface VerifyInput {
  /** The raw body, byte for byte as received. */
  body: string | Uint8Array;
  /** The `X-Threadline-Signature` header. */
  header: string | null | undefined;
  secret: string | Uint8Array;
  /** How far `t` may be from now, either way. Default 300 s. */
  toleranceSeconds?: number;
  /** Epoch seconds; the receiver's clock when unset. */
  now?: number;
}

/**
 * Checks a signed webhook. The signature is checked before the time, so only a genuine request
 * learns that it is too old.
 */
export const verifyWebhookSignature = (input: VerifyInput): WebhookVerification => {
  const parts = (input.header ?? '').split(',').map((part) => part.trim().split('='));
  const timestamps = parts.filter(([name]) => name === 't').map(([, value]) => value ?? '');
  const signatures = parts.filter(([name]) => name === 'v1').map(([, value]) => value ?? '');
  const [timestampText] = timestamps;
  if (timestamps.length !== 1 || timestampText === undefined || !/^\d{1,12}$/.test(timestampText)) {
    return { ok: false, reason: 'malformed' };
  }
  if (signatures.length === 0 || signatures.some((signature) => !/^[0-9a-f]{64}$/.test(signature))) {
    return { ok: false, reason: 'malformed' };
  }
  const timestamp = Number(timestampText);
  const body = typeof input.body === 'string' ? input.body : Buffer.from(input.body).toString('utf-8');
  const expected = Buffer.from(hmacOf(input.secret, timestamp, body), 'utf-8');
  const matches = signatures.some((signature) => {
    const given = Buffer.from(signature, 'utf-8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) return { ok: false, reason: 'bad-signature' };
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - timestamp) > tolerance) return { ok: false, reason: 'outside-tolerance' };
  return { ok: true, timestamp };
};

const hmacOf = (secret: string | Uint8Array, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf-8').digest('hex');
