import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import MailComposer from 'nodemailer/lib/mail-composer';
import * as z from 'zod';
import { closeServer, listenLocally } from './listen-locally.ts';
import { type OutboxMail, SesOutbox } from './ses-outbox.ts';

export interface LocalSes {
  endpoint: string;
  outbox: SesOutbox;
  /** The outbox's mails, oldest first. */
  listOutbox(): Promise<OutboxMail[]>;
  close(): Promise<void>;
}

const Content = z.object({ Data: z.string(), Charset: z.string().optional() });
const Addresses = z.array(z.string().min(3)).max(50);

const SendEmailSchema = z.object({
  FromEmailAddress: z.string().min(3).optional(),
  Destination: z
    .object({
      ToAddresses: Addresses.optional(),
      CcAddresses: Addresses.optional(),
      BccAddresses: Addresses.optional(),
    })
    .optional(),
  ReplyToAddresses: Addresses.optional(),
  Content: z.object({
    Simple: z
      .object({
        Subject: Content,
        Body: z.object({ Text: Content.optional(), Html: Content.optional() }),
        Headers: z
          .array(z.object({ Name: z.string().min(1), Value: z.string() }))
          .max(15)
          .optional(),
      })
      .optional(),
    /** The whole MIME message, base64 on the wire. */
    Raw: z.object({ Data: z.base64() }).optional(),
    Template: z.unknown().optional(),
  }),
});
type SendEmailRequest = z.infer<typeof SendEmailSchema>;

class SesErrorReply extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_REQUEST_BYTES = 40 * 1024 * 1024;

/** An id shaped like the ones SES returns: `0100` + the time in hex, a UUID, `-000000`. */
const sesMessageId = (at: Date): string =>
  `0100${at.getTime().toString(16).padStart(12, '0')}-${randomUUID()}-000000`;

/**
 * SES v2 SendEmail on one machine (REST-JSON `POST /v2/email/outbound-emails`): each mail is written
 * to the outbox as an `.eml` file instead of being sent. Simple content becomes multipart/alternative
 * with the text and HTML parts, the custom headers and an SES-style Message-ID (SES replaces any
 * Message-ID with its own); Raw content is written as given. Templates are not rendered locally.
 */
export const startLocalSes = async (options: {
  outboxDirectory: string;
  port?: number;
  now?: () => Date;
}): Promise<LocalSes> => {
  const outbox = new SesOutbox(options.outboxDirectory);
  const now = options.now ?? (() => new Date());
  const server = createServer((request, response) => {
    handle(request, outbox, now)
      .then((result) => reply(response, 200, result))
      .catch((error: unknown) => {
        const failure =
          error instanceof SesErrorReply
            ? error
            : new SesErrorReply(
                500,
                'InternalFailure',
                error instanceof Error ? error.message : String(error),
              );
        reply(response, failure.status, { message: failure.message }, failure.type);
      });
  });
  const endpoint = await listenLocally(server, options.port);
  return { endpoint, outbox, listOutbox: () => outbox.list(), close: () => closeServer(server) };
};

const reply = (response: ServerResponse, status: number, body: unknown, errorType?: string): void => {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
};

const handle = async (request: IncomingMessage, outbox: SesOutbox, now: () => Date): Promise<unknown> => {
  const path = (request.url ?? '').split('?')[0];
  if (request.method !== 'POST' || path !== '/v2/email/outbound-emails')
    throw new SesErrorReply(
      404,
      'UnknownOperationException',
      `the local SES has no ${request.method} ${path}`,
    );
  const parsed = SendEmailSchema.safeParse(await readJson(request));
  if (!parsed.success) throw new SesErrorReply(400, 'BadRequestException', z.prettifyError(parsed.error));
  const sentAt = now();
  const messageId = sesMessageId(sentAt);
  await outbox.write(messageId, await compose(parsed.data, messageId, sentAt), sentAt);
  return { MessageId: messageId };
};

const compose = async (request: SendEmailRequest, messageId: string, sentAt: Date): Promise<Buffer> => {
  const { Simple, Raw, Template } = request.Content;
  if ([Simple, Raw, Template].filter((content) => content !== undefined).length !== 1)
    throw new SesErrorReply(
      400,
      'BadRequestException',
      'Content needs exactly one of Simple, Raw or Template',
    );
  if (Template !== undefined)
    throw new SesErrorReply(400, 'BadRequestException', 'the local SES does not render templates');
  if (Raw) return Buffer.from(Raw.Data, 'base64');
  if (!Simple) throw new SesErrorReply(400, 'BadRequestException', 'no content');
  const { Destination: to } = request;
  if (!request.FromEmailAddress)
    throw new SesErrorReply(400, 'BadRequestException', 'FromEmailAddress is required for Simple content');
  if ((to?.ToAddresses?.length ?? 0) + (to?.CcAddresses?.length ?? 0) + (to?.BccAddresses?.length ?? 0) === 0)
    throw new SesErrorReply(400, 'BadRequestException', 'Destination needs at least one address');
  const node = new MailComposer({
    from: request.FromEmailAddress,
    to: to?.ToAddresses,
    cc: to?.CcAddresses,
    bcc: to?.BccAddresses,
    replyTo: request.ReplyToAddresses,
    subject: Simple.Subject.Data,
    text: Simple.Body.Text?.Data,
    html: Simple.Body.Html?.Data,
    headers: (Simple.Headers ?? []).map((header) => ({ key: header.Name, value: header.Value })),
    messageId: `<${messageId}@email.amazonses.com>`,
    date: sentAt,
    disableFileAccess: true,
    disableUrlAccess: true,
  }).compile();
  // The outbox shows every recipient: nothing is delivered, so Bcc stays visible.
  node.keepBcc = true;
  return node.build();
};

const readJson = async (request: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_REQUEST_BYTES)
      throw new SesErrorReply(400, 'BadRequestException', 'the request is too large');
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new SesErrorReply(400, 'BadRequestException', 'the request body is not JSON');
  }
};
