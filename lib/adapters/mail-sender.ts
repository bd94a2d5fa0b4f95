import type { AddressObject } from 'mailparser';
import { normalizeAddress } from '../core/email-address.ts';
import { fieldValues, type HeaderField } from './mail-header-fields.ts';

/**
 * Who a mail says it is from, read so that nothing is guessed:
 *  - `author`: exactly one `From:` header naming exactly one plain mailbox;
 *  - `authors`: one `From:` header naming several plain mailboxes (RFC 5322 then asks for a
 *    `Sender:`), with the `Sender:` mailbox when exactly one plain one is given;
 *  - `unclear`: anything else, with the reason. `addresses` are what mailparser read, for the
 *    record only: they are never taken to be the sender.
 * Addresses are in their normalised form (lib/core/email-address.ts).
 */
export type MailFrom =
  | { kind: 'author'; address: string }
  | { kind: 'authors'; addresses: string[]; sender?: string; senderProblem?: string }
  | { kind: 'unclear'; addresses: string[]; reason: string };

type Parsed = AddressObject | AddressObject[] | undefined;
type Mailboxes = { addresses: string[]; problem?: string };

/** The sender reading of a mail: its raw header fields, and mailparser's `From` and `Sender`. */
export const mailFromOf = (fields: readonly HeaderField[], from: Parsed, sender: Parsed): MailFrom => {
  const authors = mailboxesOf('From', fieldValues(fields, 'from'), from);
  if (authors.problem !== undefined) {
    return { kind: 'unclear', addresses: authors.addresses, reason: authors.problem };
  }
  const [only, ...others] = authors.addresses;
  if (only !== undefined && others.length === 0) return { kind: 'author', address: only };
  const senderValues = fieldValues(fields, 'sender');
  if (senderValues.length === 0) return { kind: 'authors', addresses: authors.addresses };
  const senders = mailboxesOf('Sender', senderValues, sender);
  if (senders.problem === undefined && senders.addresses.length === 1 && senders.addresses[0]) {
    return { kind: 'authors', addresses: authors.addresses, sender: senders.addresses[0] };
  }
  return {
    kind: 'authors',
    addresses: authors.addresses,
    senderProblem: senders.problem ?? 'the Sender header names more than one mailbox',
  };
};

const entriesOf = (parsed: Parsed) =>
  (parsed === undefined ? [] : Array.isArray(parsed) ? parsed : [parsed]).flatMap((object) => object.value);

/** Every address mailparser read from an address header, group members included, normalised. */
export const addressesIn = (parsed: Parsed): string[] =>
  entriesOf(parsed)
    .flatMap((entry) => [entry, ...(entry.group ?? [])])
    .flatMap((entry) => (entry.address ? [normalizeAddress(entry.address)] : []));

/** Any C0 or C1 control character, NUL and DEL included, but the tab that folding leaves. */
const CONTROL = /(?!\t)\p{Cc}/u;
/** A dot-atom or obs local part and domain: no quotes, no domain literal, one `@`. */
const PLAIN = /^[^\s@"(),:;<>[\]\\]+@[^\s@"(),:;<>[\]\\]+$/;

/** The mailboxes of an address header, or why they cannot be read as written. */
const mailboxesOf = (label: string, values: readonly string[], parsed: Parsed): Mailboxes => {
  const entries = entriesOf(parsed);
  const addresses = addressesIn(parsed);
  const problem = (reason: string): Mailboxes => ({ addresses, problem: reason });
  if (values.length === 0) return problem(`no ${label} header`);
  if (values.length > 1) return problem(`${values.length} ${label} headers`);
  const written = writtenAddresses(values[0] ?? '');
  if (typeof written === 'string') return problem(`the ${label} header has ${written}`);
  if (entries.some((entry) => entry.group !== undefined))
    return problem(`the ${label} header has group syntax`);
  if (addresses.some((address) => address.endsWith('.'))) {
    return problem(`the ${label} header has a domain that ends in a dot`);
  }
  if (addresses.length === 0) return problem(`the ${label} header names no address`);
  if (!addresses.every((address) => PLAIN.test(address))) {
    return problem(`the ${label} header has an address that is not a plain mailbox`);
  }
  // What mailparser read must be what the header spells, mailbox for mailbox: decoded text
  // (an encoded word in a display name) never becomes an address.
  if (written.length !== addresses.length || written.some((address, index) => address !== addresses[index])) {
    return problem(`the ${label} header spells other addresses than the parser read`);
  }
  return { addresses };
};

/**
 * The addr-specs a raw address header spells, in order and normalised, or which forbidden form
 * it uses. Only quoted strings and comments are set aside, so that their text cannot pass for
 * syntax; everything else must be `addr-spec` or `display-name <addr-spec>`, comma-separated.
 */
const writtenAddresses = (value: string): string[] | string => {
  if (CONTROL.test(value)) return 'a NUL or other control character';
  const bare = withoutQuotedText(value);
  if (bare === undefined) return 'an unterminated quoted string or comment';
  const addresses: string[] = [];
  for (const mailbox of splitOutsideAngles(bare)) {
    const opens = mailbox.split('<').length - 1;
    const closes = mailbox.split('>').length - 1;
    if (opens > 1 || closes > 1) return 'more than one angle address in one mailbox';
    if (opens !== closes) return 'unbalanced angle brackets';
    const angle = /<([^>]*)>/.exec(mailbox);
    const outside = angle ? mailbox.replace(angle[0], ' ') : '';
    if (/[:;]/.test(angle ? outside : mailbox)) return 'group syntax';
    const spec = (angle ? (angle[1] ?? '') : mailbox).replace(/\s+/g, '');
    if (spec.includes('"')) return 'a quoted local part';
    if (spec.startsWith('@') || (angle && spec.includes(':'))) return 'a route address';
    if (spec.includes('=?')) return 'an encoded-word address';
    if (spec.endsWith('.')) return 'a domain that ends in a dot';
    if (angle && outside.includes('@')) return 'an address outside its angle brackets';
    addresses.push(normalizeAddress(spec));
  }
  return addresses;
};

/**
 * The value with each quoted string emptied (`""`, so that a quoted local part still shows) and its
 * comments left out (RFC 5322 3.2.2–3.2.4); undefined when one is not closed.
 */
const withoutQuotedText = (value: string): string | undefined => {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let index = 0; index < value.length; index += 1) {
    const character = value[index];
    if ((quoted || depth > 0) && character === '\\') index += 1;
    else if (quoted) quoted = character !== '"';
    else if (character === '(') depth += 1;
    else if (depth > 0) depth -= character === ')' ? 1 : 0;
    else if (character === '"') {
      quoted = true;
      out += '""';
    } else out += character;
  }
  return quoted || depth > 0 ? undefined : out;
};

/** The mailboxes of a list: split at commas outside angle brackets, empty entries left out. */
const splitOutsideAngles = (value: string): string[] => {
  const parts: string[] = [];
  let current = '';
  let inAngle = false;
  for (const character of value) {
    if (character === '<') inAngle = true;
    else if (character === '>') inAngle = false;
    if (character === ',' && !inAngle) {
      parts.push(current);
      current = '';
    } else current += character;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter(Boolean);
};
