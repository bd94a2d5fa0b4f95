import { html, type SafeHtml } from '../api/html.ts';
import { costChart } from './cost-chart.ts';
import { formatCount, formatUsd, modelSteps } from './format.ts';
import { scrollRegion } from './layout.ts';
import type { StepCost } from './step-costs.ts';

const stepRow = (step: StepCost): SafeHtml => html`<tr>
<th scope="row" class="number"><a href="#seq-${step.seq}">#${step.seq}</a></th><td>${step.tool || '(text)'}</td>
<td class="number">${formatCount(step.inputTokens)}</td><td class="number">${formatCount(step.outputTokens)}</td>
<td class="number">${formatUsd(step.costUsd)}</td><td class="number">${formatUsd(step.cumulativeUsd)}</td>
</tr>`;

/** The picture of a thread's steps and their cost, with the same numbers as a table. */
export const costSection = (steps: readonly StepCost[]): SafeHtml => {
  const total = steps.at(-1)?.cumulativeUsd ?? 0;
  const body =
    steps.length === 0
      ? html`<p>No model steps yet.</p>`
      : html`<figure>
${scrollRegion('Chart of tokens and $ per model step', costChart(steps))}
<figcaption>Bars: input + output tokens of each model step, labelled with the tool it chose (hover for its $).
${total > 0 ? 'Line: the running total of estimated $.' : 'No $ line: this model has no known price, so every step is estimated at $0.'}</figcaption>
</figure>
<p>Running total: <strong>${formatUsd(total)}</strong> after ${modelSteps(steps.length)}.</p>
<details><summary>The steps as a table</summary>
${scrollRegion(
  'Table of tokens and $ per model step',
  html`<table>
<caption>Tokens and estimated $ per model step</caption>
<thead><tr><th scope="col" class="number">Event</th><th scope="col">Tool</th><th scope="col" class="number">In</th>
<th scope="col" class="number">Out</th><th scope="col" class="number">$</th><th scope="col" class="number">Running $</th></tr></thead>
<tbody>${steps.map(stepRow)}</tbody>
</table>`,
)}
</details>`;
  return html`<section aria-labelledby="cost-heading">
<h2 id="cost-heading">Steps and cost</h2>
${body}
</section>`;
};
