import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../lambdas/inbound-email.ts';
import { silentTelemetry } from '../../lambdas/telemetry.ts';
import type { IngressMessage } from '../../lib/adapters/ingress-message.ts';
import { SesReceiptEventSchema } from '../../lib/adapters/ses-receipt-event.ts';
import { createHarness, userMessage } from '../service/harness.ts';
import {
  hasSharedFixtures,
  readSharedFixture,
  readSharedJson,
  sharedFixtureNames,
} from '../support/shared-fixtures.ts';
import { checkReferenceWith } from './support.ts';

const OWN_FIXTURES = new URL('../fixtures/', import.meta.url);
const ownSesEvent = async (name: string): Promise<unknown> =>
  JSON.parse(await readFile(new URL(`ses/${name}`, OWN_FIXTURES), 'utf-8'));

/**
 * The inbound-email handler with the raw mail the S3 action stored given by `rawMail`, the
 * refunds agent receiving mail at `agentAddress`, and thread th-1 there to reply to.
 */
const setup = async (rawMail: () => Promise<Uint8Array>, agentAddresses: readonly string[]) => {
  const harness = createHarness();
  await harness.thread('th-1', [userMessage('Refund INV-1001')]);
  const sent: IngressMessage[] = [];
  const read: string[] = [];
  const handler = createHandler({
    inbound: {
      rawMail: {
        read: async (messageId) => {
          read.push(messageId);
          return rawMail();
        },
      },
      ingress: { send: async (message) => void sent.push(message) },
      store: harness.store,
      agentsByRecipient: new Map(agentAddresses.map((address) => [address.toLowerCase(), 'refunds'])),
      inboundDomain: 'in.example.com',
      agents: harness.deps.agents,
      people: harness.deps,
      checkReference: checkReferenceWith(harness.clock),
    },
    telemetry: silentTelemetry(),
  });
  return { handler, sent, read };
};

/**
 * AWS's sample of the Lambda action's event breaks long header values over lines "to make them
 * easier to read", and says to remove those line breaks to get the JSON SES sends: the raw line
 * breaks inside strings go, nothing else changes.
 */
const withoutAddedLineBreaks = (published: string): string => {
  let json = '';
  let inString = false;
  let escaped = false;
  for (const char of published) {
    if (inString && !escaped && (char === '\n' || char === '\r')) continue;
    json += char;
    if (escaped) escaped = false;
    else if (inString && char === '\\') escaped = true;
    else if (char === '"') inString = !inString;
  }
  return json;
};

const sesEvents: [string, unknown][] = [
  ...sharedFixtureNames('ses', '.json').map((name): [string, unknown] => [name, readSharedJson('ses', name)]),
  ...sharedFixtureNames('ses', '.published.txt').map((name): [string, unknown] => [
    name,
    JSON.parse(withoutAddedLineBreaks(readSharedFixture('ses', name).toString('utf-8'))),
  ]),
];

describe.skipIf(!hasSharedFixtures)(
  'the inbound-email handler on SES receipt events as AWS publishes them',
  () => {
    it.each(sesEvents)(
      'reads the mail %s announces and starts a thread for the agent at its recipient',
      async (_name, event) => {
        const { mail, receipt } = SesReceiptEventSchema.parse(event).Records[0]!.ses;
        const ownMail = () => readFile(new URL('mime/a1b2c3d4e5new0001.eml', OWN_FIXTURES));
        const { handler, sent, read } = await setup(ownMail, receipt.recipients);

        expect(await handler(event)).toEqual({});

        expect(read).toEqual([mail.messageId]);
        expect(sent).toEqual([
          {
            kind: 'start',
            agent: 'refunds',
            threadId: expect.stringMatching(/^th_mail_[0-9a-f]{32}$/),
            text: 'Please send Terri Jackson a payment link for $50 — the March invoice.',
            channel: 'email',
            from: 'ada@example.org',
            subject: 'Payment link for Terri',
            untrusted: true,
            key: 'mail:<CAnew0001@mail.example.org>',
          },
        ]);
      },
    );
  },
);

/** What each mail that is not a reply to a thread says, decoded from its charset and encoding. */
const NEW_MAILS: Record<string, { from: string; subject: string; text: string }> = {
  'enmime-apple-mail-html-only-inline-image.eml': {
    from: 'james@makita.skynet',
    subject: 'MIME test 1',
    text: 'Test of HTML section',
  },
  'flanker-gmail-forward-iso-8859-1.eml': {
    from: 'hello@example.com',
    subject: 'Fwd: Please forward this email to me',
    text: 'Forward please',
  },
  // Only a JPEG: the subject stands in for the body.
  'mail-apple-mail-iso-8859-1-jpeg-attachment.eml': {
    from: 'jeff@37signals.com',
    subject: 'Eelanalüüsi päring',
    text: 'Eelanalüüsi päring',
  },
  'mail-gmail-iso-8859-1-qp.eml': {
    from: 'gmail-noreply@google.com',
    subject: 'Nicolas Fouché has accepted your invitation to Gmail',
    text: 'Nicolas Fouché has accepted your invitation to Gmail',
  },
  'mail-outlook-express-windows-1251-qp.eml': {
    from: 'yusuf75thu@auracom.net',
    subject: '[0]: XXXXXXX XXXXX XXXXX !',
    text: 'believed to be clean.',
  },
  'mail-reply-thunderbird-crlf.eml': {
    from: 'xxxxxxxx@xxx.org',
    subject: 'Re: Test reply email',
    text: 'Message body',
  },
  'mailparser-forward-iso-8859-1-8bit.eml': {
    from: 'booewq@uuui.com',
    subject: 'Fwd: fotos',
    text: 'Be a better something.',
  },
  'pmmp-exchange-iso-8859-1-qp-calendar.eml': { from: 'newsletter@finntack.com', subject: '1', text: '1' },
  'pmmp-iphone-ios11-inline-jpeg-attachment.eml': {
    from: 'example@example.com',
    subject: 'Multiple text blocks',
    text: 'Then we have more text',
  },
};

const mails = sharedFixtureNames('mime', '.eml');
const replies = mails.filter((name) => name.startsWith('talon-reply-'));

describe.skipIf(!hasSharedFixtures)('the inbound-email handler on real mail', () => {
  it.each(mails.filter((name) => !replies.includes(name)))(
    'starts a thread with what %s says, decoded',
    async (name) => {
      const expected = NEW_MAILS[name];
      const { handler, sent } = await setup(
        async () => readSharedFixture('mime', name),
        ['billing@in.example.com'],
      );

      await handler(await ownSesEvent('new-request.json'));

      expect(expected, `what ${name} says belongs in NEW_MAILS`).toBeDefined();
      expect(sent).toHaveLength(1);
      const [message] = sent;
      expect(message).toMatchObject({
        kind: 'start',
        agent: 'refunds',
        channel: 'email',
        from: expected?.from,
        subject: expected?.subject,
        untrusted: true,
      });
      expect(message?.text).toContain(expected?.text);
      expect(message?.text).not.toContain('\uFFFD');
      expect(message?.text).not.toMatch(/^Content-(Type|Transfer-Encoding):/im);
    },
  );

  it.each(replies)('continues thread th-1 with only the new text of the reply %s', async (name) => {
    const { handler, sent } = await setup(async () => readSharedFixture('mime', name), []);

    await handler(await ownSesEvent('reply-address.json'));

    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: 'message', threadId: 'th-1', channel: 'email', untrusted: true });
    expect(sent[0]?.text).toMatch(/^(Hello|Hi )/);
    expect(sent[0]?.text).not.toMatch(/^\s*>/m);
  });
});

/** A reply body from github/email_reply_parser, sent as the UTF-8 text of a reply to thread th-1. */
const replyMail = (body: string, index: number): string =>
  [
    'From: ada@example.org',
    'To: reply+th-1@in.example.com',
    'Subject: Re: Refund INV-1001',
    `Message-ID: <reply-body-${index}@example.org>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
  ].join('\r\n');

describe.skipIf(!hasSharedFixtures)('the inbound-email handler on reply bodies', () => {
  it.each(sharedFixtureNames('mime/reply-bodies', '.txt').map((name, index) => [name, index] as const))(
    'continues thread th-1 with the reply %s, its own lines only and none quoted',
    async (name, index) => {
      const body = readSharedFixture('mime/reply-bodies', name).toString('utf-8');
      const { handler, sent } = await setup(async () => Buffer.from(replyMail(body, index)), []);

      await handler(await ownSesEvent('reply-address.json'));

      expect(sent).toHaveLength(1);
      const [message] = sent;
      expect(message).toMatchObject({
        kind: 'message',
        threadId: 'th-1',
        from: 'ada@example.org',
        key: `mail:<reply-body-${index}@example.org>`,
      });
      const bodyLines = body.replace(/\r\n?/g, '\n').split('\n');
      // The reply starts with the body's first line that is neither quoted nor an attribution.
      const firstLine = bodyLines
        .find((line) => line.trim() !== '' && !/^\s*>/.test(line) && !/wrote:\s*$/.test(line))
        ?.trim();
      const lines = message?.text.split('\n') ?? [];
      expect(lines[0]?.trim()).toBe(firstLine);
      expect(lines.filter((line) => /^\s*>/.test(line))).toEqual([]);
      expect(
        lines.filter((line) => !bodyLines.some((bodyLine) => bodyLine.trimEnd() === line.trimEnd())),
      ).toEqual([]);
    },
  );
});
