import { threadFromRecipient } from '../adapters/mail-address.ts';
import type { InboundMail } from '../adapters/mime-mail.ts';
import type { SesNotification } from '../adapters/ses-receipt-event.ts';
import { isSameAddress, localPartOf } from '../core/email-address.ts';

/**
 * Why a mail was sent by a machine, which no agent answers and which never decides or starts
 * anything; undefined for mail a person sent. What its headers say (lib/adapters/automatic-mail.ts:
 * auto-replies, bulk and list mail, reports, bounces, our own marker), then its envelope: the null
 * sender `<>` or mailer-daemon / postmaster, as bounces are sent; and mail from one of this
 * deployment's own addresses (its sender address, an agent's address, a thread's reply address),
 * which an agent answering would answer itself.
 */
export const whyMachineMail = (
  ses: SesNotification,
  mail: InboundMail,
  isOwnAddress: (address: string) => boolean,
): string | undefined => {
  if (mail.automatic !== undefined) return mail.automatic;
  const envelope = ses.mail.source.trim();
  if (envelope === '' || envelope === '<>') return 'the envelope sender is null (<>)';
  if (['mailer-daemon', 'postmaster'].includes(localPartOf(envelope))) return `sent by ${envelope}`;
  const { from } = mail;
  const addresses = from.kind === 'author' ? [from.address] : from.addresses;
  const sender = from.kind === 'authors' ? from.sender : undefined;
  const own = [...addresses, ...(sender ? [sender] : [])].find(isOwnAddress);
  if (own !== undefined) return `sent from this deployment's own address ${own}`;
  return undefined;
};

/** This deployment's own addresses: its sender, its agents', and the reply addresses at its inbound domain. */
export const ownAddressTest = (
  ownAddresses: readonly string[],
  agentAddresses: Iterable<string>,
  inboundDomain: string | undefined,
): ((address: string) => boolean) => {
  // Read once: `agentAddresses` may be an iterator (a map's keys), which a second read finds empty.
  const own = [...ownAddresses, ...agentAddresses];
  return (address) =>
    own.some((mine) => isSameAddress(mine, address)) ||
    (inboundDomain !== undefined && threadFromRecipient(address, inboundDomain) !== undefined);
};
