import { describe, expect, it } from 'vitest';
import type { MailFrom } from '../../lib/adapters/mail-sender.ts';
import { parseMail } from '../../lib/adapters/mime-mail.ts';

/** A reply whose header block starts with `headers`. */
const mailWith = (headers: string): string =>
  `${headers}To: reply+th-1@in.example.com\r\nSubject: Re: Approval needed\r\nMessage-ID: <m-1@example.com>\r\n\r\nApprove\r\n`;

const fromOf = async (headers: string): Promise<MailFrom> => (await parseMail(mailWith(headers))).from;

const unclear = (addresses: string[], reason: string): MailFrom => ({ kind: 'unclear', addresses, reason });

describe('parseMail reads one sender, or says why there is none', () => {
  it.each([
    ['Pat Approver <Approver@Example.com>', 'approver@example.com'],
    ['"approver@example.com" <approver@example.com>', 'approver@example.com'],
    ['=?utf-8?q?Pat_Approver?= <approver@example.com>', 'approver@example.com'],
    ['approver@example.com (Pat Approver)', 'approver@example.com'],
    ['Pat\r\n Approver\r\n <approver@example.com>', 'approver@example.com'],
    ['Pätrick <pät@bücher.example>', 'pät@xn--bcher-kva.example'],
  ])('reads From: %s as the one author %s', async (from, address) => {
    expect(await fromOf(`From: ${from}\r\n`)).toEqual({ kind: 'author', address });
  });

  it('takes a decoded display name for a name, never for the address', async () => {
    expect(await fromOf('From: =?utf-8?q?approver=40example.com_=3C?= <mallory@evil.example>\r\n')).toEqual({
      kind: 'author',
      address: 'mallory@evil.example',
    });
  });

  it.each([
    [
      'From: approver@example.com\r\nFrom: mallory@evil.example\r\n',
      ['approver@example.com'],
      '2 From headers',
    ],
    [
      'From: approver@example.com\r\nfrom : mallory@evil.example\r\n',
      ['approver@example.com'],
      '2 From headers',
    ],
    // mailparser skips a first line starting with "From " as an mbox separator; the count does not.
    [
      'From : mallory@evil.example\r\nFrom: approver@example.com\r\n',
      ['approver@example.com'],
      '2 From headers',
    ],
    ['', [], 'no From header'],
    ['From: Pat Approver\r\n', [], 'the From header names no address'],
    [
      'From: Approvers: approver@example.com;\r\n',
      ['approver@example.com'],
      'the From header has group syntax',
    ],
    ['From: undisclosed-recipients:;\r\n', [], 'the From header has group syntax'],
    [
      'From: <@evil.example:approver@example.com>\r\n',
      ['approver@example.com'],
      'the From header has a route address',
    ],
    [
      'From: Pat <@a.example,@b.example:approver@example.com>\r\n',
      ['approver@example.com'],
      'the From header has a route address',
    ],
    [
      'From: approver@example.com\0\r\n',
      ['approver@example.com'],
      'the From header has a NUL or other control character',
    ],
    [
      'From: approver\x01@example.com\r\n',
      ['approver@example.com'],
      'the From header has a NUL or other control character',
    ],
    [
      'From: approver@example.com.\r\n',
      ['approver@example.com.'],
      'the From header has a domain that ends in a dot',
    ],
    ['From: =?utf-8?B?YXBwcm92ZXJAZXhhbXBsZS5jb20=?=\r\n', [], 'the From header has an encoded-word address'],
    ['From: <=?utf-8?q?approver=40example.com?=>\r\n', [], 'the From header has an encoded-word address'],
    [
      'From: "approver@example.com"@evil.example\r\n',
      ['"approver@example.com"@evil.example'],
      'the From header has a quoted local part',
    ],
    [
      'From: <approver@example.com> <mallory@evil.example>\r\n',
      ['approver@example.com'],
      'the From header has more than one angle address in one mailbox',
    ],
    [
      'From: approver@example.com <mallory@evil.example>\r\n',
      ['mallory@evil.example'],
      'the From header has an address outside its angle brackets',
    ],
    [
      'From: "Pat <approver@example.com>\r\n',
      ['"pat <approver"@example.com>'],
      'the From header has an unterminated quoted string or comment',
    ],
  ])('reads no author from %j', async (headers, addresses, reason) => {
    expect(await fromOf(headers)).toEqual(unclear(addresses, reason));
  });

  it('reads several authors, with the Sender RFC 5322 asks for when there is one usable Sender', async () => {
    const list = 'From: approver@example.com, Ada <ada@example.com>\r\n';

    expect(await fromOf(list)).toEqual({
      kind: 'authors',
      addresses: ['approver@example.com', 'ada@example.com'],
    });
    expect(await fromOf(`${list}Sender: Pat <Approver@example.com>\r\n`)).toEqual({
      kind: 'authors',
      addresses: ['approver@example.com', 'ada@example.com'],
      sender: 'approver@example.com',
    });
    expect(await fromOf(`${list}Sender: approver@example.com\r\nSender: ada@example.com\r\n`)).toEqual({
      kind: 'authors',
      addresses: ['approver@example.com', 'ada@example.com'],
      senderProblem: '2 Sender headers',
    });
    expect(await fromOf(`${list}Sender: <@evil.example:approver@example.com>\r\n`)).toEqual({
      kind: 'authors',
      addresses: ['approver@example.com', 'ada@example.com'],
      senderProblem: 'the Sender header has a route address',
    });
  });

  it('reads no author from a list one of whose mailboxes is malformed', async () => {
    expect(
      await fromOf(
        'From: ada@example.com, <@evil.example:approver@example.com>\r\nSender: ada@example.com\r\n',
      ),
    ).toEqual(unclear(['ada@example.com', 'approver@example.com'], 'the From header has a route address'));
  });
});
