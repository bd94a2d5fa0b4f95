import { describe, expect, it } from 'vitest';
import type { MailFrom } from '../../lib/adapters/mail-sender.ts';
import { peopleOf } from '../../lib/service/agent-people.ts';
import { mayWriteTo, recordedFrom, whyNoSingleSender } from '../../lib/service/mail-from.ts';

/** Pat approves; only example.org may write otherwise. */
const people = peopleOf(undefined, { approvers: ['pat@example.com'], allowedSenders: ['@example.org'] });
const route: MailFrom = {
  kind: 'unclear',
  addresses: ['pat@example.com'],
  reason: 'the From header has a route address',
};

describe('mayWriteTo', () => {
  it('lets an approver write past the allowed senders when the mail names them as its one sender', () => {
    expect(mayWriteTo(people, { kind: 'author', address: 'pat@example.com' }, 'pat@example.com')).toBe(true);
    expect(
      mayWriteTo(
        people,
        { kind: 'authors', addresses: ['pat@example.com', 'sam@example.net'], sender: 'pat@example.com' },
        'pat@example.com',
      ),
    ).toBe(true);
  });

  it('counts no approver for a mail that names no single sender: every address must be allowed', () => {
    expect(mayWriteTo(people, route, 'pat@example.com')).toBe(false);
    expect(
      mayWriteTo(
        people,
        { kind: 'authors', addresses: ['pat@example.com', 'ada@example.org'] },
        'x@example.org',
      ),
    ).toBe(false);
    expect(
      mayWriteTo(
        people,
        { kind: 'authors', addresses: ['ada@example.org', 'bo@example.org'] },
        'x@example.org',
      ),
    ).toBe(true);
  });

  it('judges a mail that shows no address at all by its envelope sender', () => {
    const none: MailFrom = { kind: 'unclear', addresses: [], reason: 'no From header' };

    expect(mayWriteTo(people, none, 'ada@example.org')).toBe(true);
    expect(mayWriteTo(people, none, 'pat@example.com')).toBe(false);
  });
});

describe('recordedFrom and whyNoSingleSender', () => {
  it('record every address a mail shows, and say why none of them is its sender', () => {
    const several: MailFrom = { kind: 'authors', addresses: ['pat@example.com', 'sam@example.net'] };

    expect(recordedFrom(several, 'pat@example.com')).toBe('pat@example.com, sam@example.net');
    expect(whyNoSingleSender(several)).toBe('several From addresses and no usable Sender');
    expect(
      recordedFrom({ kind: 'unclear', addresses: [], reason: 'no From header' }, 'Pat@Example.com'),
    ).toBe('pat@example.com');
    expect(whyNoSingleSender(route)).toBe('the From header has a route address');
    expect(whyNoSingleSender({ kind: 'author', address: 'pat@example.com' })).toBeUndefined();
  });
});
