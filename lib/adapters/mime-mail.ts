import { convert } from 'html-to-text';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
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
  /** The plain-text body; derived from the HTML when the mail has no text part. */
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
    text: textOf(parsed),
    references,
  };
};

/** mailparser's value for an address header it parsed (`Sender`), or undefined for any other shape. */
const addressHeader = (value: unknown): AddressObject | AddressObject[] | undefined => {
  if (isAddressObject(value)) return value;
  return Array.isArray(value) && value.every(isAddressObject) ? value : undefined;
};

/** Past this, HTML is not turned into text: the body the model may read is far shorter anyway. */
const MAX_HTML = 1_000_000;

/**
 * mailparser turns HTML into text only for some layouts: an HTML part inside multipart/related
 * inside multipart/alternative, as Apple Mail sends an HTML-only mail with an inline image, comes
 * back with no text at all. Such a mail's text is its HTML's, without images.
 */
const textOf = (parsed: ParsedMail): string => {
  const text = parsed.text ?? '';
  if (text.trim() !== '' || typeof parsed.html !== 'string' || parsed.html.length > MAX_HTML) return text;
  try {
    return convert(parsed.html, {
      wordwrap: false,
      limits: { maxDepth: 100 },
      selectors: [{ selector: 'img', format: 'skip' }],
    });
  } catch {
    // HTML that cannot be turned into text is no reason to lose the mail: the subject stands in.
    return text;
  }
};

const isAddressObject = (value: unknown): value is AddressObject =>
  typeof value === 'object' &&
  value !== null &&
  'html' in value &&
  'value' in value &&
  Array.isArray(value.value);
