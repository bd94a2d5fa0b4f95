import { connect } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMail } from '../../lib/adapters/mime-mail.ts';
import { S3RawMail } from '../../lib/adapters/s3-raw-mail.ts';
import { SesReceiptEventSchema } from '../../lib/adapters/ses-receipt-event.ts';
import { type LocalS3, startLocalS3 } from '../../lib/local/local-s3.ts';
import { type LocalSmtp, type LocalSmtpOptions, startLocalSmtp } from '../../lib/local/local-smtp.ts';
import type { SesReceiptEventJson } from '../../lib/local/ses-inbound-event.ts';

const running: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.close();
});

const setup = async (options: Partial<LocalSmtpOptions> = {}) => {
  const s3: LocalS3 = await startLocalS3({ buckets: ['inbound'] });
  const events: SesReceiptEventJson[] = [];
  const smtp: LocalSmtp = await startLocalSmtp({
    store: s3.store,
    bucket: 'inbound',
    prefix: 'mail/',
    recipients: ['agents.example.com'],
    invoke: async (event) => {
      events.push(event);
    },
    ...options,
  });
  running.push(s3, smtp);
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  return { s3, smtp, events, transport };
};

describe('the local SMTP server for SES inbound mail', () => {
  it('stores the raw mail under the prefix and invokes the function with an SES receipt event', async () => {
    const { s3, smtp, events, transport } = await setup();
    await transport.sendMail({
      from: '"Doe, Jane" <jane@example.org>',
      to: 'Invoices <invoices@agents.example.com>',
      subject: 'Rechnung Nr. 7 – bitte prüfen',
      messageId: '<m-1@example.org>',
      text: 'Please pay invoice 7.',
    });
    await smtp.idle();

    expect(events).toHaveLength(1);
    const event = SesReceiptEventSchema.parse(events[0]);
    const { mail, receipt } = event.Records[0]?.ses ?? expect.fail('no record');
    expect(mail).toMatchObject({
      source: 'jane@example.org',
      destination: ['invoices@agents.example.com'],
      commonHeaders: {
        from: ['"Doe, Jane" <jane@example.org>'],
        to: ['Invoices <invoices@agents.example.com>'],
        messageId: '<m-1@example.org>',
        subject: 'Rechnung Nr. 7 – bitte prüfen',
      },
    });
    expect(mail.messageId).toMatch(/^[a-z0-9]{40}$/);
    expect(mail.headers?.slice(0, 2).map((header) => header.name)).toEqual(['Return-Path', 'Received']);
    expect(receipt).toMatchObject({
      recipients: ['invoices@agents.example.com'],
      spamVerdict: { status: 'GRAY' },
      virusVerdict: { status: 'GRAY' },
      spfVerdict: { status: 'GRAY' },
      dkimVerdict: { status: 'GRAY' },
      dmarcVerdict: { status: 'GRAY' },
    });
    const stored = await s3.store.get('inbound', `mail/${mail.messageId}`);
    expect(stored?.body.toString()).toMatch(
      /^Return-Path: <jane@example.org>\r\n[\s\S]*Please pay invoice 7\./,
    );
  });

  it('stores a mail the raw-mail reader finds by the event’s message id, through the stock S3 client', async () => {
    const { s3, smtp, events, transport } = await setup();
    await transport.sendMail({
      from: 'jane@example.org',
      to: 'invoices@agents.example.com',
      subject: 'Invoice',
      inReplyTo: '<t-1.ev-7@threadline>',
      text: 'Pay it.',
    });
    await smtp.idle();
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { mail } = SesReceiptEventSchema.parse(events[0]).Records[0]?.ses ?? expect.fail('no record');
    const raw = await new S3RawMail({ bucket: 'inbound', prefix: 'mail/', client }).read(mail.messageId);
    client.destroy();
    expect(await parseMail(raw)).toMatchObject({
      from: { kind: 'author', address: 'jane@example.org' },
      subject: 'Invoice',
      text: 'Pay it.\n',
      references: ['<t-1.ev-7@threadline>'],
    });
  });

  it('marks every verdict PASS only when local mail is trusted, and takes single verdicts', async () => {
    const trusted = await setup({ trustLocalMail: true, verdicts: { spam: 'FAIL' } });
    await trusted.transport.sendMail({ from: 'a@example.org', to: 'x@agents.example.com', text: 'hi' });
    await trusted.smtp.idle();
    expect(trusted.events[0]?.Records[0]?.ses.receipt).toMatchObject({
      spamVerdict: { status: 'FAIL' },
      virusVerdict: { status: 'PASS' },
      spfVerdict: { status: 'PASS' },
      dkimVerdict: { status: 'PASS' },
    });
  });

  it('refuses recipients outside the receipt rule with 550, over a raw SMTP conversation', async () => {
    const { smtp, events } = await setup();
    const replies = await converse(smtp.port, [
      'EHLO test.local',
      'MAIL FROM:<a@example.org>',
      'RCPT TO:<someone@elsewhere.example>',
      'QUIT',
    ]);
    expect(replies[0]).toMatch(/^220 /);
    expect(replies.find((line) => line.startsWith('550'))).toMatch(/^550 5\.1\.1 someone@elsewhere\.example/);
    expect(events).toEqual([]);
  });

  it('reports a failing function without refusing the mail, as an asynchronous Lambda action does', async () => {
    const errors: unknown[] = [];
    const { smtp, transport } = await setup({
      invoke: async () => {
        throw new Error('handler broke');
      },
      onError: (error) => errors.push(error),
    });
    const info = await transport.sendMail({ from: 'a@example.org', to: 'x@agents.example.com', text: 'hi' });
    await smtp.idle();
    expect(info.response).toMatch(/^250 Ok [a-z0-9]{40}$/);
    expect(errors).toEqual([new Error('handler broke')]);
  });
});

/** Sends each command after the previous reply and collects every reply line. */
const converse = (port: number, commands: string[]): Promise<string[]> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const lines: string[] = [];
    const queue = [...commands];
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const complete = buffer.split('\r\n');
      buffer = complete.pop() ?? '';
      lines.push(...complete);
      // A reply is complete at a line whose code is followed by a space.
      if (complete.some((line) => /^\d{3} /.test(line))) {
        const next = queue.shift();
        if (next !== undefined) socket.write(`${next}\r\n`);
      }
    });
    socket.on('end', () => resolve(lines));
    socket.on('error', reject);
  });
