import type { Usage } from './events.ts';

/** US$ per million tokens. */
export interface Price {
  input: number;
  output: number;
  /** A cached input token, where the provider bills those for less; else it costs `input`. */
  cachedInput?: number;
}

/**
 * Public list prices (on-demand, US regions, checked 2026-11) keyed by model id, with the price of
 * a cache read where it is known: a tenth of the input price for Anthropic's models, OpenAI's own
 * figure for its automatic prompt cache. A Bedrock cross-region inference profile (`us.`, `eu.`,
 * `global.` …) prices as its base model.
 */
export const PRICES: Readonly<Record<string, Price>> = {
  demo: { input: 0, output: 0 },
  scripted: { input: 0, output: 0 },
  'anthropic.claude-3-haiku-20240307-v1:0': { input: 0.25, output: 1.25, cachedInput: 0.03 },
  'anthropic.claude-3-5-haiku-20241022-v1:0': { input: 0.8, output: 4, cachedInput: 0.08 },
  'anthropic.claude-haiku-4-5-20251001-v1:0': { input: 1, output: 5, cachedInput: 0.1 },
  'anthropic.claude-3-5-sonnet-20241022-v2:0': { input: 3, output: 15, cachedInput: 0.3 },
  'anthropic.claude-3-7-sonnet-20250219-v1:0': { input: 3, output: 15, cachedInput: 0.3 },
  'anthropic.claude-sonnet-4-20250514-v1:0': { input: 3, output: 15, cachedInput: 0.3 },
  'anthropic.claude-sonnet-4-5-20250929-v1:0': { input: 3, output: 15, cachedInput: 0.3 },
  'amazon.nova-micro-v1:0': { input: 0.035, output: 0.14 },
  'amazon.nova-lite-v1:0': { input: 0.06, output: 0.24 },
  'amazon.nova-pro-v1:0': { input: 0.8, output: 3.2 },
  'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 },
  'gpt-4o-mini': { input: 0.15, output: 0.6, cachedInput: 0.075 },
  'gpt-4.1': { input: 2, output: 8, cachedInput: 0.5 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6, cachedInput: 0.1 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4, cachedInput: 0.025 },
};

const INFERENCE_PROFILE = /^(us|eu|apac|au|ca|jp|us-gov|global)\./;

/**
 * The price of a model: the agent's own override first, then the shared list; undefined when
 * neither knows it (a self-hosted model, say).
 */
export const priceOf = (modelId: string, overrides?: Readonly<Record<string, Price>>): Price | undefined => {
  const base = modelId.replace(INFERENCE_PROFILE, '');
  return overrides?.[modelId] ?? overrides?.[base] ?? PRICES[modelId] ?? PRICES[base];
};

/** Estimated US$ for one model call; 0 for a model with no known price. */
export const estimateCostUsd = (
  modelId: string,
  usage: Usage,
  overrides?: Readonly<Record<string, Price>>,
): number => {
  const price = priceOf(modelId, overrides);
  if (!price) return 0;
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const input = (usage.inputTokens - cached) * price.input + cached * (price.cachedInput ?? price.input);
  return (input + usage.outputTokens * price.output) / 1_000_000;
};

/**
 * A reply's usage as adapters report it: all input tokens, the output tokens, and how many of the
 * input the provider read from its prompt cache, named only when there were some (replies are
 * stored and compared as they are, so an absent key, not a zero).
 */
export const usageOf = (inputTokens: number, outputTokens: number, cachedInputTokens: number): Usage =>
  cachedInputTokens > 0 ? { inputTokens, outputTokens, cachedInputTokens } : { inputTokens, outputTokens };
