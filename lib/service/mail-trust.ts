import type { SesNotification } from '../adapters/ses-receipt-event.ts';
import { type AgentPeople, isApproverOf } from './agent-people.ts';

/**
 * Why a mail may not decide an approval, or undefined when it may. All of these must hold:
 *  - SES's SPF verdict is PASS and its DKIM verdict is PASS;
 *  - the From address is one the receipt vouches for: DMARC passed, or the envelope sender
 *    (which SPF checked) is at the From address's domain. SPF and DKIM alone authenticate the
 *    envelope and the signing domain, not the From a person reads: mail from `evil.example`,
 *    signed by `evil.example`, passes both while its From says `cfo@example.com`;
 *  - the sender is one of the agent's approvers or fallback approvers.
 * Anything else is an ordinary message: fenced as untrusted, and it never approves.
 */
export const whyNotTrusted = (
  ses: SesNotification,
  from: string,
  people: AgentPeople,
): string | undefined => {
  const { receipt } = ses;
  const spf = receipt.spfVerdict?.status ?? 'missing';
  const dkim = receipt.dkimVerdict?.status ?? 'missing';
  if (spf !== 'PASS' || dkim !== 'PASS') return `SPF ${spf}, DKIM ${dkim}: both must PASS`;
  if (receipt.dmarcVerdict?.status !== 'PASS' && !isAligned(domainOf(ses.mail.source), domainOf(from))) {
    return `From ${from} is not at the envelope sender's domain, and DMARC did not pass`;
  }
  if (!isApproverOf(people, from)) return `${from} is not an approver of this agent`;
  return undefined;
};

const domainOf = (address: string): string => {
  const bare = address.trim().replace(/^.*<([^>]*)>.*$/, '$1');
  return bare.slice(bare.lastIndexOf('@') + 1).toLowerCase();
};

/** Relaxed alignment: the same domain, or one a subdomain of the other (`mail.example.com`). */
const isAligned = (envelope: string, from: string): boolean =>
  envelope.includes('.') &&
  (envelope === from || envelope.endsWith(`.${from}`) || from.endsWith(`.${envelope}`));
