import { html, type SafeHtml } from '../api/html.ts';
import type { Page } from '../api/pages.ts';
import type { ThreadSummary } from '../core/ports.ts';
import { formatCount, formatUsd, threadLink, timeElement } from './format.ts';
import { scrollRegion, uiPage } from './layout.ts';
import { type StartFormState, startForm } from './start-form.ts';
import { statusBadge } from './status-badge.ts';

export interface ThreadsPageInput {
  threads: readonly ThreadSummary[];
  /** The cursor of the next (older) page, when there is one. */
  cursor?: string;
  agents: readonly string[];
  form?: StartFormState;
}

const row = (thread: ThreadSummary): SafeHtml => html`<tr>
<th scope="row">${threadLink(thread.threadId)}</th>
<td>${statusBadge(thread.status)}${thread.waitingFor ? html`<br><span class="muted">waiting for ${thread.waitingFor}</span>` : ''}</td>
<td>${thread.agent}</td>
<td>${timeElement(thread.updatedAt)}</td>
<td class="number">${formatCount(thread.lastSeq)}</td>
<td class="number">${formatCount(thread.inputTokens + thread.outputTokens)}</td>
<td class="number">${formatUsd(thread.costUsd)}</td>
</tr>`;

const table = (threads: readonly ThreadSummary[]): SafeHtml =>
  threads.length === 0
    ? html`<p>No threads yet: start one above, or run <code>npx threadline run "…"</code>.</p>`
    : scrollRegion(
        'Threads',
        html`<table>
<caption>Threads, most recently updated first</caption>
<thead><tr>
<th scope="col">Thread</th><th scope="col">Status</th><th scope="col">Agent</th><th scope="col">Last update</th>
<th scope="col" class="number">Events</th><th scope="col" class="number">Tokens</th><th scope="col" class="number">Estimated $</th>
</tr></thead>
<tbody>${threads.map(row)}</tbody>
</table>`,
      );

/** The home page: the form that starts a thread, then every thread, newest first. */
export const threadsPage = (input: ThreadsPageInput): Page =>
  uiPage(
    'Threads',
    html`${startForm(input.agents, input.form)}
<section aria-labelledby="threads-heading">
<h2 id="threads-heading">Threads</h2>
${table(input.threads)}
${input.cursor === undefined ? '' : html`<p><a href="/?cursor=${encodeURIComponent(input.cursor)}">Older threads</a></p>`}
</section>`,
  );
