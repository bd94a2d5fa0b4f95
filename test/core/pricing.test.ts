import { describe, expect, it } from 'vitest';
import { estimateCostUsd, priceOf, usageOf } from '../../lib/core/pricing.ts';

describe('estimateCostUsd', () => {
  it('bills cached input tokens at the cache price and the rest at the input price', () => {
    const usage = usageOf(2006, 300, 1920);

    // gpt-4o: $2.50 input, $1.25 cached input, $10 output per million tokens.
    expect(estimateCostUsd('gpt-4o', usage)).toBeCloseTo((86 * 2.5 + 1920 * 1.25 + 300 * 10) / 1e6, 12);
  });

  it('bills cached tokens as input for a model whose cache price it does not know', () => {
    const price = priceOf('amazon.nova-lite-v1:0');

    expect(price?.cachedInput).toBeUndefined();
    expect(estimateCostUsd('amazon.nova-lite-v1:0', usageOf(1000, 100, 800))).toBe(
      estimateCostUsd('amazon.nova-lite-v1:0', usageOf(1000, 100, 0)),
    );
  });

  it('never counts more cached tokens than input tokens', () => {
    expect(
      estimateCostUsd('gpt-4o', { inputTokens: 100, outputTokens: 0, cachedInputTokens: 500 }),
    ).toBeCloseTo((100 * 1.25) / 1e6, 12);
  });

  it('prices a cross-region inference profile’s cache reads as its base model’s', () => {
    const usage = usageOf(10_000, 0, 9_000);

    expect(estimateCostUsd('us.anthropic.claude-haiku-4-5-20251001-v1:0', usage)).toBeCloseTo(
      (1000 * 1 + 9000 * 0.1) / 1e6,
      12,
    );
  });
});

describe('usageOf', () => {
  it('names cached tokens only when there were some', () => {
    expect(usageOf(10, 2, 0)).toEqual({ inputTokens: 10, outputTokens: 2 });
    expect(usageOf(10, 2, 4)).toEqual({ inputTokens: 10, outputTokens: 2, cachedInputTokens: 4 });
  });
});
