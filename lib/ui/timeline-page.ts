import { html, type SafeHtml } from '../api/html.ts';
import type { Page } from '../api/pages.ts';
import { threadView } from '../api/thread-read.ts';
import type { Event, Thread } from '../core/events.ts';
import type { ThreadSummary } from '../core/ports.ts';
import { deriveThreadState, type ThreadState } from '../core/thread-state.ts';
import { costSection } from './cost-section.ts';
import { eventBody, isErrorEvent } from './event-body.ts';
import { formatCount, formatUsd, modelSteps, threadHref, threadLink, timeElement } from './format.ts';
import { uiPage } from './layout.ts';
import { statusBadge } from './status-badge.ts';
import { stepCostsOf } from './step-costs.ts';

const OUTBOX_HINT = html`The link to decide was mailed: open it from the <a href="/ui/outbox">outbox</a>.`;

/** Where the thread waits, said without the ids of what it waits on: those live in the mail's signed link. */
const waitingNotice = (summary: ThreadSummary, state: ThreadState): SafeHtml => {
  const notice = (text: SafeHtml) => html`<p class="notice" role="status">${text}</p>`;
  if (state.pendingChild) {
    return notice(
      html`Waiting for the ${state.pendingChild.agent} agent in thread ${threadLink(state.pendingChild.childThreadId)}.`,
    );
  }
  if (summary.status === 'escalated' && state.escalation) {
    const { reason, detail } = state.escalation;
    return notice(html`Escalated to a person (${reason}): ${detail}. ${OUTBOX_HINT}`);
  }
  if (summary.status === 'paused') return notice(html`Paused: it takes no step until it is resumed.`);
  if (summary.waitingFor) return notice(html`Waiting for ${summary.waitingFor}. ${OUTBOX_HINT}`);
  return html``;
};

const overview = (thread: Thread, summary: ThreadSummary, stepCount: number): SafeHtml => html`<dl>
<dt>Status</dt><dd>${statusBadge(summary.status)}</dd>
<dt>Agent</dt><dd>${summary.agent}</dd>
${thread.parent ? html`<dt>Forked from</dt><dd><a href="${threadHref(thread.parent.threadId)}#seq-${thread.parent.atSeq}">${thread.parent.threadId}</a> at event #${thread.parent.atSeq}</dd>` : ''}
<dt>Started</dt><dd>${summary.createdAt ? timeElement(summary.createdAt) : 'no events yet'}</dd>
<dt>Last update</dt><dd>${summary.updatedAt ? timeElement(summary.updatedAt) : 'no events yet'}</dd>
<dt>Events</dt><dd>${formatCount(thread.events.length)}, of which ${modelSteps(stepCount)}</dd>
<dt>Tokens</dt><dd>${formatCount(summary.inputTokens)} in / ${formatCount(summary.outputTokens)} out</dd>
<dt>Estimated cost</dt><dd>${formatUsd(summary.costUsd)}</dd>
</dl>`;

const eventItem = (event: Event, state: ThreadState): SafeHtml => {
  const waiting = state.pendingApproval?.seq === event.seq || state.pendingQuestion?.seq === event.seq;
  return html`<li id="seq-${event.seq}"${isErrorEvent(event) ? html` class="error"` : ''}>
<div class="event-head">#${event.seq} · ${timeElement(event.at)} · <span class="type">${event.type}</span></div>
${eventBody(event, { waiting })}
</li>`;
};

const refreshNote = (threadId: string, refreshSeconds: number | undefined): SafeHtml =>
  refreshSeconds === undefined
    ? html``
    : html`<p class="muted">This page reloads every ${refreshSeconds} s while the thread moves.
<a href="${threadHref(threadId)}?refresh=off">Stop reloading</a>.</p>`;

/**
 * A thread's timeline: what it is doing and waiting for, the picture of its steps and their cost,
 * then every event in order.
 */
export const timelinePage = (thread: Thread, options: { refreshSeconds?: number } = {}): Page => {
  const summary: ThreadSummary = threadView(thread);
  const state = deriveThreadState(thread.events);
  const steps = stepCostsOf(thread.events);
  return uiPage(
    `Thread ${thread.id}`,
    html`${refreshNote(thread.id, options.refreshSeconds)}
${waitingNotice(summary, state)}
${overview(thread, summary, steps.length)}
${costSection(steps)}
<section aria-labelledby="events-heading">
<h2 id="events-heading">Events</h2>
${thread.events.length === 0 ? html`<p>No events yet.</p>` : html`<ol class="events">${thread.events.map((event) => eventItem(event, state))}</ol>`}
</section>`,
  );
};

/** A thread that moves on by itself is worth reloading; one that waits for a person, less often. */
export const refreshSecondsOf = (thread: Thread): number | undefined => {
  const status = deriveThreadState(thread.events).status;
  if (status === 'running') return 2;
  if (status === 'awaiting-approval' || status === 'awaiting-human') return 5;
  return undefined;
};
