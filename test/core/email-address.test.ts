import { describe, expect, it } from 'vitest';
import {
  domainOfAddress,
  isSameAddress,
  localPartOf,
  normalizeAddress,
} from '../../lib/core/email-address.ts';

describe('normalizeAddress', () => {
  it('trims, lower-cases and composes an address into the one form addresses are compared in', () => {
    expect(normalizeAddress('  Pat.Approver@Example.COM ')).toBe('pat.approver@example.com');
    // "ü" written as u + combining diaeresis, as some mailers send it, is the same mailbox.
    expect(normalizeAddress('pat@bu\u0308cher.example')).toBe('pat@xn--bcher-kva.example');
  });

  it('writes an internationalised domain as punycode, the form SPF and DKIM results name it by', () => {
    expect(isSameAddress('Pat@B\u00dcCHER.example', 'pat@xn--bcher-kva.example')).toBe(true);
    expect(domainOfAddress('pat@mail.b\u00fccher.example')).toBe('mail.xn--bcher-kva.example');
    // The local part is the mailbox owner's: it is not encoded.
    expect(normalizeAddress('J\u00fcrgen@example.com')).toBe('j\u00fcrgen@example.com');
  });

  it('never reads a domain with URL syntax in it as the host a URL parser would find', () => {
    expect(normalizeAddress('ops@example.com/\u00fc')).toBe('ops@example.com/\u00fc');
    expect(isSameAddress('ops@example.com/\u00fc', 'ops@example.com')).toBe(false);
    expect(isSameAddress('ops@example.com#\u00fc', 'ops@example.com')).toBe(false);
    expect(isSameAddress('ops@evil.example:\u00fc@example.com', 'ops@example.com')).toBe(false);
  });

  it('keeps what it does not normalise: a trailing dot is a different address, not the same one', () => {
    expect(normalizeAddress('pat@example.com.')).toBe('pat@example.com.');
    expect(isSameAddress('pat@example.com.', 'pat@example.com')).toBe(false);
  });

  it('compares two spellings of one mailbox as equal', () => {
    expect(isSameAddress('PAT@example.com', ' pat@EXAMPLE.com')).toBe(true);
    expect(isSameAddress('pat@example.com', 'pat@example.org')).toBe(false);
  });

  it('splits an address at its last @ into a normalised local part and domain', () => {
    expect(domainOfAddress('Bounce@Mail.Example.com')).toBe('mail.example.com');
    expect(localPartOf('MAILER-DAEMON@mail.example.com')).toBe('mailer-daemon');
    expect(domainOfAddress('no-at-sign')).toBe('');
    expect(localPartOf('no-at-sign')).toBe('no-at-sign');
  });
});
