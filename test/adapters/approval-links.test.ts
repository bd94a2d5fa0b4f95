import { describe, expect, it } from 'vitest';
import { ApprovalLinks } from '../../lib/adapters/approval-links.ts';

const links = new ApprovalLinks(Buffer.alloc(32, 1));
const NOW = '2026-03-01T12:00:00.000Z';
const EXPIRES = '2026-03-01T13:00:00.000Z';
const EXPIRES_EPOCH = Date.parse(EXPIRES) / 1000;
/** What the server knows the approval is about: the thread, the gated call, its arguments' digest. */
const SUBJECT = { threadId: 'th_1', callId: 'call_1', argsHash: 'sha256-of-the-args' };
const signed = () => ({
  ...links.sign({
    ...SUBJECT,
    approvalId: 'apr_1',
    decision: 'approve',
    approver: 'grace@example.com',
    expiresAt: EXPIRES,
  }),
});

/** A different character in the same position, so only the content changes. */
const flip = (text: string, index: number): string => {
  const character = text[index] === 'A' ? 'B' : 'A';
  return `${text.slice(0, index)}${character}${text.slice(index + 1)}`;
};

describe('ApprovalLinks', () => {
  it('signs the approver, decision and expiry into query parameters that verify', () => {
    const params = signed();

    const check = links.verify('apr_1', params, NOW, SUBJECT);

    expect(params).toEqual({
      a: 'grace@example.com',
      d: 'approve',
      e: String(EXPIRES_EPOCH),
      s: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(check).toEqual({
      ok: true,
      claims: {
        approvalId: 'apr_1',
        decision: 'approve',
        approver: 'grace@example.com',
        expiresAt: EXPIRES_EPOCH,
      },
      signature: params.s,
    });
  });

  it('allows any decision when the link names none', () => {
    expect(links.sign({ ...SUBJECT, approvalId: 'apr_1', approver: 'grace', expiresAt: EXPIRES }).d).toBe(
      'any',
    );
  });

  it.each([
    ['the approval id', (params: Record<string, string>) => ({ id: 'apr_2', params })],
    [
      'the decision',
      (params: Record<string, string>) => ({ id: 'apr_1', params: { ...params, d: 'reject' } }),
    ],
    [
      'the approver',
      (params: Record<string, string>) => ({ id: 'apr_1', params: { ...params, a: 'mallory@example.com' } }),
    ],
    [
      'the expiry',
      (params: Record<string, string>) => ({
        id: 'apr_1',
        params: { ...params, e: String(EXPIRES_EPOCH + 86_400) },
      }),
    ],
    [
      'the signature',
      (params: Record<string, string>) => ({ id: 'apr_1', params: { ...params, s: flip(params.s!, 5) } }),
    ],
    [
      'the last signature character',
      (params: Record<string, string>) => ({
        id: 'apr_1',
        params: { ...params, s: `${params.s!.slice(0, 42)}${params.s!.endsWith('A') ? 'B' : 'A'}` },
      }),
    ],
  ])('refuses a link whose %s was changed', (_what, change) => {
    const { id, params } = change(signed());

    expect(links.verify(id, params, NOW, SUBJECT)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    ['another thread', { ...SUBJECT, threadId: 'th_2' }],
    ['another call', { ...SUBJECT, callId: 'call_2' }],
    ['changed arguments', { ...SUBJECT, argsHash: 'sha256-of-other-args' }],
  ])('refuses a link for an approval that is now about %s', (_what, subject) => {
    expect(links.verify('apr_1', signed(), NOW, subject)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a link signed with another secret', () => {
    const other = new ApprovalLinks(Buffer.alloc(32, 2));

    expect(other.verify('apr_1', signed(), NOW, SUBJECT)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a link from its expiry on, and accepts it a second before', () => {
    expect(links.verify('apr_1', signed(), '2026-03-01T12:59:59.000Z', SUBJECT).ok).toBe(true);
    expect(links.verify('apr_1', signed(), EXPIRES, SUBJECT)).toEqual({ ok: false, reason: 'expired' });
  });

  it('says a forged link is forged, not expired, even after the expiry', () => {
    const params = { ...signed(), a: 'mallory' };

    expect(links.verify('apr_1', params, '2027-01-01T00:00:00.000Z', SUBJECT)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it.each([
    ['no signature', { a: 'grace', d: 'any', e: '1' }],
    ['a signature of the wrong length', { a: 'grace', d: 'any', e: '1', s: 'abc' }],
    ['an expiry that is not a number', { a: 'grace', d: 'any', e: 'tomorrow', s: 'A'.repeat(43) }],
    ['an unknown decision', { a: 'grace', d: 'delete', e: '1', s: 'A'.repeat(43) }],
    ['no approver', { d: 'any', e: '1', s: 'A'.repeat(43) }],
  ])('calls a link with %s malformed', (_what, params) => {
    expect(links.verify('apr_1', params, NOW, SUBJECT)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('calls a link without an approval id malformed', () => {
    expect(links.verify('', signed(), NOW, SUBJECT)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('builds the whole link, with the id in the path and nothing else in it', () => {
    const url = links.url('https://api.example.com/prod/', {
      ...SUBJECT,
      approvalId: 'apr 1/x',
      approver: 'grace+ops@example.com',
      expiresAt: EXPIRES,
    });

    const parsed = new URL(url);
    expect(parsed.origin + parsed.pathname).toBe('https://api.example.com/prod/approvals/apr%201%2Fx');
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      a: 'grace+ops@example.com',
      d: 'any',
      e: String(EXPIRES_EPOCH),
      s: expect.any(String),
    });
    expect(links.verify('apr 1/x', Object.fromEntries(parsed.searchParams), NOW, SUBJECT).ok).toBe(true);
  });

  it('takes the approvals URL as well as the API URL', () => {
    const input = { ...SUBJECT, approvalId: 'apr_1', approver: 'grace', expiresAt: EXPIRES };

    expect(links.url('https://api.example.com/v1/approvals/', input)).toBe(
      links.url('https://api.example.com/v1', input),
    );
  });

  it('binds a CSRF token to one link', () => {
    const { s } = signed();
    const token = links.csrfToken('apr_1', s);

    expect(links.isCsrfTokenValid('apr_1', s, token)).toBe(true);
    expect(links.isCsrfTokenValid('apr_2', s, token)).toBe(false);
    expect(links.isCsrfTokenValid('apr_1', flip(s, 0), token)).toBe(false);
    expect(links.isCsrfTokenValid('apr_1', s, s)).toBe(false);
    expect(links.isCsrfTokenValid('apr_1', s, undefined)).toBe(false);
    expect(links.isCsrfTokenValid('apr_1', s, ['x'])).toBe(false);
  });

  it('throws when the secret is shorter than 32 bytes', () => {
    expect(() => new ApprovalLinks(Buffer.alloc(31))).toThrow('at least 32 bytes');
  });

  it('throws when the expiry is not a time', () => {
    expect(() =>
      links.sign({ ...SUBJECT, approvalId: 'apr_1', approver: 'grace', expiresAt: 'soon' }),
    ).toThrow('not a time');
  });

  describe('mail references', () => {
    const grant = { ...SUBJECT, approvalId: 'apr_1', approver: 'Grace@Example.com', expiresAt: EXPIRES };
    const expected = { ...SUBJECT, approvalId: 'apr_1', approver: 'grace@example.com' };

    it('sign the same binding for the one approver, in a form a subject line carries', () => {
      const reference = links.mailReference(grant);

      expect(reference).toMatch(new RegExp(`^apr_1\\.${EXPIRES_EPOCH}\\.[\\w-]{22}$`));
      expect(links.checkMailReference(reference, expected, NOW)).toEqual({ ok: true, approvalId: 'apr_1' });
    });

    it.each([
      ['another sender', { ...expected, approver: 'mallory@example.com' }],
      ['another pending approval', { ...expected, approvalId: 'apr_2' }],
      ['changed arguments', { ...expected, argsHash: 'sha256-of-other-args' }],
      ['another thread', { ...expected, threadId: 'th_2' }],
    ])('do not decide for %s', (_what, other) => {
      expect(links.checkMailReference(links.mailReference(grant), other, NOW)).toEqual({
        ok: false,
        reason: 'bad-signature',
      });
    });

    it('do not verify as a link, nor a link as a reference: each signs its own purpose', () => {
      const { s } = links.sign({ ...grant, approver: 'grace@example.com' });
      expect(links.checkMailReference(`apr_1.${EXPIRES_EPOCH}.${s.slice(0, 22)}`, expected, NOW).ok).toBe(
        false,
      );
    });

    it('expire with the approval, and say a changed expiry is forged', () => {
      const reference = links.mailReference(grant);
      expect(links.checkMailReference(reference, expected, EXPIRES)).toEqual({
        ok: false,
        reason: 'expired',
      });
      const later = reference.replace(String(EXPIRES_EPOCH), String(EXPIRES_EPOCH + 86_400));
      expect(links.checkMailReference(later, expected, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    });

    it.each(['', 'apr_1', 'apr_1.123', 'apr_1.123.short', 'apr 1.123.AAAAAAAAAAAAAAAAAAAAAA'])(
      'call %j malformed',
      (reference) => {
        expect(links.checkMailReference(reference, expected, NOW)).toEqual({
          ok: false,
          reason: 'malformed',
        });
      },
    );
  });
});
