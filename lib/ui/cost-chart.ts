import { html, type SafeHtml } from '../api/html.ts';
import { formatCount, formatUsd } from './format.ts';
import { type StepCost, tokensOf } from './step-costs.ts';

const TOP = 16;
const PLOT = 160;
const BOTTOM = 112;
const LEFT = 80;
const RIGHT = 80;
const SLOT = 40;
const BAR = 24;
const LABEL_CHARS = 20;
/** How far a narrow screen may shrink the chart before it scrolls instead: labels stay readable. */
const MIN_SCALE = 0.75;

const round = (value: number): number => Math.round(value * 10) / 10;

const labelOf = (tool: string): string => {
  const name = tool === '' ? '(text)' : tool;
  return name.length > LABEL_CHARS ? `${name.slice(0, LABEL_CHARS - 1)}…` : name;
};

const tooltipOf = (step: StepCost): string =>
  `#${step.seq} ${step.tool || '(text)'}: ${formatCount(step.inputTokens)} in + ${formatCount(step.outputTokens)} out tokens, ` +
  `${formatUsd(step.costUsd)} (running total ${formatUsd(step.cumulativeUsd)}), model ${step.model}`;

/** The running total of $ as a line over the bars, scaled so the thread's total reaches the top. */
const costLine = (
  steps: readonly StepCost[],
  layout: { baseline: number; width: number; centerOf: (index: number) => number },
): SafeHtml => {
  const totalUsd = steps.at(-1)?.cumulativeUsd ?? 0;
  const points = steps.map(
    (step, index) =>
      [
        round(layout.centerOf(index)),
        round(layout.baseline - (step.cumulativeUsd / totalUsd) * PLOT),
      ] as const,
  );
  const labelX = layout.width - RIGHT + 6;
  return html`<polyline class="cost" points="${points.map(([x, y]) => `${x},${y}`).join(' ')}"></polyline>
${points.map(([x, y]) => html`<circle class="cost-point" cx="${x}" cy="${y}" r="3"></circle>`)}
<text x="${labelX}" y="${TOP + 4}">${formatUsd(totalUsd)}</text>
<text x="${labelX}" y="${TOP + 20}">in all</text>`;
};

/**
 * One bar per model step, as tall as its input + output tokens and labelled with the tool it
 * chose, and a line for the running total of $, scaled to the thread's total. The SVG is inline:
 * the page loads nothing. Hovering a bar shows its tokens and $.
 */
export const costChart = (steps: readonly StepCost[]): SafeHtml => {
  const maxTokens = Math.max(1, ...steps.map(tokensOf));
  const totalUsd = steps.at(-1)?.cumulativeUsd ?? 0;
  const baseline = TOP + PLOT;
  const width = LEFT + steps.length * SLOT + RIGHT;
  const height = baseline + BOTTOM;
  const centerOf = (index: number): number => LEFT + index * SLOT + SLOT / 2;
  const bars = steps.map((step, index) => {
    const tokens = tokensOf(step);
    const barHeight = tokens === 0 ? 0 : Math.max(1, round((tokens / maxTokens) * PLOT));
    const center = round(centerOf(index));
    return html`<g><title>${tooltipOf(step)}</title>
<rect class="bar" x="${round(center - BAR / 2)}" y="${round(baseline - barHeight)}" width="${BAR}" height="${barHeight}"></rect>
<text x="${center}" y="${baseline + 14}" text-anchor="end" transform="rotate(-45 ${center} ${baseline + 14})">${labelOf(step.tool)}</text></g>`;
  });
  return html`<svg class="chart" role="img" aria-labelledby="chart-title chart-description" width="${width}" height="${height}" style="min-width:${Math.round(width * MIN_SCALE)}px" viewBox="0 0 ${width} ${height}">
<title id="chart-title">Tokens and estimated $ per model step</title>
<desc id="chart-description">${steps.length} model steps, ${formatCount(steps.reduce((sum, step) => sum + tokensOf(step), 0))} tokens, estimated ${formatUsd(totalUsd)} in all; the tallest step used ${formatCount(maxTokens)} tokens.</desc>
<line class="axis" x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${baseline}"></line>
<line class="axis" x1="${LEFT}" y1="${baseline}" x2="${width - RIGHT}" y2="${baseline}"></line>
<text x="${LEFT - 6}" y="${TOP + 4}" text-anchor="end">${formatCount(maxTokens)}</text>
<text x="${LEFT - 6}" y="${TOP + 20}" text-anchor="end">tokens</text>
<text x="${LEFT - 6}" y="${baseline}" text-anchor="end">0</text>
${bars}
${totalUsd > 0 ? costLine(steps, { baseline, width, centerOf }) : ''}
</svg>`;
};
