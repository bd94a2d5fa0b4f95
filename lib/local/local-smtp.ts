import { randomBytes } from 'node:crypto';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { domainOfAddress, isSameAddress, normalizeAddress } from '../core/email-address.ts';
import { type SesReceiptEventJson, sesReceiptEventFor, type Verdicts } from './ses-inbound-event.ts';

export interface LocalSmtpOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Where the receipt rule's S3 action writes: the local S3's store fits. */
  store: { put(bucket: string, key: string, body: Buffer): Promise<unknown> };
  bucket: string;
  /** The S3 action's object key prefix. */
  prefix?: string;
  /** The receipt rule's recipients, addresses or domains; any recipient when left out. */
  recipients?: readonly string[];
  /** The inbound-email function's code, called as the Lambda action calls it (asynchronously). */
  invoke: (event: SesReceiptEventJson) => Promise<unknown>;
  functionArn?: string;
  /**
   * Nothing is checked locally, so every verdict is `GRAY` (SES could not tell) and a reply can not
   * approve by mail. `true` marks them all `PASS`, for demos and tests of approval by mail.
   */
  trustLocalMail?: boolean;
  /** Single verdicts to set, over the above: e.g. `{ spam: 'FAIL' }` to see spam dropped. */
  verdicts?: Partial<Verdicts>;
  /** Told when storing or the function fails; by default written to stderr. */
  onError?: (error: unknown) => void;
}

export interface LocalSmtp {
  host: string;
  port: number;
  /** Resolves when every accepted mail's function call has settled. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** SES's limit for received mail. */
const MAX_MAIL_BYTES = 40 * 1024 * 1024;

const smtpError = (responseCode: number, message: string): Error =>
  Object.assign(new Error(message), { responseCode });

/** An id shaped like SES's receipt ids: 40 lower-case letters and digits. */
const sesReceiptId = (): string =>
  [...randomBytes(40)].map((byte) => 'abcdefghijklmnopqrstuvwxyz0123456789'[byte % 36]).join('');

const matches = (address: string, recipients: readonly string[] | undefined): boolean => {
  if (!recipients || recipients.length === 0) return true;
  const domain = domainOfAddress(address);
  return recipients.some((entry) => {
    const rule = normalizeAddress(entry);
    return rule.includes('@')
      ? isSameAddress(rule, address)
      : rule === domain || (rule.startsWith('.') && domain.endsWith(rule));
  });
};

/**
 * SES inbound mail on one machine: an SMTP server on 127.0.0.1 that does what the receipt rule
 * does for each mail: store the raw mail (with the headers SES adds) in S3 under
 * `<prefix><messageId>`, then invoke the inbound-email function with an SES receipt event. Mail to
 * a recipient outside the rule is refused at RCPT TO with 550, as SES refuses it. STARTTLS and AUTH
 * are off: nothing leaves this machine.
 */
export const startLocalSmtp = async (options: LocalSmtpOptions): Promise<LocalSmtp> => {
  const pending = new Set<Promise<unknown>>();
  const report = options.onError ?? ((error: unknown) => console.error('[smtp]', error));
  const trusted = options.trustLocalMail ? 'PASS' : 'GRAY';
  const verdicts: Verdicts = {
    spam: trusted,
    virus: trusted,
    spf: trusted,
    dkim: trusted,
    dmarc: trusted,
    ...options.verdicts,
  };

  const accept = async (data: Buffer, session: SMTPServerSession): Promise<string> => {
    const messageId = sesReceiptId();
    const receivedAt = new Date();
    const source = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const destination = session.envelope.rcptTo.map((recipient) => recipient.address);
    const added = [
      `Return-Path: <${source}>`,
      `Received: from ${session.clientHostname} (${session.clientHostname} [${session.remoteAddress}]) by threadline-local with SMTP id ${messageId} for ${destination[0] ?? ''}; ${receivedAt.toUTCString().replace('GMT', '+0000')}`,
      `X-SES-Spam-Verdict: ${verdicts.spam}`,
      `X-SES-Virus-Verdict: ${verdicts.virus}`,
    ].join('\r\n');
    const raw = Buffer.concat([Buffer.from(`${added}\r\n`, 'utf8'), data]);
    await options.store.put(options.bucket, `${options.prefix ?? 'mail/'}${messageId}`, raw);
    const event = await sesReceiptEventFor({
      messageId,
      raw,
      source,
      destination,
      recipients: destination.filter((address) => matches(address, options.recipients)),
      receivedAt,
      verdicts,
      functionArn: options.functionArn ?? 'arn:aws:lambda:local:000000000000:function:inbound-email',
    });
    const call = options.invoke(event).catch(report);
    pending.add(call);
    void call.finally(() => pending.delete(call));
    return messageId;
  };

  const server = new SMTPServer({
    banner: 'threadline local inbound mail (SES stand-in)',
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    size: MAX_MAIL_BYTES,
    logger: false,
    // On close, a client that keeps its connection open is cut off after this long.
    closeTimeout: 1000,
    onRcptTo(address, _session, callback) {
      if (matches(address.address, options.recipients)) callback();
      else callback(smtpError(550, `5.1.1 ${address.address}: the receipt rule does not receive for it`));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error: Error) => callback(error));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError(552, '5.3.4 the mail is larger than SES accepts (40 MB)'));
          return;
        }
        accept(Buffer.concat(chunks), session).then(
          (messageId) => callback(null, `Ok ${messageId}`),
          (error: unknown) => {
            report(error);
            callback(smtpError(451, '4.3.0 the mail could not be stored; try again'));
          },
        );
      });
    },
  });
  server.on('error', report);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the SMTP server did not listen on a TCP port');

  const idle = async (): Promise<void> => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };
  return {
    host: '127.0.0.1',
    port: address.port,
    idle,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await idle();
    },
  };
};
