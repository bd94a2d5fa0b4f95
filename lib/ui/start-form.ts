import * as z from 'zod';
import { html, type SafeHtml } from '../api/html.ts';
import { MessageTextSchema } from '../api/thread-start.ts';

/** What the start form posts, checked like the API's POST /threads body. */
export const startFormSchema = (agents: readonly string[]) =>
  z.object({
    agent: z.string({ error: 'choose an agent' }).refine((name) => agents.includes(name), {
      error: (issue) => `unknown agent ${JSON.stringify(issue.input)}; known agents: ${agents.join(', ')}`,
    }),
    message: z.string({ error: 'write a message' }).pipe(MessageTextSchema),
  });

/** What the person typed, shown again beside the reason it was refused. */
export interface StartFormState {
  agent?: string;
  message?: string;
  problems?: readonly string[];
}

/** The form that starts a thread: an agent to pick and a message for it. */
export const startForm = (agents: readonly string[], state: StartFormState = {}): SafeHtml => html`
<section aria-labelledby="start-heading">
<h2 id="start-heading">Start a thread</h2>
${
  state.problems && state.problems.length > 0
    ? html`<div class="alert" role="alert"><p>The thread was not started:</p><ul>${state.problems.map((problem) => html`<li>${problem}</li>`)}</ul></div>`
    : ''
}
<form method="post" action="/ui/threads">
<label for="agent">Agent</label>
<select id="agent" name="agent" required>
${agents.map((agent) => html`<option value="${agent}"${agent === state.agent ? html` selected` : ''}>${agent}</option>`)}
</select>
<div class="field">
<label for="message">Message</label>
<textarea id="message" name="message" required aria-describedby="message-hint">${state.message ?? ''}</textarea>
<p id="message-hint" class="muted">What you want done, e.g. "create a $750 sponsorship link for Terri".</p>
</div>
<button type="submit">Start</button>
</form>
</section>`;
