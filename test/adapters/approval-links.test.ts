import { describe, expect, it } from 'vitest';
import { ApprovalLinks } from '../../lib/adapters/approval-links.ts';

const links = new ApprovalLinks(Buffer.alloc(32, 1));
const NOW = '2026-03-01T12:00:00.000Z';
const EXPIRES = '2026-03-01T13:00:00.000Z';
const EXPIRES_EPOCH = Date.parse(EXPIRES) / 1000;
const signed = () => ({
  ...links.sign({
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

    const check = links.verify('apr_1', params, NOW);

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
    expect(links.sign({ approvalId: 'apr_1', approver: 'grace', expiresAt: EXPIRES }).d).toBe('any');
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

    expect(links.verify(id, params, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a link signed with another secret', () => {
    const other = new ApprovalLinks(Buffer.alloc(32, 2));

    expect(other.verify('apr_1', signed(), NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a link from its expiry on, and accepts it a second before', () => {
    expect(links.verify('apr_1', signed(), '2026-03-01T12:59:59.000Z').ok).toBe(true);
    expect(links.verify('apr_1', signed(), EXPIRES)).toEqual({ ok: false, reason: 'expired' });
  });

  it('says a forged link is forged, not expired, even after the expiry', () => {
    const params = { ...signed(), a: 'mallory' };

    expect(links.verify('apr_1', params, '2027-01-01T00:00:00.000Z')).toEqual({
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
    expect(links.verify('apr_1', params, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('calls a link without an approval id malformed', () => {
    expect(links.verify('', signed(), NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('builds the whole link, with the id in the path and nothing else in it', () => {
    const url = links.url('https://api.example.com/prod/', {
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
    expect(links.verify('apr 1/x', Object.fromEntries(parsed.searchParams), NOW).ok).toBe(true);
  });

  it('takes the approvals URL as well as the API URL', () => {
    const input = { approvalId: 'apr_1', approver: 'grace', expiresAt: EXPIRES };

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
    expect(() => links.sign({ approvalId: 'apr_1', approver: 'grace', expiresAt: 'soon' })).toThrow(
      'not a time',
    );
  });
});
