import { html, type SafeHtml } from '../api/html.ts';
import type { Page } from '../api/pages.ts';
import type { OutboxMessage } from './deps.ts';
import { formatTime } from './format.ts';
import { uiPage } from './layout.ts';

/** Only web links become anchors: a `javascript:` or `data:` link in a mail stays text. */
const isWebLink = (link: string): boolean => {
  try {
    const { protocol } = new URL(link);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
};

/** Newest first by date; a date that cannot be read sorts last, and equal dates keep their order. */
export const newestFirst = (messages: readonly OutboxMessage[]): OutboxMessage[] => {
  const timeOf = (message: OutboxMessage): number => {
    const time = Date.parse(message.date);
    return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
  };
  return messages.toSorted((left, right) => {
    const difference = timeOf(right) - timeOf(left);
    return Number.isNaN(difference) ? 0 : difference;
  });
};

const linkItem = (link: string, approvalsBase: string | undefined): SafeHtml => {
  if (!isWebLink(link)) return html`<li>${link}</li>`;
  const isApproval = approvalsBase !== undefined && approvalsBase !== '' && link.startsWith(approvalsBase);
  return isApproval
    ? html`<li><strong>Approval page:</strong> <a href="${link}" rel="noreferrer">${link}</a></li>`
    : html`<li><a href="${link}" rel="noreferrer">${link}</a></li>`;
};

const mail = (message: OutboxMessage, index: number, approvalsBase: string | undefined): SafeHtml => html`
<article aria-labelledby="mail-${index}">
<h2 id="mail-${index}">${message.subject || '(no subject)'}</h2>
<dl>
<dt>Date</dt><dd><time datetime="${message.date}">${formatTime(message.date)}</time></dd>
<dt>From</dt><dd>${message.from}</dd>
<dt>To</dt><dd>${message.to.join(', ')}</dd>
</dl>
<pre>${message.text}</pre>
${
  message.links.length === 0
    ? ''
    : html`<h3 id="mail-${index}-links">Links</h3><ul aria-labelledby="mail-${index}-links">${message.links.map((link) => linkItem(link, approvalsBase))}</ul>`
}
<p class="muted">Saved as ${message.file}</p>
</article>`;

/** The local stack's sent mail, newest first: approval requests, questions, escalations, reports. */
export const outboxPage = (messages: readonly OutboxMessage[], approvalsBase?: string): Page =>
  uiPage(
    'Outbox',
    messages.length === 0
      ? html`<p>No mail has been sent yet. Mail appears here when an agent needs a person.</p>`
      : html`<p>Mail the local stack sent, newest first. Approval links open the page where a person decides.</p>
${newestFirst(messages).map((message, index) => mail(message, index, approvalsBase))}`,
  );
