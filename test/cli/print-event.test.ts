import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../lib/cli/print-event.ts';
import type { Event } from '../../lib/core/events.ts';

const modelStep = (usage: Extract<Event, { type: 'model-step' }>['data']['usage']): Event => ({
  id: 'ev-2',
  seq: 2,
  at: '2026-12-07T10:00:00.000Z',
  type: 'model-step',
  data: { tool: 'lookup_customer', args: { name: 'Acme' }, model: 'gpt-4o', usage, costUsd: 0.005615 },
});

describe('describeEvent', () => {
  it('prints a model step’s tokens, cost and model', () => {
    expect(describeEvent(modelStep({ inputTokens: 2006, outputTokens: 300 }))).toContain(
      '[2006 in / 300 out, $0.00562, gpt-4o]',
    );
  });

  it('says how many input tokens came from the provider’s cache', () => {
    expect(
      describeEvent(modelStep({ inputTokens: 2006, outputTokens: 300, cachedInputTokens: 1920 })),
    ).toContain('[2006 in (1920 cached) / 300 out, $0.00562, gpt-4o]');
  });
});
