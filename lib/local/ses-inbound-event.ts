import { type AddressObject, simpleParser } from 'mailparser';
import { headerFieldsOf } from '../adapters/mail-header-fields.ts';

/** SES's verdict values: PASS, FAIL, GRAY (could not tell) and PROCESSING_FAILED. */
export type VerdictStatus = 'PASS' | 'FAIL' | 'GRAY' | 'PROCESSING_FAILED';

export interface Verdicts {
  spam: VerdictStatus;
  virus: VerdictStatus;
  spf: VerdictStatus;
  dkim: VerdictStatus;
  dmarc: VerdictStatus;
}

export interface InboundMail {
  /** The SES message id: also the object key under the S3 action's prefix. */
  messageId: string;
  /** The mail as stored: SES's added headers first, then the mail as received. */
  raw: Buffer;
  /** The envelope sender (MAIL FROM), `''` for the null sender. */
  source: string;
  /** Every envelope recipient (RCPT TO). */
  destination: string[];
  /** The recipients the receipt rule matched. */
  recipients: string[];
  receivedAt: Date;
  verdicts: Verdicts;
  functionArn: string;
}

const formatted = (value: AddressObject | AddressObject[] | undefined): string[] | undefined => {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).flatMap((object) =>
    object.value.map(({ name, address = '' }) => {
      if (!name) return address;
      return /[",:;<>@()[\]\\]/.test(name)
        ? `"${name.replace(/(["\\])/g, '\\$1')}" <${address}>`
        : `${name} <${address}>`;
    }),
  );
};

/**
 * The event an SES receipt rule's Lambda action sends for one mail, built from the stored raw mail
 * the way SES builds it (`mail.headers`, `mail.commonHeaders`, `receipt` with its verdicts and
 * action), so the inbound-email handler reads it as it reads a real one.
 */
export const sesReceiptEventFor = async (mail: InboundMail) => {
  // As SES lists them: every field of the header block, unfolded, name and value as written.
  const headers = headerFieldsOf(mail.raw);
  const raw = (name: string): string | undefined =>
    headers.find((header) => header.name.toLowerCase() === name)?.value;
  const parsed = await simpleParser(mail.raw, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
  });
  const addressHeaders = {
    from: formatted(parsed.from),
    to: formatted(parsed.to),
    cc: formatted(parsed.cc),
    bcc: formatted(parsed.bcc),
    replyTo: formatted(parsed.replyTo),
  };
  const commonHeaders = {
    returnPath: mail.source,
    ...Object.fromEntries(Object.entries(addressHeaders).filter(([, value]) => value !== undefined)),
    ...(raw('date') ? { date: raw('date') } : {}),
    ...(raw('message-id') ? { messageId: raw('message-id') } : {}),
    ...(parsed.subject !== undefined ? { subject: parsed.subject } : {}),
  };
  const timestamp = mail.receivedAt.toISOString();
  return {
    Records: [
      {
        eventSource: 'aws:ses' as const,
        eventVersion: '1.0',
        ses: {
          mail: {
            timestamp,
            source: mail.source,
            messageId: mail.messageId,
            destination: mail.destination,
            headersTruncated: false,
            headers,
            commonHeaders,
          },
          receipt: {
            timestamp,
            processingTimeMillis: Math.max(0, Date.now() - mail.receivedAt.getTime()),
            recipients: mail.recipients,
            spamVerdict: { status: mail.verdicts.spam },
            virusVerdict: { status: mail.verdicts.virus },
            spfVerdict: { status: mail.verdicts.spf },
            dkimVerdict: { status: mail.verdicts.dkim },
            dmarcVerdict: { status: mail.verdicts.dmarc },
            action: { type: 'Lambda', functionArn: mail.functionArn, invocationType: 'Event' },
          },
        },
      },
    ],
  };
};

export type SesReceiptEventJson = Awaited<ReturnType<typeof sesReceiptEventFor>>;
