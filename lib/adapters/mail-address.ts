import { domainOfAddress } from '../core/email-address.ts';

/**
 * How mail threadline sends names its thread, so that a reply finds it again: a `Message-ID` of
 * `<threadId.requestId@threadline>` (which replies quote in In-Reply-To / References) and a
 * Reply-To of `reply+<threadId>@<inbound domain>`. SES replaces the Message-ID of mail it sends
 * with its own, so on AWS the Reply-To address is what carries the thread; the Message-ID form
 * serves mail sent by other means and the local outbox.
 */

export const MESSAGE_ID_DOMAIN = 'threadline';
/** Headers on every mail threadline sends; the first also marks a mail as its own. */
export const THREAD_HEADER = 'X-Threadline-Thread';
export const REQUEST_HEADER = 'X-Threadline-Request';
const THREAD_ID = /^[\w-]{1,128}$/;

export const messageIdFor = (threadId: string, requestId?: string): string =>
  `<${threadId}.${requestId ?? 'thread'}@${MESSAGE_ID_DOMAIN}>`;

export const replyAddressFor = (threadId: string, inboundDomain: string): string =>
  `reply+${threadId}@${inboundDomain}`;

/** The thread a reply's In-Reply-To or References name, newest reference first. */
export const threadFromReferences = (references: readonly string[]): string | undefined => {
  for (const reference of [...references].reverse()) {
    const match = /^<?([\w-]{1,128})\.[^@<>\s]+@threadline>?$/.exec(reference.trim());
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
};

/** The thread a `reply+<threadId>@<domain>` recipient names. */
export const threadFromRecipient = (
  address: string,
  inboundDomain: string | undefined,
): string | undefined => {
  if (!address.includes('@')) return undefined;
  if (inboundDomain !== undefined && domainOfAddress(address) !== domainOfAddress(`@${inboundDomain}`)) {
    return undefined;
  }
  // The thread id keeps its case: only the `reply+` prefix and the domain are compared loosely.
  const local = address.trim().slice(0, address.trim().lastIndexOf('@'));
  const match = /^reply\+(.+)$/i.exec(local);
  return match?.[1] !== undefined && THREAD_ID.test(match[1]) ? match[1] : undefined;
};
