import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../lambdas/inbound-email.ts';
import { silentTelemetry } from '../../lambdas/telemetry.ts';
import type { IngressMessage, IngressQueue } from '../../lib/adapters/ingress-message.ts';
import { RawMailNotFoundError, type RawMailSource } from '../../lib/adapters/s3-raw-mail.ts';
import { createHarness, userMessage } from '../service/harness.ts';
import { checkReferenceWith } from './support.ts';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const sesEvent = async (name: string): Promise<unknown> =>
  JSON.parse(await readFile(new URL(`ses/${name}`, FIXTURES), 'utf-8'));

/** The S3 action's copy of each mail: `test/fixtures/mime/<SES message id>.eml`. */
const fixtureMail: RawMailSource = {
  read: async (messageId) => {
    try {
      return await readFile(new URL(`mime/${messageId}.eml`, FIXTURES));
    } catch {
      throw new RawMailNotFoundError(`mail/${messageId}`);
    }
  },
};

const setup = async () => {
  const harness = createHarness();
  await harness.thread('th-1', [userMessage('Send Sam a link')]);
  const sent: IngressMessage[] = [];
  const ingress: IngressQueue = { send: async (message) => void sent.push(message) };
  const handler = createHandler({
    inbound: {
      rawMail: fixtureMail,
      ingress,
      store: harness.store,
      agentsByRecipient: new Map([['billing@in.example.com', 'billing']]),
      inboundDomain: 'in.example.com',
      agents: harness.deps.agents,
      people: harness.deps,
      checkReference: checkReferenceWith(harness.clock),
    },
    telemetry: silentTelemetry(),
  });
  return { handler, sent };
};

describe('inbound-email handler', () => {
  it('starts a thread for the agent the mail was sent to, with the mail fenced as untrusted', async () => {
    const { handler, sent } = await setup();

    expect(await handler(await sesEvent('new-request.json'))).toEqual({});

    expect(sent).toEqual([
      {
        kind: 'start',
        agent: 'billing',
        threadId: expect.stringMatching(/^th_mail_[0-9a-f]{32}$/),
        text: 'Please send Terri Jackson a payment link for $50 — the March invoice.',
        channel: 'email',
        from: 'ada@example.org',
        subject: 'Payment link for Terri',
        untrusted: true,
        key: 'mail:<CAnew0001@mail.example.org>',
      },
    ]);
  });

  it('starts the same thread when SES delivers the notification again', async () => {
    const { handler, sent } = await setup();

    await handler(await sesEvent('new-request.json'));
    await handler(await sesEvent('new-request.json'));

    expect(sent[0]).toEqual(sent[1]);
  });

  it('continues the thread a reply’s In-Reply-To names, without the quoted history, decoding ISO-8859-1', async () => {
    const { handler, sent } = await setup();

    await handler(await sesEvent('reply-to-thread.json'));

    expect(sent).toEqual([
      {
        kind: 'message',
        threadId: 'th-1',
        text: 'The one in München, Sam Lee.',
        channel: 'email',
        from: 'ada@example.org',
        subject: 'Re: A question from your agent',
        untrusted: true,
        key: 'mail:<CArep0002@mail.example.org>',
      },
    ]);
  });

  it('continues the thread a reply address names, reading an HTML-only body as text', async () => {
    const { handler, sent } = await setup();

    await handler(await sesEvent('reply-address.json'));

    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: 'message', threadId: 'th-1' });
    expect(sent[0]?.text).toContain('Sam Ortiz, please.');
  });

  it('drops mail SES judged spam without reading it', async () => {
    const { handler, sent } = await setup();

    expect(await handler(await sesEvent('spam.json'))).toEqual({});
    expect(sent).toEqual([]);
  });

  it('drops mail to an address no agent receives at', async () => {
    const { handler, sent } = await setup();

    await handler(await sesEvent('unknown-recipient.json'));

    expect(sent).toEqual([]);
  });

  it('drops a reply to a thread that does not exist', async () => {
    const { handler, sent } = await setup();
    const event = JSON.parse(JSON.stringify(await sesEvent('reply-address.json')));
    event.Records[0].ses.receipt.recipients = ['reply+th-gone@in.example.com'];

    await handler(event);

    expect(sent).toEqual([]);
  });

  it('throws when the stored mail is missing, so Lambda retries the event', async () => {
    const { handler } = await setup();
    const event = JSON.parse(JSON.stringify(await sesEvent('new-request.json')));
    event.Records[0].ses.mail.messageId = 'not-stored';

    await expect(handler(event)).rejects.toMatchObject({ name: 'RawMailNotFoundError' });
  });

  it('refuses an event that is not an SES receipt, saying what is wrong', async () => {
    const { handler } = await setup();

    await expect(handler({ Records: [{ eventSource: 'aws:sqs' }] })).rejects.toMatchObject({
      name: 'InvalidPayload',
    });
  });
});
