import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { createHandler } from '../../lambdas/inbound-email.ts';
import { silentTelemetry } from '../../lambdas/telemetry.ts';
import type { IngressMessage, IngressQueue } from '../../lib/adapters/ingress-message.ts';
import type { RawMailSource } from '../../lib/adapters/s3-raw-mail.ts';
import type { WaitRecord } from '../../lib/adapters/wait-store.ts';
import { awaitHuman } from '../../lib/service/await-human.ts';
import { ingestMessage } from '../../lib/service/ingest.ts';
import { withApprovalRequest } from '../service/approval-thread.ts';
import { APPROVER, createHarness } from '../service/harness.ts';
import { checkReferenceWith, referenceFor, withReference } from './support.ts';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const sesEvent = async (name: string): Promise<unknown> =>
  JSON.parse(await readFile(new URL(`ses/${name}.json`, FIXTURES), 'utf-8'));
/** The fixture mails as SES stored them, a reply's subject carrying `reference()`. */
const mailWithReference = (reference: () => string | undefined): RawMailSource => ({
  read: async (messageId) =>
    withReference(await readFile(new URL(`mime/${messageId}.eml`, FIXTURES)), reference()),
});

/**
 * Thread th-1 of the refunds agent waits for approval apr-1. The agent's approver is
 * approver@example.com; it takes mail from example.com and example.org only.
 */
const setup = async (options: { reference?: (wait: WaitRecord) => string | undefined } = {}) => {
  const harness = createHarness();
  const refunds = harness.deps.agents.get('refunds');
  if (!refunds) throw new Error('the harness has no refunds agent');
  harness.deps.agents = new Map([
    [
      'refunds',
      { ...refunds, humans: { approvers: [APPROVER], allowedSenders: ['@example.com', '@example.org'] } },
    ],
  ]);
  const next = await withApprovalRequest(harness);
  await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-1' }, harness.deps);
  const wait = await harness.waits.get('apr-1');
  if (!wait?.approval) throw new Error('the harness stored no approval wait');
  const signed = referenceFor(wait, APPROVER);
  const reference = options.reference ?? (() => signed);
  const queued: IngressMessage[] = [];
  const ingress: IngressQueue = { send: async (message) => void queued.push(message) };
  const telemetry = silentTelemetry();
  const warn = vi.spyOn(telemetry.logger, 'warn');
  const handler = createHandler({
    inbound: {
      rawMail: mailWithReference(() => reference(wait)),
      ingress,
      store: harness.store,
      agentsByRecipient: new Map([['refunds@in.example.com', 'refunds']]),
      inboundDomain: 'in.example.com',
      agents: harness.deps.agents,
      people: harness.deps,
      checkReference: checkReferenceWith(harness.clock),
    },
    telemetry,
  });
  /** Receives the mail, then ingests what it queued, as the ingest function would. */
  const receive = async (fixture: string | unknown) => {
    await handler(typeof fixture === 'string' ? await sesEvent(fixture) : fixture);
    for (const message of queued) await ingestMessage(message, harness.deps);
    return (await harness.store.load('th-1')).events;
  };
  return { harness, queued, receive, warn };
};

describe('a reply to an approval mail', () => {
  it('approves when an approver sends "approve" with SPF and DKIM passing', async () => {
    const { harness, queued, receive } = await setup();

    const events = await receive('reply-approve');

    expect(queued).toEqual([
      expect.objectContaining({
        kind: 'decision',
        approvalId: 'apr-1',
        answer: { decision: 'approve' },
        from: APPROVER,
      }),
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'approval-decision',
      data: { decision: 'approve', approvalId: 'apr-1', by: APPROVER },
    });
    expect(harness.orchestrator.calls.at(-1)).toMatchObject({ method: 'resume', output: { approved: true } });
  });

  it('rejects with the reason the approver wrote', async () => {
    const { receive } = await setup();

    const events = await receive('reply-reject');

    expect(events.at(-1)?.data).toEqual({
      decision: 'reject',
      approvalId: 'apr-1',
      feedback: '120 EUR is too much for this customer.\nRefund 100 EUR instead.',
      by: APPROVER,
    });
  });

  it.each([
    ['reply-approve-spf-fail', 'SPF FAIL, DKIM PASS: both must PASS'],
    ['reply-approve-dkim-fail', 'SPF PASS, DKIM FAIL: both must PASS'],
    [
      'reply-approve-misaligned',
      "From approver@example.com is not at the envelope sender's domain, and DMARC did not pass",
    ],
  ])('only appends %s as an untrusted message: it decides nothing', async (fixture, reason) => {
    const { harness, queued, receive, warn } = await setup();

    const events = await receive(fixture);

    expect(queued).toEqual([expect.objectContaining({ kind: 'message', untrusted: true })]);
    expect(events.at(-1)).toMatchObject({
      type: 'user-message',
      data: { text: 'Approve', channel: 'email', untrusted: true, from: APPROVER },
    });
    expect((await harness.waits.get('apr-1'))?.status).toBe('pending');
    expect(warn).toHaveBeenCalledWith(
      'inbound mail reads as a decision but may not decide: queued as a message',
      expect.objectContaining({ notADecision: reason }),
    );
  });

  it.each([
    [
      'carries no reference (its subject was rewritten)',
      () => undefined,
      'the subject carries no approval reference ([ref …])',
    ],
    [
      'carries the reference of a mail to another approver (a forward)',
      (wait: WaitRecord) => referenceFor(wait, 'someone.else@example.com'),
      'its approval reference is not for the approval pending now, its arguments, or this sender',
    ],
    [
      'carries the reference of an earlier request, whose arguments differed',
      (wait: WaitRecord) =>
        referenceFor(
          { ...wait, approval: wait.approval && { ...wait.approval, argsHash: 'the-old-arguments' } },
          APPROVER,
        ),
      'its approval reference is not for the approval pending now, its arguments, or this sender',
    ],
    [
      'carries a reference that expired',
      (wait: WaitRecord) =>
        referenceFor(
          { ...wait, approval: wait.approval && { ...wait.approval, expiresAt: '2020-01-01T00:00:00.000Z' } },
          APPROVER,
        ),
      'its approval reference expired',
    ],
  ])('decides nothing when the reply %s', async (_what, reference, reason) => {
    const { harness, queued, receive, warn } = await setup({ reference });

    await receive('reply-approve');

    expect(queued).toEqual([expect.objectContaining({ kind: 'message', untrusted: true })]);
    expect((await harness.waits.get('apr-1'))?.status).toBe('pending');
    expect(warn).toHaveBeenCalledWith(
      'inbound mail reads as a decision but may not decide: queued as a message',
      expect.objectContaining({ notADecision: reason }),
    );
  });

  it('is an ordinary message from someone who is no approver, however well authenticated', async () => {
    const { harness, receive } = await setup();

    const events = await receive('reply-approve-non-approver');

    expect(events.at(-1)).toMatchObject({
      type: 'user-message',
      data: { text: 'approve', untrusted: true, from: 'ada@example.org' },
    });
    expect((await harness.waits.get('apr-1'))?.status).toBe('pending');
  });

  it('is dropped, and decides nothing, when SES judged it spam', async () => {
    const { harness, queued, receive, warn } = await setup();

    const events = await receive('reply-approve-spam');

    expect(queued).toEqual([]);
    expect(events.at(-1)?.type).toBe('approval-request');
    expect(warn).toHaveBeenCalledWith(
      'inbound mail dropped',
      expect.objectContaining({ reason: 'SES judged it spam' }),
    );
    expect((await harness.waits.get('apr-1'))?.status).toBe('pending');
  });
});

describe('mail from a sender outside the agent’s allowed senders', () => {
  it('is logged and starts no thread', async () => {
    const { queued, receive, warn } = await setup();

    await receive('outsider-request');

    expect(queued).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      'inbound mail dropped',
      expect.objectContaining({
        reason: "mallory@elsewhere.example.net is not among the refunds agent's allowed senders",
      }),
    );
  });

  it('is logged and not appended when it replies to a thread', async () => {
    const { harness, queued, receive, warn } = await setup();
    const before = (await harness.store.load('th-1')).events;
    const event = JSON.parse(JSON.stringify(await sesEvent('outsider-request')));
    event.Records[0].ses.receipt.recipients = ['reply+th-1@in.example.com'];

    expect(await receive(event)).toEqual(before);
    expect(queued).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      'inbound mail dropped',
      expect.objectContaining({
        reason: "mallory@elsewhere.example.net is not among the refunds agent's allowed senders",
      }),
    );
  });
});
