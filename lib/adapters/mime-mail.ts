import { type AddressObject, simpleParser } from 'mailparser';

/** What threadline reads from a received mail. */
export interface InboundMail {
  messageId?: string;
  from?: string;
  subject?: string;
  /** The plain-text body; mailparser derives it from the HTML when there is no text part. */
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
    text: parsed.text ?? '',
    references,
  };
};

const addressOf = (from: AddressObject | AddressObject[] | undefined): string | undefined => {
  const first = Array.isArray(from) ? from[0] : from;
  return first?.value[0]?.address?.toLowerCase();
};
