import type { MailFrom } from '../adapters/mail-sender.ts';
import { normalizeAddress } from '../core/email-address.ts';
import { type AgentPeople, isAllowedSender, isApproverOf } from './agent-people.ts';

// What the reading of a mail's From and Sender (lib/adapters/mail-sender.ts) means for whether it
// may reach an agent and whom it is recorded as from. Whether it may decide is mail-trust.ts.

/**
 * The agent's allowed senders, and its approvers, who always may write to it. A mail that names
 * no single sender (no From, or several without a Sender) writes only when every address it
 * shows is an allowed sender: being an approver counts only for a sender read without guessing.
 */
export const mayWriteTo = (people: AgentPeople, from: MailFrom, envelope: string): boolean => {
  const mayWriteAs = (address: string) => isAllowedSender(people, address) || isApproverOf(people, address);
  if (from.kind === 'author') return mayWriteAs(from.address);
  if (from.kind === 'authors' && from.sender !== undefined) return mayWriteAs(from.sender);
  const shown = from.addresses.length > 0 ? from.addresses : [envelope];
  return shown.every((address) => isAllowedSender(people, address));
};

/** Who the message is recorded as from: every address the From shows, or the envelope sender. */
export const recordedFrom = (from: MailFrom, envelope: string): string => {
  const shown = from.kind === 'author' ? [from.address] : from.addresses;
  return (shown.length > 0 ? shown.join(', ') : normalizeAddress(envelope)).slice(0, 320);
};

/** Why the mail names no single sender, or undefined when it names one. */
export const whyNoSingleSender = (from: MailFrom): string | undefined => {
  if (from.kind === 'unclear') return from.reason;
  if (from.kind === 'authors' && from.sender === undefined) {
    return `several From addresses and no usable Sender${from.senderProblem ? ` (${from.senderProblem})` : ''}`;
  }
  return undefined;
};
