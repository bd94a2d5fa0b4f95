import { describe, expect, it } from 'vitest';
import { call, ScriptedModel } from '../../lib/adapters/scripted-model.ts';
import { DEFAULT_LIMITS } from '../../lib/core/agent.ts';
import { estimateCostUsd, PRICES, priceOf } from '../../lib/core/pricing.ts';
import { step } from '../../lib/core/step.ts';
import { aThread } from '../support/thread-builder.ts';
import { createRefundAgent, fakeDeps } from './refund-agent.ts';

const DONE = call('done_for_now', { message: 'Done.' });

/** A thread whose current turn has taken `steps` lookups, each answered. */
const lookedUp = (steps: number) => {
  const thread = aThread().user('Find the duplicate charge');
  for (let index = 0; index < steps; index += 1) {
    thread.call('lookup_invoice', { invoiceId: `INV-${index}` }).result({ amountEur: index });
  }
  return thread;
};

describe('step limits', () => {
  it('escalates at the default cap of 20 steps, without asking the model', async () => {
    const { agent } = createRefundAgent();
    const model = new ScriptedModel([]);

    const result = await step(lookedUp(20).build(), agent, fakeDeps(model));

    expect(DEFAULT_LIMITS.maxSteps).toBe(20);
    expect(result).toEqual({
      events: [
        {
          id: 'ev-1',
          at: '2026-01-01T00:00:00.000Z',
          type: 'escalation',
          data: { reason: 'step-cap', detail: '20 steps without finishing' },
        },
      ],
      next: { kind: 'escalate', reason: 'step-cap' },
    });
    expect(model.requests).toEqual([]);
  });

  it('asks the model once more below the cap', async () => {
    const { agent } = createRefundAgent();
    const model = new ScriptedModel([DONE]);

    const result = await step(lookedUp(19).build(), agent, fakeDeps(model));

    expect(result.next).toEqual({ kind: 'done' });
  });

  it('escalates at the cap the agent sets', async () => {
    const { agent } = createRefundAgent({ limits: { maxSteps: 2 } });

    const result = await step(lookedUp(2).build(), agent, fakeDeps());

    expect(result.next).toEqual({ kind: 'escalate', reason: 'step-cap' });
  });

  it('counts steps from zero again in a new turn', async () => {
    const { agent } = createRefundAgent({ limits: { maxSteps: 2 } });
    const thread = lookedUp(1)
      .call('done_for_now', { message: 'Found it.' })
      .done('Found it.')
      .user('And the other one?')
      .build();
    const model = new ScriptedModel([DONE]);

    const result = await step(thread, agent, fakeDeps(model));

    expect(result.next).toEqual({ kind: 'done' });
  });

  it('escalates once the estimated spend reaches the budget, priced from the model id', async () => {
    const { agent } = createRefundAgent({ limits: { budgetUsd: 0.5 } });
    // 200k input at $2.50/M and 20k output at $10/M: $0.70 in one reply that called no tool.
    const model = new ScriptedModel(
      [
        {
          text: 'Thinking...',
          stopReason: 'end_turn',
          usage: { inputTokens: 200_000, outputTokens: 20_000 },
        },
        DONE,
      ],
      { id: 'gpt-4o' },
    );

    const result = await step(aThread().user('Refund INV-1001').build(), agent, fakeDeps(model));

    expect(result.events).toEqual([
      {
        id: 'ev-1',
        at: '2026-01-01T00:00:01.000Z',
        type: 'model-step',
        data: {
          tool: '',
          args: 'Thinking...',
          model: 'gpt-4o',
          usage: { inputTokens: 200_000, outputTokens: 20_000 },
          costUsd: 0.7,
        },
      },
      {
        id: 'ev-2',
        at: '2026-01-01T00:00:02.000Z',
        type: 'tool-error',
        data: { callId: 'ev-1', tool: '', message: 'no tool called: reply with exactly one tool call' },
      },
      {
        id: 'ev-3',
        at: '2026-01-01T00:00:03.000Z',
        type: 'escalation',
        data: { reason: 'budget', detail: 'spent $0.7000 of a $0.5 budget' },
      },
    ]);
    expect(result.next).toEqual({ kind: 'escalate', reason: 'budget' });
    expect(model.remaining).toBe(1);
  });

  it('escalates on the budget from spend already in the thread', async () => {
    const { agent } = createRefundAgent({ limits: { budgetUsd: 0.01 } });
    const thread = aThread()
      .user('Refund INV-1001')
      .call('lookup_invoice', { invoiceId: 'INV-1001' }, { model: 'gpt-4o', costUsd: 0.012 })
      .result({ amountEur: 120 })
      .build();

    const result = await step(thread, agent, fakeDeps());

    expect(result.events).toEqual([
      expect.objectContaining({
        type: 'escalation',
        data: { reason: 'budget', detail: 'spent $0.0120 of a $0.01 budget' },
      }),
    ]);
  });

  it('prices a model step by the agent price table when it names the model', async () => {
    const { agent } = createRefundAgent({ prices: { scripted: { input: 10, output: 20 } } });
    const model = new ScriptedModel([call('lookup_invoice', { invoiceId: 'INV-1001' })]);

    const result = await step(aThread().user('Refund INV-1001').build(), agent, fakeDeps(model));

    // 100 input at $10/M and 20 output at $20/M.
    expect(result.events[0]?.type === 'model-step' && result.events[0].data.costUsd).toBeCloseTo(0.0014, 12);
  });

  // `estimateCostUsd(reply.model, reply.usage, agent.prices)` looks only in the agent's table
  // when it has one, so an agent overriding one model's price prices every other model at $0
  // and its budget never trips. Overrides should fall back to the shared PRICES table.
  it('still prices models the agent does not override from the shared table', async () => {
    const { agent } = createRefundAgent({ prices: { 'gpt-4o-mini': { input: 0.1, output: 0.5 } } });
    const model = new ScriptedModel([call('lookup_invoice', { invoiceId: 'INV-1001' })], { id: 'gpt-4o' });

    const result = await step(aThread().user('Refund INV-1001').build(), agent, fakeDeps(model));

    // 100 input at $2.50/M and 20 output at $10/M.
    expect(result.events[0]?.type === 'model-step' && result.events[0].data.costUsd).toBeCloseTo(0.00045, 12);
  });
});

describe('pricing', () => {
  it('prices a call from the public price table', () => {
    expect(estimateCostUsd('gpt-4o', { inputTokens: 1_000_000, outputTokens: 100_000 })).toBe(3.5);
  });

  it('prices a Bedrock cross-region inference profile as its base model', () => {
    const usage = { inputTokens: 10_000, outputTokens: 1_000 };
    const base = 'anthropic.claude-3-5-haiku-20241022-v1:0';

    expect(priceOf(`us.${base}`)).toEqual(PRICES[base]);
    expect(priceOf(`global.${base}`)).toEqual(PRICES[base]);
    expect(estimateCostUsd(`us.${base}`, usage)).toBeCloseTo(0.012, 12);
  });

  it('prices a model it does not know at zero', () => {
    expect(priceOf('llama-self-hosted')).toBeUndefined();
    expect(estimateCostUsd('llama-self-hosted', { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBe(0);
  });

  it('records the inference-profile price on the model step', async () => {
    const { agent } = createRefundAgent();
    const model = new ScriptedModel(
      [
        {
          tool: 'lookup_invoice',
          argsJson: '{"invoiceId":"INV-1001"}',
          usage: { inputTokens: 10_000, outputTokens: 1_000 },
        },
      ],
      { id: 'us.anthropic.claude-3-5-haiku-20241022-v1:0' },
    );

    const result = await step(aThread().user('Refund INV-1001').build(), agent, fakeDeps(model));

    // 10k input at $0.80/M and 1k output at $4/M.
    expect(result.events[0]?.type === 'model-step' && result.events[0].data.costUsd).toBeCloseTo(0.012, 12);
  });
});
