import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVER } from '../service/harness.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { createInboundMail, type Delivery } from './inbound-mail-harness.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

/**
 * Replies whose first line is "approve", each to thread th-1's pending approval, with every SES
 * verdict passing, whose From a lenient reader would take for the approver's: each is built the
 * way RFC 5322 forbids, or to mislead. The reason each is refused is the one logged.
 */
const corpus: [fixture: string, reason: string, source?: string][] = [
  ['sender-two-from', 'no single sender: 2 From headers'],
  ['sender-two-from-spelled', 'no single sender: 2 From headers'],
  ['sender-hidden-first-from', 'no single sender: 2 From headers'],
  ['sender-list', 'From names approver@example.com, mallory@evil.example and there is no usable Sender'],
  [
    'sender-list-outsider-sender',
    'mallory@evil.example is not an approver of this agent',
    'mallory@evil.example',
  ],
  [
    'sender-list-unaligned-sender',
    "From names approver@example.com, mallory@evil.example; its Sender approver@example.com is not at the envelope sender's domain",
    'bounces@evil.example',
  ],
  [
    'sender-list-two-senders',
    'From names approver@example.com, ada@example.com and there is no usable Sender (2 Sender headers)',
  ],
  ['sender-group', 'no single sender: the From header has group syntax'],
  ['sender-route', 'no single sender: the From header has a route address'],
  ['sender-nul', 'no single sender: the From header has a NUL or other control character'],
  ['sender-control-character', 'no single sender: the From header has a NUL or other control character'],
  ['sender-trailing-dot', 'no single sender: the From header has a domain that ends in a dot'],
  ['sender-encoded-word', 'no single sender: the From header has an encoded-word address'],
  ['sender-encoded-word-angle', 'no single sender: the From header has an encoded-word address'],
  [
    'sender-two-angle-addresses',
    'no single sender: the From header has more than one angle address in one mailbox',
  ],
  ['sender-no-from', 'no single sender: no From header'],
];

describe('a reply that names no single sender', () => {
  it.each(corpus)(
    '%s decides nothing: it is an untrusted message, and why is logged',
    async (fixture, reason, source) => {
      const mail = await createInboundMail(dynamo);
      const delivery: Delivery = { fixture, ...(source === undefined ? {} : { source }) };

      const queued = await mail.receive(delivery);

      expect(queued).toEqual([
        expect.objectContaining({ kind: 'message', threadId: 'th-1', untrusted: true }),
      ]);
      expect((await mail.events()).at(-1)).toMatchObject({
        type: 'user-message',
        data: { text: 'approve', channel: 'email', untrusted: true },
      });
      expect(await mail.approvalStatus()).toBe('pending');
      expect(mail.orchestrator.calls.filter((call) => call.method === 'resume')).toEqual([]);
      expect(mail.warn).toHaveBeenCalledWith(
        'inbound mail reads as a decision but may not decide: queued as a message',
        expect.objectContaining({ notADecision: reason }),
      );
    },
  );

  it('is recorded as from every address it shows, never from the one a reader would guess', async () => {
    const mail = await createInboundMail(dynamo);

    await mail.receive({ fixture: 'sender-list' });

    expect((await mail.events()).at(-1)?.data).toMatchObject({
      from: 'approver@example.com, mallory@evil.example',
    });
  });

  it('logs why it names no single sender even when it reads as no decision', async () => {
    const mail = await createInboundMail(dynamo);
    await mail.receive({ fixture: 'sender-upper-case' });
    mail.warn.mockClear();

    await mail.receive({ fixture: 'sender-route' });

    expect(mail.warn).toHaveBeenCalledWith(
      'inbound mail names no single sender: queued as a message from nobody trusted',
      expect.objectContaining({ senderProblem: 'the From header has a route address' }),
    );
  });
});

describe('a reply that names one sender', () => {
  it.each([
    ['sender-upper-case', 'a From in other letter case'],
    ['sender-list-approver-sender', 'several From addresses and the approver as their Sender'],
  ])('%s decides as the approver (%s)', async (fixture) => {
    const mail = await createInboundMail(dynamo);

    const queued = await mail.receive({ fixture });

    expect(queued).toEqual([
      expect.objectContaining({ kind: 'decision', approvalId: 'apr-1', from: APPROVER }),
    ]);
    expect((await mail.events()).at(-1)).toMatchObject({
      type: 'approval-decision',
      data: { decision: 'approve', approvalId: 'apr-1', by: APPROVER },
    });
    expect(await mail.approvalStatus()).not.toBe('pending');
  });
});
