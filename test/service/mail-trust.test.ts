import { describe, expect, it } from 'vitest';
import type { MailFrom } from '../../lib/adapters/mail-sender.ts';
import type { SesNotification } from '../../lib/adapters/ses-receipt-event.ts';
import { peopleOf } from '../../lib/service/agent-people.ts';
import { trustOf } from '../../lib/service/mail-trust.ts';

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

const author = (address: string): MailFrom => ({ kind: 'author', address });
/** The reason a mail may not decide, or undefined when it may. */
const whyNotTrusted = (ses: SesNotification, from: MailFrom | string): string | undefined => {
  const trust = trustOf(ses, typeof from === 'string' ? author(from) : from, people);
  return trust.trusted ? undefined : trust.reason;
};

describe('trustOf', () => {
  it('trusts an approver whose SPF and DKIM pass from their own domain', () => {
    expect(whyNotTrusted(receipt({ spf: 'PASS', dkim: 'PASS' }), 'pat@example.com')).toBeUndefined();
    expect(
      whyNotTrusted(receipt({ spf: 'PASS', dkim: 'PASS' }, 'bounce@mail.example.com'), 'pat@example.com'),
    ).toBeUndefined();
  });

  it('trusts a fallback approver too', () => {
    expect(
      whyNotTrusted(receipt({ spf: 'PASS', dkim: 'PASS' }, 'boss@example.com'), 'boss@example.com'),
    ).toBeUndefined();
  });

  it.each([
    [{ spf: 'FAIL', dkim: 'PASS' }, 'SPF FAIL, DKIM PASS: both must PASS'],
    [{ spf: 'PASS', dkim: 'FAIL' }, 'SPF PASS, DKIM FAIL: both must PASS'],
    [{ spf: 'SOFTFAIL', dkim: 'GRAY' }, 'SPF SOFTFAIL, DKIM GRAY: both must PASS'],
    [{}, 'SPF missing, DKIM missing: both must PASS'],
  ])('refuses verdicts %j', (verdicts, reason) => {
    expect(whyNotTrusted(receipt(verdicts), 'pat@example.com')).toBe(reason);
  });

  it('refuses a From that the passing envelope and signature do not vouch for', () => {
    const spoof = receipt({ spf: 'PASS', dkim: 'PASS', dmarc: 'FAIL' }, 'bounces@evil.example.net');

    expect(whyNotTrusted(spoof, 'pat@example.com')).toBe(
      "From pat@example.com is not at the envelope sender's domain, and DMARC did not pass",
    );
  });

  it('accepts another envelope domain when DMARC passed', () => {
    const relayed = receipt({ spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' }, 'bounce@relay.example.net');

    expect(whyNotTrusted(relayed, 'pat@example.com')).toBeUndefined();
  });

  it('refuses an authenticated sender who is no approver', () => {
    expect(whyNotTrusted(receipt({ spf: 'PASS', dkim: 'PASS' }, 'ada@example.com'), 'ada@example.com')).toBe(
      'ada@example.com is not an approver of this agent',
    );
  });
});

describe('trustOf a mail that names several From addresses', () => {
  const passing = receipt({ spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
  const several = (sender?: string): MailFrom => ({
    kind: 'authors',
    addresses: ['pat@example.com', 'ada@example.com'],
    ...(sender === undefined ? {} : { sender }),
  });

  it('decides as the Sender when the Sender is an approver at the envelope sender’s domain', () => {
    expect(trustOf(passing, several('pat@example.com'), people)).toEqual({
      trusted: true,
      by: 'pat@example.com',
    });
  });

  it('refuses it without a Sender, even when the first address is an approver', () => {
    expect(whyNotTrusted(passing, several())).toBe(
      'From names pat@example.com, ada@example.com and there is no usable Sender',
    );
  });

  it('refuses a Sender who is no approver, or is not at the envelope sender’s domain', () => {
    expect(whyNotTrusted(passing, several('ada@example.com'))).toBe(
      'ada@example.com is not an approver of this agent',
    );
    const relayed = receipt({ spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' }, 'bounce@relay.example.net');
    expect(whyNotTrusted(relayed, several('pat@example.com'))).toBe(
      "From names pat@example.com, ada@example.com; its Sender pat@example.com is not at the envelope sender's domain",
    );
  });

  it('refuses a mail whose From could not be read without guessing', () => {
    const unclear: MailFrom = {
      kind: 'unclear',
      addresses: ['pat@example.com'],
      reason: 'the From header has a route address',
    };

    expect(whyNotTrusted(passing, unclear)).toBe('no single sender: the From header has a route address');
  });
});
