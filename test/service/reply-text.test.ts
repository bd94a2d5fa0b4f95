import { describe, expect, it } from 'vitest';
import { replyText } from '../../lib/service/reply-text.ts';

describe('replyText', () => {
  it('keeps what was written above the quoted history', () => {
    const text =
      'Sam Lee, please.\r\n\r\nOn Thu, 1 Jan 2026 at 09:01, threadline <agents@example.com> wrote:\r\n> Which Sam?\r\n';

    expect(replyText(text)).toBe('Sam Lee, please.');
  });

  it('stops at an Outlook header block and at an original-message line', () => {
    expect(
      replyText('Yes.\n\nFrom: threadline <agents@example.com>\nSent: Thursday\nSubject: Q\n\nWhich Sam?'),
    ).toBe('Yes.');
    expect(replyText('Yes.\n-----Original Message-----\nWhich Sam?')).toBe('Yes.');
  });

  it('keeps a reply written below the quote', () => {
    expect(replyText('On 04/02/2012 06:26 PM, Megan One wrote:\n> Which Sam?\nSam Lee.')).toBe('Sam Lee.');
  });

  it('reads an attribution in any language by the quote that follows it, even wrapped', () => {
    const text =
      'Hello\n02.04.2012 14:20 пользователь "bob@example.org" <\nbob@example.org> написал:\n\n> Hi';

    expect(replyText(text)).toBe('Hello');
  });

  it('keeps the whole text when nothing but quotes would remain', () => {
    expect(replyText('> only a quote')).toBe('> only a quote');
  });
});
