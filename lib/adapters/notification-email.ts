import type { Notification } from './notifier.ts';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  /** The request a reply answers, if any: for the `X-Threadline-Request` header. */
  requestId?: string;
}

export interface RenderOptions {
  /** Replies reach threadline (an inbound domain is set): an approval mail says how to decide by reply. */
  repliesDecide?: boolean;
}

/** The email for a notification: a text and an HTML part saying the same. Never a task token. */
export const renderNotification = (
  notification: Notification,
  options: RenderOptions = {},
): RenderedEmail => {
  const thread = `Thread ${notification.threadId}`;
  switch (notification.kind) {
    case 'approval-requested': {
      const args = JSON.stringify(notification.args, null, 2);
      const until = notification.expiresAt ? ` The link works until ${notification.expiresAt}.` : '';
      const fallback = notification.fallback
        ? 'Nobody decided this in time, so it comes to you as a fallback approver.'
        : '';
      const reply = options.repliesDecide
        ? 'Or reply to this email with "approve", or "reject: <your reason>", as its first line.'
        : '';
      return {
        // Replies keep the subject, so the reference comes back with a reply that decides.
        subject: `${notification.fallback ? 'Approval overdue' : 'Approval needed'}: ${notification.tool}${notification.reference === undefined ? '' : ` [ref ${notification.reference}]`}`,
        requestId: notification.approvalId,
        text: `${fallback ? `${fallback}\n\n` : ''}${thread} asks to run ${notification.tool} with:\n\n${args}\n\nApprove, reject or edit it here:\n${notification.link}\n${until.trim()}\n${reply ? `\n${reply}\n` : ''}`,
        html: page(
          (fallback ? `<p><strong>${escapeHtml(fallback)}</strong></p>` : '') +
            `<p>${escapeHtml(thread)} asks to run <strong>${escapeHtml(notification.tool)}</strong> with:</p>` +
            `<pre>${escapeHtml(args)}</pre>` +
            `<p><a href="${escapeHtml(notification.link)}">Approve, reject or edit it</a>.${escapeHtml(until)}</p>` +
            (reply ? `<p>${escapeHtml(reply)}</p>` : ''),
        ),
      };
    }
    case 'question':
      return {
        subject: 'A question from your agent',
        requestId: notification.requestId,
        text: `${thread} asks:\n\n${notification.question}\n\nReply to this email to answer.\n`,
        html: page(
          `<p>${escapeHtml(thread)} asks:</p><blockquote>${escapeHtml(notification.question)}</blockquote><p>Reply to this email to answer.</p>`,
        ),
      };
    case 'done':
      return {
        subject: 'Your agent is done',
        text: `${thread} is done:\n\n${notification.message}\n`,
        html: page(
          `<p>${escapeHtml(thread)} is done:</p><blockquote>${escapeHtml(notification.message)}</blockquote>`,
        ),
      };
    case 'escalation':
      return {
        subject: `Your agent needs help (${notification.reason})`,
        ...(notification.requestId ? { requestId: notification.requestId } : {}),
        text: `${thread} stopped and needs a person: ${notification.detail}\n\nReply to this email to tell it how to go on.\n`,
        html: page(
          `<p>${escapeHtml(thread)} stopped and needs a person: ${escapeHtml(notification.detail)}</p><p>Reply to this email to tell it how to go on.</p>`,
        ),
      };
    case 'failure':
      return {
        subject: 'Your agent failed',
        text: `${thread} failed: ${notification.error}\n`,
        html: page(`<p>${escapeHtml(thread)} failed: ${escapeHtml(notification.error)}</p>`),
      };
  }
};

const page = (body: string): string =>
  `<!doctype html><html><body style="font-family: sans-serif">${body}</body></html>`;

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
