import { describe, expect, it } from 'vitest';
import type { SesNotification } from '../../lib/adapters/ses-receipt-event.ts';
import { peopleOf } from '../../lib/service/agent-people.ts';
import { whyNotTrusted } from '../../lib/service/mail-trust.ts';

const people = peopleOf(undefined, {
  approvers: ['pat@example.com'],
  fallbackApprovers: ['boss@example.com'],
});

const receipt = (
  verdicts: { spf?: string; dkim?: string; dmarc?: string },
  source = 'pat@example.com',
): SesNotification => ({
  mail: {
    messageId: 'm-1',
    source,
    timestamp: '2026-01-01T09:00:00.000Z',
    destination: ['x@in.example.com'],
  },
  receipt: {
    recipients: ['reply+th-1@in.example.com'],
    timestamp: '2026-01-01T09:00:00.000Z',
    ...(verdicts.spf ? { spfVerdict: { status: verdicts.spf } } : {}),
    ...(verdicts.dkim ? { dkimVerdict: { status: verdicts.dkim } } : {}),
    ...(verdicts.dmarc ? { dmarcVerdict: { status: verdicts.dmarc } } : {}),
  },
});

describe('whyNotTrusted', () => {
  it('trusts an approver whose SPF and DKIM pass from their own domain', () => {
    expect(whyNotTrusted(receipt({ spf: 'PASS', dkim: 'PASS' }), 'pat@example.com', people)).toBeUndefined();
    expect(
      whyNotTrusted(
        receipt({ spf: 'PASS', dkim: 'PASS' }, 'bounce@mail.example.com'),
        'Pat@Example.com',
        people,
      ),
    ).toBeUndefined();
  });

  it('trusts a fallback approver too', () => {
    expect(
      whyNotTrusted(receipt({ spf: 'PASS', dkim: 'PASS' }, 'boss@example.com'), 'boss@example.com', people),
    ).toBeUndefined();
  });

  it.each([
    [{ spf: 'FAIL', dkim: 'PASS' }, 'SPF FAIL, DKIM PASS: both must PASS'],
    [{ spf: 'PASS', dkim: 'FAIL' }, 'SPF PASS, DKIM FAIL: both must PASS'],
    [{ spf: 'SOFTFAIL', dkim: 'GRAY' }, 'SPF SOFTFAIL, DKIM GRAY: both must PASS'],
    [{}, 'SPF missing, DKIM missing: both must PASS'],
  ])('refuses verdicts %j', (verdicts, reason) => {
    expect(whyNotTrusted(receipt(verdicts), 'pat@example.com', people)).toBe(reason);
  });

  it('refuses a From that the passing envelope and signature do not vouch for', () => {
    const spoof = receipt({ spf: 'PASS', dkim: 'PASS', dmarc: 'FAIL' }, 'bounces@evil.example.net');

    expect(whyNotTrusted(spoof, 'pat@example.com', people)).toBe(
      "From pat@example.com is not at the envelope sender's domain, and DMARC did not pass",
    );
  });

  it('accepts another envelope domain when DMARC passed', () => {
    const relayed = receipt({ spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' }, 'bounce@relay.example.net');

    expect(whyNotTrusted(relayed, 'pat@example.com', people)).toBeUndefined();
  });

  it('refuses an authenticated sender who is no approver', () => {
    expect(
      whyNotTrusted(receipt({ spf: 'PASS', dkim: 'PASS' }, 'ada@example.com'), 'ada@example.com', people),
    ).toBe('ada@example.com is not an approver of this agent');
  });
});
