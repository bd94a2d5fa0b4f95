import { convert } from 'html-to-text';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';

/** What threadline reads from a received mail. */
export interface InboundMail {
  messageId?: string;
  from?: string;
  subject?: string;
  /** The plain-text body; derived from the HTML when the mail has no text part. */
  text: string;
  /** In-Reply-To first, then References, as written. */
  references: string[];
}

/** Parses raw MIME (any charset or transfer encoding mailparser reads); attachments are ignored. */
export const parseMail = async (raw: Uint8Array | string): Promise<InboundMail> => {
  const parsed = await simpleParser(typeof raw === 'string' ? raw : Buffer.from(raw), {
    skipImageLinks: true,
    skipTextToHtml: true,
  });
  const references = [
    ...(parsed.inReplyTo ? [parsed.inReplyTo] : []),
    ...(Array.isArray(parsed.references) ? parsed.references : parsed.references ? [parsed.references] : []),
  ].flatMap((value) => value.split(/\s+/).filter(Boolean));
  return {
    ...(parsed.messageId ? { messageId: parsed.messageId } : {}),
    ...(addressOf(parsed.from) ? { from: addressOf(parsed.from) } : {}),
    ...(parsed.subject ? { subject: parsed.subject } : {}),
    text: textOf(parsed),
    references,
  };
};

const addressOf = (from: AddressObject | AddressObject[] | undefined): string | undefined => {
  const first = Array.isArray(from) ? from[0] : from;
  return first?.value[0]?.address?.toLowerCase();
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
