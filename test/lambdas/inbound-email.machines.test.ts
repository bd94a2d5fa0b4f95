import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { AGENT_ADDRESS, createInboundMail, type Delivery, REPLY_ADDRESS } from './inbound-mail-harness.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

const SES_BOUNCE_ADDRESS =
  '0102019a1b2c3d4e-5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c-000000@eu-west-1.amazonses.com';

/**
 * Mail machines send: out-of-office replies (Exchange, Gmail, vacation(1)), a list digest,
 * RFC 3464 delivery reports from Postfix and Exchange, and this deployment's own notifications
 * come back. Each reaches a thread's reply address or an agent's address, with every SES verdict
 * passing; the reason is what the log says.
 */
const corpus: [name: string, delivery: Delivery, reason: string][] = [
  [
    'an Exchange out-of-office reply to the approval mail',
    { fixture: 'auto-ooo-exchange', recipients: [REPLY_ADDRESS] },
    'Auto-Submitted: auto-generated',
  ],
  [
    'a Gmail vacation reply',
    { fixture: 'auto-ooo-gmail', source: 'ada@example.org', recipients: [AGENT_ADDRESS] },
    'Auto-Submitted: auto-replied',
  ],
  [
    'a vacation(1) reply',
    { fixture: 'auto-vacation-precedence', source: 'ada@example.org', recipients: [AGENT_ADDRESS] },
    'Precedence: junk',
  ],
  [
    'a mailing-list digest',
    {
      fixture: 'auto-list-digest',
      source: 'refund-tips-bounces@lists.example.org',
      recipients: [AGENT_ADDRESS],
    },
    'Precedence: list',
  ],
  [
    'a Postfix bounce of the approval mail',
    { fixture: 'dsn-postfix', source: '', recipients: [REPLY_ADDRESS] },
    'Auto-Submitted: auto-replied',
  ],
  [
    'an Exchange non-delivery report',
    { fixture: 'dsn-exchange', source: '', recipients: [AGENT_ADDRESS] },
    'a report (Content-Type: multipart/report; report-type=delivery-status; boundary="b6c2e0a1-7d3f-4c55-9e0b-2f6a8d1c4e77")',
  ],
  [
    'our own approval mail, sent to an agent',
    { fixture: 'own-notification', source: SES_BOUNCE_ADDRESS, recipients: [AGENT_ADDRESS] },
    "threadline's own X-Threadline-Thread header",
  ],
  [
    'mail from our own sender address without our headers',
    { fixture: 'own-sender-unmarked', source: SES_BOUNCE_ADDRESS, recipients: [AGENT_ADDRESS] },
    "sent from this deployment's own address agents@example.com",
  ],
  [
    'our own mail, redirected back to the thread by a mailbox rule',
    { fixture: 'own-marker-redirected', recipients: [REPLY_ADDRESS] },
    "threadline's own X-Threadline-Thread header",
  ],
  [
    'a bounce known only by its null envelope sender',
    { fixture: 'auto-submitted-no', source: '', recipients: [AGENT_ADDRESS] },
    'the envelope sender is null (<>)',
  ],
  [
    'a bounce known only by its envelope sender, the mailer daemon',
    { fixture: 'auto-submitted-no', source: 'MAILER-DAEMON@mail.example.org', recipients: [AGENT_ADDRESS] },
    'sent by MAILER-DAEMON@mail.example.org',
  ],
];

describe('mail a machine sent', () => {
  it.each(corpus)(
    '%s neither approves nor starts a thread, and is logged',
    async (_name, delivery, reason) => {
      const mail = await createInboundMail(dynamo);
      const before = await mail.events();

      const queued = await mail.receive(delivery);

      expect(queued).toEqual([]);
      expect(await mail.events()).toEqual(before);
      expect(await mail.threadIds()).toEqual(['th-1']);
      expect(await mail.approvalStatus()).toBe('pending');
      expect(mail.warn).toHaveBeenCalledWith(
        'inbound mail dropped',
        expect.objectContaining({ reason: `sent by a machine (${reason}): no agent answers it` }),
      );
    },
  );
});

describe('mail a person sent', () => {
  it('starts a thread when it says Auto-Submitted: no', async () => {
    const mail = await createInboundMail(dynamo);

    const queued = await mail.receive({
      fixture: 'auto-submitted-no',
      source: 'ada@example.org',
      recipients: [AGENT_ADDRESS],
    });

    expect(queued).toEqual([
      expect.objectContaining({
        kind: 'start',
        agent: 'refunds',
        from: 'ada@example.org',
        text: 'Please refund order 1002: the parcel never arrived.',
      }),
    ]);
    expect(await mail.threadIds()).toHaveLength(2);
  });
});
