import type { OutboxMessage } from '../ui/deps.ts';
import type { OutboxMail } from './ses-outbox.ts';

const LINK = /https?:\/\/[^\s<>"')]+/g;

/** The outbox's mails as the UI lists them: newest first, with the links each one holds. */
export const outboxMessagesOf = (mails: readonly OutboxMail[]): OutboxMessage[] =>
  [...mails].reverse().map((mail) => ({
    id: mail.messageId,
    file: mail.file,
    date: mail.date?.toISOString() ?? '',
    from: mail.from ?? '',
    to: mail.to,
    subject: mail.subject ?? '(no subject)',
    text: mail.text ?? '',
    links: [...new Set((mail.text ?? '').match(LINK) ?? [])],
  }));
