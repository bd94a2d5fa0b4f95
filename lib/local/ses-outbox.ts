import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AddressObject, simpleParser } from 'mailparser';

/** What the UI and tests read from a mail in the outbox. */
export interface OutboxMail {
  /** The SES message id SendEmail returned. */
  messageId: string;
  file: string;
  /** The mail's own Message-ID header. */
  headerMessageId?: string;
  date?: Date;
  from?: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject?: string;
  text?: string;
  html?: string;
  /** Every header by lower-case name, as written (unfolded); a repeated header keeps its last value. */
  headers: Record<string, string>;
}

const FILE_NAME = /^(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)-(.+)\.eml$/;

const addresses = (value: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((object) =>
    object.value.flatMap((address) => (address.address ? [address.address] : [])),
  );

/**
 * Sent mail on disk: one RFC 5322 `.eml` file per message, named `<time>-<SES message id>.eml` so
 * a directory listing is in sending order and any mail program opens them.
 */
export class SesOutbox {
  constructor(readonly directory: string) {}

  async write(messageId: string, raw: Buffer, sentAt: Date): Promise<string> {
    await mkdir(this.directory, { recursive: true });
    const file = join(this.directory, `${sentAt.toISOString().replace(/[:.]/g, '-')}-${messageId}.eml`);
    await writeFile(file, raw);
    return file;
  }

  /** Every mail in the outbox, oldest first. */
  async list(): Promise<OutboxMail[]> {
    const names = await readdir(this.directory).catch((error: unknown) => {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
      throw error;
    });
    const mails: OutboxMail[] = [];
    for (const name of names.filter((candidate) => FILE_NAME.test(candidate)).sort()) {
      mails.push(await this.read(name));
    }
    return mails;
  }

  private async read(name: string): Promise<OutboxMail> {
    const file = join(this.directory, name);
    const parsed = await simpleParser(await readFile(file), { skipImageLinks: true, skipTextToHtml: true });
    const headers: Record<string, string> = {};
    for (const { key, line } of parsed.headerLines) {
      headers[key] = line
        .slice(line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim();
    }
    return {
      messageId: FILE_NAME.exec(name)?.[2] ?? name,
      file,
      ...(parsed.messageId ? { headerMessageId: parsed.messageId } : {}),
      ...(parsed.date ? { date: parsed.date } : {}),
      ...(parsed.from?.value[0]?.address ? { from: parsed.from.value[0].address } : {}),
      to: addresses(parsed.to),
      cc: addresses(parsed.cc),
      bcc: addresses(parsed.bcc),
      replyTo: addresses(parsed.replyTo),
      ...(parsed.subject ? { subject: parsed.subject } : {}),
      ...(parsed.text ? { text: parsed.text } : {}),
      ...(typeof parsed.html === 'string' ? { html: parsed.html } : {}),
      headers,
    };
  }
}
