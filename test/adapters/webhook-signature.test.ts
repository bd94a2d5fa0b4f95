import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from '../../lib/adapters/webhook-signature.ts';

const SECRET = 'whsec_0123456789abcdef0123456789abcdef';
const BODY = '{"id":"ntf_1","type":"done","threadId":"th-1","message":"ok"}';
const T = 1_767_225_600;

describe('signWebhook', () => {
  it('signs t.body with HMAC-SHA256, as a receiver computes it in any language', () => {
    // Computed with Python's hmac module: hmac.new(secret, b"1767225600." + body, sha256).hexdigest()
    expect(signWebhook(BODY, SECRET, T)).toBe(
      't=1767225600,v1=1f43e19f1053587a58a49a3e9a89727f0c4699371591f2d95af0552f66cd0c41',
    );
  });
});

describe('verifyWebhookSignature', () => {
  const header = signWebhook(BODY, SECRET, T);

  it('accepts the body it signed, as text or bytes, within the tolerance', () => {
    expect(verifyWebhookSignature({ body: BODY, header, secret: SECRET, now: T + 299 })).toEqual({
      ok: true,
      timestamp: T,
    });
    expect(
      verifyWebhookSignature({ body: Buffer.from(BODY), header, secret: Buffer.from(SECRET), now: T - 10 }),
    ).toMatchObject({ ok: true });
  });

  it('refuses a changed body, another secret and a changed time', () => {
    const check = (body: string, secret: string, signed: string) =>
      verifyWebhookSignature({ body, header: signed, secret, now: T });
    expect(check(BODY.replace('ok', 'OK'), SECRET, header)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(check(BODY, `${SECRET}x`, header)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(check(BODY, SECRET, header.replace(`t=${T}`, `t=${T + 1}`))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a genuine request that is too old or too far ahead: a replay', () => {
    expect(verifyWebhookSignature({ body: BODY, header, secret: SECRET, now: T + 301 })).toEqual({
      ok: false,
      reason: 'outside-tolerance',
    });
    expect(
      verifyWebhookSignature({ body: BODY, header, secret: SECRET, now: T - 61, toleranceSeconds: 60 }),
    ).toEqual({ ok: false, reason: 'outside-tolerance' });
  });

  it('accepts any one of several signatures, as while a secret is rotated', () => {
    const rotated = `${header},v1=${'0'.repeat(64)}`;

    expect(verifyWebhookSignature({ body: BODY, header: rotated, secret: SECRET, now: T })).toMatchObject({
      ok: true,
    });
  });

  it.each([
    undefined,
    null,
    '',
    'v1=abc',
    `t=${T}`,
    `t=soon,v1=${'a'.repeat(64)}`,
    `t=${T},t=${T},v1=${'a'.repeat(64)}`,
    `t=${T},v1=XYZ`,
  ])('calls the header %j malformed', (value) => {
    expect(verifyWebhookSignature({ body: BODY, header: value, secret: SECRET, now: T })).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });
});
