import { describe, expect, it } from 'vitest';
import { costChart } from '../../lib/ui/cost-chart.ts';
import { costSection } from '../../lib/ui/cost-section.ts';
import { type StepCost, stepCostsOf } from '../../lib/ui/step-costs.ts';
import { aThread } from '../support/thread-builder.ts';

const step = (
  seq: number,
  tool: string,
  tokens: [number, number],
  costUsd: number,
  cumulativeUsd: number,
): StepCost => ({
  seq,
  tool,
  model: 'gpt-4o-mini',
  inputTokens: tokens[0],
  outputTokens: tokens[1],
  costUsd,
  cumulativeUsd,
});

const attributesOf = (svg: string, element: string, names: readonly string[]) =>
  [...svg.matchAll(new RegExp(`<${element} class="[^"]*"([^>]*)>`, 'g'))].map((match) =>
    Object.fromEntries(names.map((name) => [name, new RegExp(`${name}="([^"]*)"`).exec(match[1]!)?.[1]])),
  );

describe('stepCostsOf', () => {
  it('keeps a running total of $ over the model steps only', () => {
    const thread = aThread()
      .user('hi')
      .call('lookup_customer', { name: 'Terri' }, { inputTokens: 100, outputTokens: 10, costUsd: 0.001 })
      .result('found')
      .call('done_for_now', { message: 'ok' }, { inputTokens: 200, outputTokens: 20, costUsd: 0.002 })
      .build();

    expect(
      stepCostsOf(thread.events).map(({ seq, tool, cumulativeUsd }) => ({ seq, tool, cumulativeUsd })),
    ).toEqual([
      { seq: 2, tool: 'lookup_customer', cumulativeUsd: 0.001 },
      { seq: 4, tool: 'done_for_now', cumulativeUsd: 0.003 },
    ]);
  });
});

describe('costChart', () => {
  it('draws bars as tall as input + output tokens, the largest at full height', () => {
    const svg = String(
      costChart([
        step(2, 'lookup_customer', [60, 20], 0.001, 0.001),
        step(4, 'done_for_now', [150, 10], 0.003, 0.004),
      ]),
    );

    expect(attributesOf(svg, 'rect', ['y', 'height'])).toEqual([
      { y: '96', height: '80' },
      { y: '16', height: '160' },
    ]);
  });

  it('draws the running total of $ rising to the top at the last step', () => {
    const svg = String(costChart([step(2, 'a', [10, 0], 0.001, 0.001), step(3, 'b', [10, 0], 0.003, 0.004)]));

    expect(/<polyline class="cost" points="([^"]*)"/.exec(svg)?.[1]).toBe('100,136 140,16');
    expect(svg).toContain('>$0.00400</text>');
  });

  it("shows each step's tokens and $ when hovered", () => {
    const svg = String(costChart([step(7, 'create_payment_link', [1200, 80], 0.000228, 0.0005)]));

    expect(svg).toContain(
      '<title>#7 create_payment_link: 1,200 in + 80 out tokens, $0.00023 (running total $0.00050), model gpt-4o-mini</title>',
    );
  });

  it('labels a step where the model wrote text, and shortens long tool names', () => {
    const svg = String(
      costChart([step(2, '', [5, 5], 0, 0), step(3, 'a_tool_with_a_very_long_name', [5, 5], 0, 0)]),
    );

    expect([...svg.matchAll(/rotate\([^)]*\)">([^<]*)<\/text>/g)].map((match) => match[1])).toEqual([
      '(text)',
      'a_tool_with_a_very_…',
    ]);
  });
});

describe('costSection', () => {
  it('draws no $ line and says why when the model has no price', () => {
    const html = String(costSection([step(2, 'lookup_customer', [412, 9], 0, 0)]));

    expect(html).not.toContain('<polyline');
    expect(html).toContain('No $ line: this model has no known price');
    expect(html).toContain('Running total: <strong>$0.00</strong> after 1 model step.');
  });

  it('says so when the thread has no model step yet', () => {
    expect(String(costSection([]))).toContain('<p>No model steps yet.</p>');
  });
});
