import { html, type SafeHtml } from '../api/html.ts';
import type { Page } from '../api/pages.ts';
import type { DeadLetterView } from './deps.ts';
import { uiPage } from './layout.ts';

/** How much of each message the page shows: enough to tell which thread or mail it was. */
const BODY_CHARS = 600;

const queue = (view: DeadLetterView, index: number): SafeHtml => html`
<section aria-labelledby="dlq-${index}">
<h2 id="dlq-${index}">${view.name}: ${String(view.messages.length)} ${view.messages.length === 1 ? 'message' : 'messages'}</h2>
${
  view.messages.length === 0
    ? html`<p>Empty: nothing failed here.</p>`
    : html`<ol>${view.messages.map(
        (message) =>
          html`<li><p>Message <code>${message.id}</code></p><pre>${message.body.length > BODY_CHARS ? `${message.body.slice(0, BODY_CHARS)}…` : message.body}</pre></li>`,
      )}</ol>`
}
</section>`;

/**
 * The local stack's dead-letter queues, as on AWS: ingress messages that failed five times, and
 * events an asynchronously invoked function failed three times. Redriving sends each back.
 */
export const deadLettersPage = (views: readonly DeadLetterView[], redriven?: string): Page =>
  uiPage(
    'Dead letters',
    html`<p>What failed too often to go on by itself. Fix the cause (the function's log says it), then redrive: each message goes back where it failed, and a thread takes it once.</p>
${redriven === undefined ? '' : html`<p role="status">${redriven}</p>`}
${views.map(queue)}
<form method="post" action="/ui/dead-letters/redrive"><button type="submit">Redrive all</button></form>`,
  );
