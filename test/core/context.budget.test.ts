import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../../lib/core/context.ts';
import { buildModelRequest } from '../../lib/core/request.ts';
import { aThread } from '../support/thread-builder.ts';
import { createRefundAgent } from './refund-agent.ts';

const NOW = '2026-01-01T00:00:00.000Z';

/**
 * The original request, eight lookups that each returned a long statement, then a refund that
 * waits for approval. Every block renders on one line, so the context reads line by line.
 */
const longThread = () => {
  const thread = aThread().user('Find the duplicate charge for Ada and refund it.');
  for (let index = 1; index <= 8; index += 1) {
    thread
      .call('lookup_invoice', { invoiceId: `INV-${index}` })
      .result(`Statement ${index}: ${'charge ok; '.repeat(40)}`);
  }
  return thread.call('create_refund', { invoiceId: 'INV-8', amountEur: 50 }).approvalRequest().build();
};

/** Long lines cut short, so a snapshot shows which blocks stayed whole. */
const outline = (context: string): string[] =>
  context
    .split('\n')
    .map((line) => (line.length > 80 ? `${line.slice(0, 40)}... (${line.length} chars)` : line));

const contextWithin = (contextTokens: number): string => {
  const { agent } = createRefundAgent({ limits: { contextTokens } });
  return buildModelRequest(longThread().events, agent, NOW).context;
};

describe('renderContext within a token budget', () => {
  it('renders everything when the thread fits', () => {
    const context = contextWithin(8_000);

    expect(context).not.toContain('elided');
    // The request, eight calls and results, the four-line refund call and the approval.
    expect(outline(context)).toHaveLength(1 + 8 * 2 + 4 + 1);
  });

  it('elides the oldest tool results first, keeping every call', () => {
    const context = contextWithin(700);

    expect(estimateTokens(context)).toBeLessThanOrEqual(700);
    expect(outline(context)).toMatchInlineSnapshot(`
      [
        "<user>Find the duplicate charge for Ada and refund it.</user>",
        "<lookup_invoice>invoiceId: INV-1</lookup_invoice>",
        "<result>(elided: 453 chars)</result>",
        "<lookup_invoice>invoiceId: INV-2</lookup_invoice>",
        "<result>(elided: 453 chars)</result>",
        "<lookup_invoice>invoiceId: INV-3</lookup_invoice>",
        "<result>(elided: 453 chars)</result>",
        "<lookup_invoice>invoiceId: INV-4</lookup_invoice>",
        "<result>(elided: 453 chars)</result>",
        "<lookup_invoice>invoiceId: INV-5</lookup_invoice>",
        "<result>Statement 5: charge ok; charge o... (470 chars)",
        "<lookup_invoice>invoiceId: INV-6</lookup_invoice>",
        "<result>Statement 6: charge ok; charge o... (470 chars)",
        "<lookup_invoice>invoiceId: INV-7</lookup_invoice>",
        "<result>Statement 7: charge ok; charge o... (470 chars)",
        "<lookup_invoice>invoiceId: INV-8</lookup_invoice>",
        "<result>Statement 8: charge ok; charge o... (470 chars)",
        "<create_refund>",
        "invoiceId: INV-8",
        "amountEur: 50",
        "</create_refund>",
        "<approval status="pending"/>",
      ]
    `);
  });

  it('never drops the original request or the pending approval, however small the budget', () => {
    const context = contextWithin(1);

    expect(outline(context)).toMatchInlineSnapshot(`
      [
        "<user>Find the duplicate charge for Ada and refund it.</user>",
        "<elided events="15"/>",
        "<result>Statement 8: charge ok; charge o... (470 chars)",
        "<create_refund>",
        "invoiceId: INV-8",
        "amountEur: 50",
        "</create_refund>",
        "<approval status="pending"/>",
      ]
    `);
  });
});
