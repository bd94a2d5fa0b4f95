import { createHash } from 'node:crypto';
import type { IngressMessage, IngressQueue } from '../adapters/ingress-message.ts';
import { threadFromRecipient, threadFromReferences } from '../adapters/mail-address.ts';
import { parseMail } from '../adapters/mime-mail.ts';
import type { RawMailSource } from '../adapters/s3-raw-mail.ts';
import type { SesNotification } from '../adapters/ses-receipt-event.ts';
import { ThreadNotFoundError } from '../core/errors.ts';
import type { ThreadStore } from '../core/ports.ts';
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
}

export type ReceiveMailOutcome =
  | { action: 'queued'; kind: IngressMessage['kind']; threadId: string; key: string }
  | { action: 'dropped'; reason: string };

const MAX_TEXT = 100_000;
const MAX_KEY = 128;

/**
 * One received mail → one ingress message. A reply (its References name a thread, or it was sent
 * to a thread's reply address) continues that thread; other mail to an agent's address starts a
 * thread, whose id derives from the mail, so a redelivered notification starts the same one. Mail
 * SES judged spam or infected is dropped. Everything in a mail is untrusted: it is fenced as data
 * in the model's context. Who may approve by mail is decided elsewhere, not here.
 */
export const receiveMail = async (
  ses: SesNotification,
  deps: ReceiveMailDeps,
): Promise<ReceiveMailOutcome> => {
  const { receipt } = ses;
  if (receipt.spamVerdict?.status === 'FAIL') return { action: 'dropped', reason: 'SES judged it spam' };
  if (receipt.virusVerdict?.status === 'FAIL') return { action: 'dropped', reason: 'SES found a virus' };

  const mail = await parseMail(await deps.rawMail.read(ses.mail.messageId));
  const key = keyOf(mail.messageId ?? `ses:${ses.mail.messageId}`);
  const from = mail.from ?? ses.mail.source.toLowerCase();
  const replyTo =
    threadFromReferences(mail.references) ??
    receipt.recipients.map((address) => threadFromRecipient(address, deps.inboundDomain)).find(Boolean);
  const common = {
    channel: 'email' as const,
    from: from.slice(0, 320),
    ...(mail.subject ? { subject: mail.subject.slice(0, 998) } : {}),
    untrusted: true,
    key,
  };

  if (replyTo !== undefined) {
    if (!(await exists(deps.store, replyTo)))
      return { action: 'dropped', reason: `a reply to thread ${replyTo}, which does not exist` };
    const text = bodyOf(replyText(mail.text), mail.subject);
    await deps.ingress.send({ kind: 'message', threadId: replyTo, text, ...common });
    return { action: 'queued', kind: 'message', threadId: replyTo, key };
  }
  const agent = receipt.recipients
    .map((address) => deps.agentsByRecipient.get(address.toLowerCase()))
    .find(Boolean);
  if (agent === undefined) {
    return { action: 'dropped', reason: `no agent receives mail at ${receipt.recipients.join(', ')}` };
  }
  const threadId = `th_mail_${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
  await deps.ingress.send({
    kind: 'start',
    agent,
    threadId,
    text: bodyOf(mail.text, mail.subject),
    ...common,
  });
  return { action: 'queued', kind: 'start', threadId, key };
};

const exists = async (store: Pick<ThreadStore, 'load'>, threadId: string): Promise<boolean> => {
  try {
    await store.load(threadId);
    return true;
  } catch (error) {
    if (error instanceof ThreadNotFoundError) return false;
    throw error;
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
