import type { LinkDecision } from '../adapters/approval-links.ts';
import { OUTSIDE_CONTENT_NOTE } from '../core/rule-of-two.ts';
import type { WaitView } from './approval-view.ts';
import { html, type SafeHtml } from './html.ts';
import type { Page } from './pages.ts';

/** What every form on the page needs: where it posts (the same link) and the link's CSRF token. */
export interface FormContext {
  /** A relative URL, `?a=…&d=…&e=…&s=…`: it posts to this same path behind any stage or proxy prefix. */
  action: string;
  csrf: string;
  /** The decision the link allows: its form alone, or all of them for `any`. */
  allowed: LinkDecision;
  approver: string;
  /** Epoch seconds. */
  expiresAt: number;
}

/** What the person sent last time, shown again beside the reason it was refused. */
export interface Refusal {
  message: string;
  feedback?: string;
  args?: string;
  text?: string;
}

const hidden = (form: FormContext, decision: string): SafeHtml =>
  html`<input type="hidden" name="csrf" value="${form.csrf}"><input type="hidden" name="decision" value="${decision}">`;

const expiryText = (epochSeconds: number): string =>
  `${new Date(epochSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const alert = (refusal: Refusal | undefined): SafeHtml =>
  refusal ? html`<p class="alert" role="alert">${refusal.message}</p>` : html``;

const contextSection = (view: WaitView): SafeHtml => html`
<section aria-labelledby="context-heading">
<h2 id="context-heading">Context</h2>
<h3>Original request</h3>
${view.request === undefined ? html`<p class="muted">No message started this thread.</p>` : html`<blockquote>${view.request}</blockquote>`}
<h3>Recent events</h3>
${view.recent.length === 0 ? html`<p class="muted">None.</p>` : html`<ol>${view.recent.map((line) => html`<li class="event">${line}</li>`)}</ol>`}
<p class="muted">Thread ${view.threadId}, agent ${view.agent}.</p>
</section>`;

const approvalForms = (
  view: Extract<WaitView, { kind: 'approval' }>,
  form: FormContext,
  refusal?: Refusal,
): SafeHtml => {
  const shows = (decision: LinkDecision) => form.allowed === 'any' || form.allowed === decision;
  return html`
<section aria-labelledby="decide-heading">
<h2 id="decide-heading">Your decision</h2>
${
  shows('approve')
    ? html`<form method="post" action="${form.action}" aria-labelledby="approve-heading">
<h3 id="approve-heading">Approve</h3>
<p>Run ${view.tool} with the arguments above.</p>
${hidden(form, 'approve')}<button type="submit">Approve</button>
</form>`
    : ''
}
${
  shows('reject')
    ? html`<form method="post" action="${form.action}" aria-labelledby="reject-heading">
<h3 id="reject-heading">Reject</h3>
<label for="feedback">Feedback for the agent</label>
<textarea id="feedback" name="feedback" required aria-describedby="feedback-hint">${refusal?.feedback ?? ''}</textarea>
<p id="feedback-hint" class="muted">The agent reads this and revises what it proposes.</p>
${hidden(form, 'reject')}<button type="submit">Reject with feedback</button>
</form>`
    : ''
}
${
  shows('edit')
    ? html`<form method="post" action="${form.action}" aria-labelledby="edit-heading">
<h3 id="edit-heading">Edit the arguments</h3>
<label for="args">Arguments as JSON</label>
<textarea id="args" name="args" required spellcheck="false" autocapitalize="off" aria-describedby="args-hint">${refusal?.args ?? JSON.stringify(view.args, null, 2)}</textarea>
<p id="args-hint" class="muted">They are checked against the tool's schema, then the tool runs with them.</p>
${hidden(form, 'edit')}<button type="submit">Approve with these arguments</button>
</form>`
    : ''
}
</section>`;
};

const approvalPage = (
  view: Extract<WaitView, { kind: 'approval' }>,
  form: FormContext,
  refusal?: Refusal,
): Page => ({
  title: `Approve ${view.tool}?`,
  body: html`<p>The ${view.agent} agent wants to run <strong>${view.tool}</strong> and needs a person to decide.
This link is for ${form.approver} and works until ${expiryText(form.expiresAt)}.</p>
${view.outsideContent ? html`<p class="notice">${OUTSIDE_CONTENT_NOTE}: ${view.outsideContent}. This tool is not gated by itself; the rule of two asks a person once a thread has read content from outside.</p>` : ''}
${alert(refusal)}
<section aria-labelledby="action-heading">
<h2 id="action-heading">Proposed action</h2>
<dl>
<dt>Tool</dt><dd>${view.tool}</dd>
${Object.entries(view.args).map(([name, value]) => html`<dt>${name}</dt><dd>${JSON.stringify(value, null, 2)}</dd>`)}
</dl>
</section>
${contextSection(view)}
${approvalForms(view, form, refusal)}`,
});

type AnswerView = Extract<WaitView, { kind: 'question' | 'escalation' }>;

/** A question from the agent, or an escalation it needs help with: both take a written answer. */
const answerPage = (view: AnswerView, form: FormContext, refusal?: Refusal): Page => {
  const asked =
    view.kind === 'question'
      ? { title: `The ${view.agent} agent has a question`, heading: 'Question', text: view.question }
      : {
          title: `The ${view.agent} agent needs help`,
          heading: 'What happened',
          text: `${view.detail} (${view.reason})`,
        };
  return {
    title: asked.title,
    body: html`<p>This link is for ${form.approver} and works until ${expiryText(form.expiresAt)}.</p>
${alert(refusal)}
<section aria-labelledby="question-heading">
<h2 id="question-heading">${asked.heading}</h2>
<blockquote>${asked.text}</blockquote>
</section>
${contextSection(view)}
<section aria-labelledby="answer-heading">
<h2 id="answer-heading">Your answer</h2>
<form method="post" action="${form.action}" aria-labelledby="answer-heading">
<label for="text">${view.kind === 'question' ? 'Answer' : 'How should the agent go on?'}</label>
<textarea id="text" name="text" required>${refusal?.text ?? ''}</textarea>
${hidden(form, 'answer')}<button type="submit">Send answer</button>
</form>
</section>`,
  };
};

/** The page a link opens: what waits for a decision, its context, and the forms to decide it. */
export const decisionPage = (view: WaitView, form: FormContext, refusal?: Refusal): Page =>
  view.kind === 'approval' ? approvalPage(view, form, refusal) : answerPage(view, form, refusal);
