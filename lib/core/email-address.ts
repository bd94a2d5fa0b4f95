/**
 * The one form in which threadline compares mail addresses: trimmed, Unicode NFC, lower case.
 * Approvers, allowed senders, recipients, the deployment's own sender and the addresses read
 * from a mail all go through it before any comparison, so no two places can disagree about
 * whether two spellings name the same mailbox. It only normalises: whether a header names one
 * plain mailbox at all is decided where the header is read (lib/adapters/mail-sender.ts).
 */
export const normalizeAddress = (address: string): string => address.trim().normalize('NFC').toLowerCase();

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
