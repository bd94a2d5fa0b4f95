/**
 * The one form in which threadline compares mail addresses: trimmed, Unicode NFC, lower case, and
 * an internationalised domain in its ASCII (punycode) form, the form DNS, SPF and DKIM results
 * name it by. Approvers, allowed senders, recipients, the deployment's own sender and the
 * addresses read from a mail all go through it before any comparison, so no two places can
 * disagree about whether two spellings name the same mailbox. It only normalises: whether a
 * header names one plain mailbox at all is decided where the header is read
 * (lib/adapters/mail-sender.ts).
 */
export const normalizeAddress = (address: string): string => {
  const normalized = address.trim().normalize('NFC').toLowerCase();
  const at = normalized.lastIndexOf('@');
  if (at === -1) return normalized;
  return `${normalized.slice(0, at + 1)}${asciiDomain(normalized.slice(at + 1))}`;
};

const NON_ASCII = /[^\p{ASCII}]/u;
/** What a URL parser would read as something other than a host, or strip from one. */
const NOT_A_HOST = /[\s/\\?#@:%[\]]/;

/**
 * A domain with non-ASCII labels as the WHATWG URL parser spells it (IDNA, UTS #46): `bücher.example`
 * is `xn--bcher-kva.example`. An ASCII domain, or one that is no valid host, is left as it is, so
 * that `ops@example.com/ü` never reads as `ops@example.com`.
 */
const asciiDomain = (domain: string): string => {
  if (!NON_ASCII.test(domain) || NOT_A_HOST.test(domain)) return domain;
  try {
    return new URL(`http://${domain}`).hostname;
  } catch {
    return domain;
  }
};

/** Whether two addresses name the same mailbox, compared in their normalised form. */
export const isSameAddress = (left: string, right: string): boolean =>
  normalizeAddress(left) === normalizeAddress(right);

/** The domain of an address (what follows its last `@`), normalised; `''` when it has none. */
export const domainOfAddress = (address: string): string => {
  const normalized = normalizeAddress(address);
  const at = normalized.lastIndexOf('@');
  return at === -1 ? '' : normalized.slice(at + 1);
};

/** The local part of an address (what precedes its last `@`), normalised. */
export const localPartOf = (address: string): string => {
  const normalized = normalizeAddress(address);
  const at = normalized.lastIndexOf('@');
  return at === -1 ? normalized : normalized.slice(0, at);
};
