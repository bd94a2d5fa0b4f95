import { type AddressObject, simpleParser } from 'mailparser';
import { whyAutomatic } from './automatic-mail.ts';
import { headerFieldsOf } from './mail-header-fields.ts';
import { addressesIn, type MailFrom, mailFromOf } from './mail-sender.ts';

/** What threadline reads from a received mail. */
export interface InboundMail {
  messageId?: string;
  /** Who the mail says it is from, read without guessing (see mail-sender.ts). */
  from: MailFrom;
  /** Why its headers say a machine sent it (an auto-reply, a bounce, our own mail), if they do. */
  automatic?: string;
  subject?: string;
  /** The plain-text body; mailparser derives it from the HTML when there is no text part. */
  text: string;
  /** In-Reply-To first, then References, as written. */
  references: string[];
}

/**
 * Parses raw MIME (any charset or transfer encoding mailparser reads); attachments are ignored.
 * The header block is also read line by line, where mailparser keeps one value per name.
 */
export const parseMail = async (raw: Uint8Array | string): Promise<InboundMail> => {
  const parsed = await simpleParser(typeof raw === 'string' ? raw : Buffer.from(raw), {
    skipImageLinks: true,
    skipTextToHtml: true,
  });
  const references = [
    ...(parsed.inReplyTo ? [parsed.inReplyTo] : []),
    ...(Array.isArray(parsed.references) ? parsed.references : parsed.references ? [parsed.references] : []),
  ].flatMap((value) => value.split(/\s+/).filter(Boolean));
  const fields = headerFieldsOf(raw);
  const sender = addressHeader(parsed.headers.get('sender'));
  const from = mailFromOf(fields, parsed.from, sender);
  const automatic = whyAutomatic(fields, [...addressesIn(parsed.from), ...addressesIn(sender)]);
  return {
    ...(parsed.messageId ? { messageId: parsed.messageId } : {}),
    from,
    ...(automatic === undefined ? {} : { automatic }),
    ...(parsed.subject ? { subject: parsed.subject } : {}),
    text: parsed.text ?? '',
    references,
  };
};

/** mailparser's value for an address header it parsed (`Sender`), or undefined for any other shape. */
const addressHeader = (value: unknown): AddressObject | AddressObject[] | undefined => {
  if (isAddressObject(value)) return value;
  return Array.isArray(value) && value.every(isAddressObject) ? value : undefined;
};

const isAddressObject = (value: unknown): value is AddressObject =>
  typeof value === 'object' &&
  value !== null &&
  'html' in value &&
  'value' in value &&
  Array.isArray(value.value);
