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
    expect(normalizeAddress('pat@bu\u0308cher.example')).toBe('pat@b\u00fccher.example');
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
