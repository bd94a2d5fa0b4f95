import { html, type SafeHtml } from '../api/html.ts';
import type { Event, EventOf } from '../core/events.ts';
import type { JsonValue } from '../core/json.ts';
import { OUTSIDE_CONTENT_NOTE } from '../core/rule-of-two.ts';
import { DONE_FOR_NOW, REQUEST_HUMAN_INPUT } from '../core/thread-state.ts';
import { renderYaml } from '../core/yaml.ts';
import { formatCount, formatUsd, threadLink } from './format.ts';

/**
 * A value as the CLI and the model see it: short YAML, with keys that name secrets redacted.
 * Text stays text, line breaks and all.
 */
const valueBlock = (value: JsonValue): SafeHtml =>
  html`<pre>${typeof value === 'string' ? value : renderYaml(value)}</pre>`;

const by = (who: string | undefined): string => (who ? ` by ${who}` : '');

const origin = (data: { from?: string; channel: string; untrusted: boolean }): string =>
  `${data.from ? ` from ${data.from}` : ''} via ${data.channel}${data.untrusted ? ' (outside text, read as data)' : ''}`;

const modelStep = (event: EventOf<'model-step'>): SafeHtml => {
  const { tool, args, usage, costUsd, model } = event.data;
  const chose =
    tool === ''
      ? html`Wrote text instead of choosing a tool:`
      : tool === REQUEST_HUMAN_INPUT
        ? html`Asks a person (<strong>${tool}</strong>):`
        : tool === DONE_FOR_NOW
          ? html`Ends the turn (<strong>${tool}</strong>):`
          : html`Chose <strong>${tool}</strong> with:`;
  return html`<p>${chose}</p>${valueBlock(args)}
<p class="muted">${formatCount(usage.inputTokens)} in${usage.cachedInputTokens ? ` (${formatCount(usage.cachedInputTokens)} cached)` : ''} / ${formatCount(usage.outputTokens)} out tokens · ${formatUsd(costUsd)} · model ${model}</p>`;
};

const approvalDecision = (event: EventOf<'approval-decision'>): SafeHtml => {
  const data = event.data;
  switch (data.decision) {
    case 'approve':
      return html`<p>Approved${by(data.by)}.</p>`;
    case 'reject':
      return html`<p>Rejected${by(data.by)}, with feedback:</p><blockquote>${data.feedback}</blockquote>`;
    case 'edit':
      return html`<p>Approved${by(data.by)} with edited arguments:</p>${valueBlock(data.args)}`;
    case 'expired':
      return html`<p class="error-text">The approval expired: nobody decided in time.</p>`;
  }
};

/**
 * What one event says, for a person: tool calls with their arguments, results, errors, decisions
 * and who made them. Internal ids (event, call, approval and request ids) are never shown: they
 * name things only the signed approval pages may act on.
 */
export const eventBody = (event: Event, options: { waiting: boolean }): SafeHtml => {
  const waiting = options.waiting ? html` <strong>Waiting for a person.</strong>` : '';
  switch (event.type) {
    case 'user-message': {
      const subject = event.data.subject ? html` (subject: ${event.data.subject})` : '';
      return html`<p>Message${origin(event.data)}${subject}:</p><blockquote>${event.data.text}</blockquote>`;
    }
    case 'model-step':
      return modelStep(event);
    case 'tool-result':
      return html`<p><strong>${event.data.tool}</strong>${event.data.prefetch ? ' (prefetched before the first model step)' : ''} returned${event.data.untrusted ? ' outside content' : ''}:</p>${valueBlock(event.data.result)}`;
    case 'tool-error':
      return html`<p class="error-text">Error from ${event.data.tool || 'the reply'}: ${event.data.message}</p>`;
    case 'approval-request':
      return html`<p>Asks for approval to run <strong>${event.data.tool}</strong> with:${waiting}</p>${valueBlock(event.data.args)}${
        event.data.reason?.kind === 'outside-content'
          ? html`<p class="muted">${OUTSIDE_CONTENT_NOTE} (${event.data.reason.source}).</p>`
          : ''
      }`;
    case 'approval-decision':
      return approvalDecision(event);
    case 'human-input-request':
      return html`<p>The agent asks:${waiting}</p><blockquote>${event.data.question}</blockquote>`;
    case 'human-input-response':
      return html`<p>Answer${origin(event.data)}:</p><blockquote>${event.data.text}</blockquote>`;
    case 'agent-done':
      return html`<p>Done:</p><blockquote>${event.data.message}</blockquote>`;
    case 'escalation':
      return html`<p class="error-text">Escalated to a person (${event.data.reason}): ${event.data.detail}</p>`;
    case 'failure':
      return html`<p class="error-text">Failed: ${event.data.error}</p>`;
    case 'paused':
    case 'cancelled':
      return html`<p>${event.type === 'paused' ? 'Paused' : 'Cancelled'}${by(event.data.by)}${event.data.reason ? `: ${event.data.reason}` : '.'}</p>`;
    case 'resumed':
      return html`<p>Resumed${by(event.data.by)}.</p>`;
    case 'child-thread-started':
      return html`<p>Handed a task to the <strong>${event.data.agent}</strong> agent in thread ${threadLink(event.data.childThreadId)}:</p><blockquote>${event.data.task}</blockquote>`;
    case 'child-thread-done':
      return html`<p${event.data.outcome === 'done' ? '' : html` class="error-text"`}>Thread ${threadLink(event.data.childThreadId)} ended (${event.data.outcome}):</p><blockquote>${event.data.message}</blockquote>`;
  }
};

/** Events a person should notice first: they are drawn in red. */
export const isErrorEvent = (event: Event): boolean =>
  event.type === 'tool-error' ||
  event.type === 'failure' ||
  event.type === 'escalation' ||
  (event.type === 'approval-decision' && event.data.decision === 'expired') ||
  (event.type === 'child-thread-done' && event.data.outcome !== 'done');
