import { describe, expect, it } from 'vitest';
import { parseMail } from '../../lib/adapters/mime-mail.ts';

const mailWith = (headers: string): string =>
  `From: Ada <ada@example.org>\r\n${headers}To: refunds@in.example.com\r\nSubject: Hello\r\n\r\nHello\r\n`;

const automaticOf = async (headers: string) => (await parseMail(mailWith(headers))).automatic;

describe('parseMail says when the headers show a machine sent the mail', () => {
  it.each([
    ['Auto-Submitted: auto-replied\r\n', 'Auto-Submitted: auto-replied'],
    ['Auto-Submitted: Auto-Generated (vacation)\r\n', 'Auto-Submitted: Auto-Generated (vacation)'],
    ['Auto-Submitted: no\r\nAuto-Submitted: auto-notified\r\n', 'Auto-Submitted: auto-notified'],
    ['X-Auto-Response-Suppress: DR, OOF, AutoReply\r\n', 'X-Auto-Response-Suppress: DR, OOF, AutoReply'],
    ['Precedence: Bulk\r\n', 'Precedence: Bulk'],
    ['Precedence: junk\r\n', 'Precedence: junk'],
    ['Precedence: list\r\n', 'Precedence: list'],
    [
      'Content-Type: multipart/report; report-type=disposition-notification; boundary="b"\r\n',
      'a report (Content-Type: multipart/report; report-type=disposition-notification; boundary="b")',
    ],
    ['Return-Path: < >\r\n', 'Return-Path: <>'],
    ['Sender: Postmaster@mail.example.org\r\n', 'sent by postmaster@mail.example.org'],
    ['X-Threadline-Thread: th-1\r\n', "threadline's own X-Threadline-Thread header"],
  ])('reads %j as automatic', async (headers, reason) => {
    expect(await automaticOf(headers)).toBe(reason);
  });

  it.each([
    [''],
    ['Auto-Submitted: no\r\n'],
    ['Precedence: first-class\r\n'],
    ['Return-Path: <ada@example.org>\r\n'],
    ['Content-Type: multipart/mixed; boundary="b"\r\n'],
  ])('reads %j as sent by a person', async (headers) => {
    expect(await automaticOf(headers)).toBeUndefined();
  });

  it('reads a mailer daemon in the From as automatic', async () => {
    const mail = await parseMail(
      'From: MAILER-DAEMON@mail.example.org (Mail Delivery System)\r\nSubject: x\r\n\r\nx\r\n',
    );

    expect(mail.automatic).toBe('sent by mailer-daemon@mail.example.org');
  });
});
