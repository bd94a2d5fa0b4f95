import { describe, expect, it } from 'vitest';
import { parseMail } from '../../lib/adapters/mime-mail.ts';

/** An HTML-only mail with an inline image, laid out the way Apple Mail sends one. */
const HTML_ONLY_WITH_IMAGE = [
  'From: Ada <ada@example.org>',
  'To: refunds@in.example.com',
  'Subject: Refund',
  'Message-ID: <html-only-1@example.org>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="outer"',
  '',
  '--outer',
  'Content-Type: multipart/related; type="text/html"; boundary="inner"',
  '',
  '--inner',
  'Content-Type: text/html; charset=ISO-8859-1',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '<html><body><p>Please refund INV-1001, for Ren=E9e.</p><img src=3D"cid:logo@example.org"></body></html>',
  '--inner',
  'Content-Type: image/png; name="logo.png"',
  'Content-Transfer-Encoding: base64',
  'Content-Disposition: inline; filename=logo.png',
  'Content-Id: <logo@example.org>',
  '',
  'iVBORw0KGgo=',
  '--inner--',
  '--outer--',
  '',
].join('\r\n');

describe('parseMail', () => {
  it('reads the text of an HTML-only mail whose HTML sits inside multipart/related', async () => {
    const mail = await parseMail(HTML_ONLY_WITH_IMAGE);

    expect(mail).toEqual({
      messageId: '<html-only-1@example.org>',
      from: { kind: 'author', address: 'ada@example.org' },
      subject: 'Refund',
      text: 'Please refund INV-1001, for Renée.',
      references: [],
    });
  });

  it('keeps the text part when a mail has one, and ignores its HTML', async () => {
    const mail = await parseMail(
      [
        'From: ada@example.org',
        'Subject: Refund',
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'The plain text.',
        '--b',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>The HTML.</p>',
        '--b--',
        '',
      ].join('\r\n'),
    );

    expect(mail.text).toBe('The plain text.');
  });
});
