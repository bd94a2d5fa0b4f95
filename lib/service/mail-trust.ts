import type { MailFrom } from '../adapters/mail-sender.ts';
import type { SesNotification } from '../adapters/ses-receipt-event.ts';
import { domainOfAddress } from '../core/email-address.ts';
import { type AgentPeople, isApproverOf } from './agent-people.ts';

/** A mail that may decide an approval, by whom; or why it may not. */
export type MailTrust = { trusted: true; by: string } | { trusted: false; reason: string };

/**
 * Whether a mail may decide an approval, and as whom. All of these must hold:
 *  - SES's SPF verdict is PASS and its DKIM verdict is PASS;
 *  - the mail names one sender without guessing (lib/adapters/mail-sender.ts): one `From:`
 *    header with one plain mailbox; or, when that header lists several, a plain `Sender:`,
 *    which is then the one who decides. No route addresses, groups, encoded words, control
 *    characters or trailing-dot domains;
 *  - that address is one the receipt vouches for. For a single From: DMARC passed, or the
 *    envelope sender (which SPF checked) is at its domain. SPF and DKIM alone authenticate the
 *    envelope and the signing domain, not the From a person reads: mail from `evil.example`,
 *    signed by `evil.example`, passes both while its From says `cfo@example.com`. For a Sender:
 *    the envelope sender is at its domain (DMARC speaks for the From only);
 *  - that address is one of the agent's approvers or fallback approvers.
 * Anything else is an ordinary message: fenced as untrusted, and it never approves.
 */
export const trustOf = (ses: SesNotification, from: MailFrom, people: AgentPeople): MailTrust => {
  const refused = (reason: string): MailTrust => ({ trusted: false, reason });
  const { receipt } = ses;
  const spf = receipt.spfVerdict?.status ?? 'missing';
  const dkim = receipt.dkimVerdict?.status ?? 'missing';
  if (spf !== 'PASS' || dkim !== 'PASS') return refused(`SPF ${spf}, DKIM ${dkim}: both must PASS`);
  const envelope = domainOfAddress(ses.mail.source);
  let by: string;
  if (from.kind === 'unclear') return refused(`no single sender: ${from.reason}`);
  if (from.kind === 'author') {
    by = from.address;
    if (receipt.dmarcVerdict?.status !== 'PASS' && !isAligned(envelope, domainOfAddress(by))) {
      return refused(`From ${by} is not at the envelope sender's domain, and DMARC did not pass`);
    }
  } else {
    const listed = from.addresses.join(', ');
    if (from.sender === undefined) {
      return refused(`From names ${listed} and there is no usable Sender${problemOf(from.senderProblem)}`);
    }
    by = from.sender;
    if (!isAligned(envelope, domainOfAddress(by))) {
      return refused(`From names ${listed}; its Sender ${by} is not at the envelope sender's domain`);
    }
  }
  if (!isApproverOf(people, by)) return refused(`${by} is not an approver of this agent`);
  return { trusted: true, by };
};

const problemOf = (problem: string | undefined): string => (problem === undefined ? '' : ` (${problem})`);

/** Relaxed alignment: the same domain, or one a subdomain of the other (`mail.example.com`). */
const isAligned = (envelope: string, from: string): boolean =>
  envelope.includes('.') &&
  (envelope === from || envelope.endsWith(`.${from}`) || from.endsWith(`.${envelope}`));
