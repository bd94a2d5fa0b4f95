import { createHash } from 'node:crypto';
import type { BindingSubject, ReferenceCheck } from '../adapters/approval-links.ts';
import type { IngressMessage, IngressQueue } from '../adapters/ingress-message.ts';
import { threadFromRecipient, threadFromReferences } from '../adapters/mail-address.ts';
import { parseMail } from '../adapters/mime-mail.ts';
import type { RawMailSource } from '../adapters/s3-raw-mail.ts';
import type { SesNotification } from '../adapters/ses-receipt-event.ts';
import type { Agent } from '../core/agent.ts';
import { normalizeAddress } from '../core/email-address.ts';
import { ThreadNotFoundError } from '../core/errors.ts';
import type { Thread } from '../core/events.ts';
import type { ThreadStore } from '../core/ports.ts';
import { deriveThreadState } from '../core/thread-state.ts';
import { type PeopleDefaults, peopleOf } from './agent-people.ts';
import { ownAddressTest, whyMachineMail } from './machine-mail.ts';
import { decisionIn } from './mail-decision.ts';
import { mayWriteTo, recordedFrom, whyNoSingleSender } from './mail-from.ts';
import { trustOf } from './mail-trust.ts';
import { replyText } from './reply-text.ts';

export interface ReceiveMailDeps {
  rawMail: RawMailSource;
  ingress: IngressQueue;
  /** Only read: a reply must name a thread that exists. */
  store: Pick<ThreadStore, 'load'>;
  /** Recipient address (lower case) → the agent that starts a thread for mail sent to it. */
  agentsByRecipient: ReadonlyMap<string, string>;
  /** The domain SES receives for; reply addresses (`reply+<thread>@…`) are at it. */
  inboundDomain?: string;
  /** The agents, for their approvers and allowed senders. */
  agents: ReadonlyMap<string, Agent>;
  /** The deployment's approvers and allowed senders: the defaults for agents that name none. */
  people: PeopleDefaults;
  /**
   * Checks the signed reference an approval mail's subject carried (`[ref …]`, kept by a reply)
   * against the approval the thread waits for and the reply's sender: the binding a link's
   * signature covers, so a mail decides only the request it was sent for.
   */
  checkReference: (
    reference: string,
    expected: BindingSubject & { approvalId: string; approver: string },
  ) => Promise<ReferenceCheck>;
  /** The addresses this deployment sends from (`SENDER_EMAIL`): mail from them is never answered. */
  ownAddresses?: readonly string[];
}

export type ReceiveMailOutcome =
  | {
      action: 'queued';
      kind: IngressMessage['kind'];
      threadId: string;
      key: string;
      /** A reply that says "approve" or "reject: …" but may not decide: why it is only a message. */
      notADecision?: string;
      /** Why the mail names no single sender, so that it can be nobody's decision. */
      senderProblem?: string;
    }
  | { action: 'dropped'; reason: string };

const MAX_TEXT = 100_000;
const MAX_KEY = 128;

/**
 * One received mail → one ingress message. A reply (its References name a thread, or it was sent
 * to a thread's reply address) continues that thread; other mail to an agent's address starts a
 * thread, whose id derives from the mail, so a redelivered notification starts the same one.
 * Dropped: mail SES judged spam or infected; mail a machine sent (machine-mail.ts: auto-replies,
 * bounces, bulk mail, this deployment's own mail), which no agent answers, so that no two systems
 * answer each other in a loop; and mail from senders the agent does not accept (`allowedSenders`;
 * its approvers always may write, when the mail names one sender). Everything in a mail is
 * untrusted: it is fenced as data in the model's context. A reply whose first line is `approve`
 * or `reject: <reason>` decides the thread's pending approval only when mail-trust.ts trusts it
 * (SPF and DKIM PASS, one sender read without guessing, aligned, an approver); otherwise it is an
 * ordinary message.
 */
export const receiveMail = async (
  ses: SesNotification,
  deps: ReceiveMailDeps,
): Promise<ReceiveMailOutcome> => {
  const { receipt } = ses;
  if (receipt.spamVerdict?.status === 'FAIL') return { action: 'dropped', reason: 'SES judged it spam' };
  if (receipt.virusVerdict?.status === 'FAIL') return { action: 'dropped', reason: 'SES found a virus' };

  const mail = await parseMail(await deps.rawMail.read(ses.mail.messageId));
  const isOwnAddress = ownAddressTest(
    deps.ownAddresses ?? [],
    deps.agentsByRecipient.keys(),
    deps.inboundDomain,
  );
  const machine = whyMachineMail(ses, mail, isOwnAddress);
  if (machine !== undefined) {
    return { action: 'dropped', reason: `sent by a machine (${machine}): no agent answers it` };
  }
  const key = keyOf(mail.messageId ?? `ses:${ses.mail.messageId}`);
  const from = recordedFrom(mail.from, ses.mail.source);
  const senderProblem = whyNoSingleSender(mail.from);
  const noted = senderProblem === undefined ? {} : { senderProblem };
  const replyTo =
    threadFromReferences(mail.references) ??
    receipt.recipients.map((address) => threadFromRecipient(address, deps.inboundDomain)).find(Boolean);
  const common = {
    channel: 'email' as const,
    from,
    ...(mail.subject ? { subject: mail.subject.slice(0, 998) } : {}),
    untrusted: true,
    key,
  };

  if (replyTo !== undefined) {
    const thread = await loadOrUndefined(deps.store, replyTo);
    if (!thread) return { action: 'dropped', reason: `a reply to thread ${replyTo}, which does not exist` };
    const people = peopleOf(deps.agents.get(thread.agent), deps.people);
    if (!mayWriteTo(people, mail.from, ses.mail.source)) return refusedSender(from, thread.agent);
    const reply = replyText(mail.text);
    const text = bodyOf(reply, mail.subject);
    const answer = decisionIn(reply);
    const pending = deriveThreadState(thread.events).pendingApproval;
    if (answer === undefined || pending === undefined) {
      await deps.ingress.send({ kind: 'message', threadId: replyTo, text, ...common });
      return { action: 'queued', kind: 'message', threadId: replyTo, key, ...noted };
    }
    const trust = trustOf(ses, mail.from, people);
    if (!trust.trusted) {
      await deps.ingress.send({ kind: 'message', threadId: replyTo, text, ...common });
      return {
        action: 'queued',
        kind: 'message',
        threadId: replyTo,
        key,
        notADecision: trust.reason,
        ...noted,
      };
    }
    const { approvalId, callId, argsHash } = pending;
    const unbound = await whyNotBound(mail.subject, deps, {
      threadId: replyTo,
      approvalId,
      callId,
      argsHash,
      approver: trust.by,
    });
    if (unbound !== undefined) {
      await deps.ingress.send({ kind: 'message', threadId: replyTo, text, ...common });
      return { action: 'queued', kind: 'message', threadId: replyTo, key, notADecision: unbound, ...noted };
    }
    await deps.ingress.send({
      kind: 'decision',
      threadId: replyTo,
      text,
      approvalId,
      answer,
      ...common,
      from: trust.by,
    });
    return { action: 'queued', kind: 'decision', threadId: replyTo, key };
  }
  const agent = receipt.recipients
    .map((address) => deps.agentsByRecipient.get(normalizeAddress(address)))
    .find(Boolean);
  if (agent === undefined) {
    return { action: 'dropped', reason: `no agent receives mail at ${receipt.recipients.join(', ')}` };
  }
  if (!mayWriteTo(peopleOf(deps.agents.get(agent), deps.people), mail.from, ses.mail.source)) {
    return refusedSender(from, agent);
  }
  const threadId = `th_mail_${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
  await deps.ingress.send({
    kind: 'start',
    agent,
    threadId,
    text: bodyOf(mail.text, mail.subject),
    ...common,
  });
  return { action: 'queued', kind: 'start', threadId, key, ...noted };
};

const refusedSender = (from: string, agent: string): ReceiveMailOutcome => ({
  action: 'dropped',
  reason: `${from} is not among the ${agent} agent's allowed senders`,
});

const loadOrUndefined = async (
  store: Pick<ThreadStore, 'load'>,
  threadId: string,
): Promise<Thread | undefined> => {
  try {
    return await store.load(threadId);
  } catch (error) {
    if (error instanceof ThreadNotFoundError) return undefined;
    throw error;
  }
};

/** The reference an approval mail's subject carries: `… [ref apr_….1767312000.AbC…]`. */
const REFERENCE = /\[ref ([^\]\s]{1,200})\]/;

/** Why a reply that reads as a decision is not bound to the approval pending now, if it is not. */
const whyNotBound = async (
  subject: string | undefined,
  deps: ReceiveMailDeps,
  expected: BindingSubject & { approvalId: string; approver: string },
): Promise<string | undefined> => {
  const reference = REFERENCE.exec(subject ?? '')?.[1];
  if (reference === undefined) return 'the subject carries no approval reference ([ref …])';
  const check = await deps.checkReference(reference, expected);
  if (check.ok) return undefined;
  switch (check.reason) {
    case 'expired':
      return 'its approval reference expired';
    case 'malformed':
      return 'its approval reference is malformed';
    case 'bad-signature':
      return 'its approval reference is not for the approval pending now, its arguments, or this sender';
  }
};

/** The body, or the subject when the body is empty: a message is never empty. */
const bodyOf = (text: string, subject: string | undefined): string => {
  const body = text.trim() || subject?.trim() || '(an empty mail)';
  return body.length > MAX_TEXT ? body.slice(0, MAX_TEXT) : body;
};

/** The Message-ID as the idempotency key; hashed when it is too long for one. */
const keyOf = (messageId: string): string => {
  const key = `mail:${messageId}`;
  return key.length <= MAX_KEY ? key : `mail:sha256:${createHash('sha256').update(messageId).digest('hex')}`;
};
