import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { call, ScriptedModel } from '../../lib/adapters/scripted-model.ts';
import { defineAgent } from '../../lib/core/agent.ts';
import type { Prefetch, PrefetchCall } from '../../lib/core/prefetch.ts';
import { step } from '../../lib/core/step.ts';
import { defineTool } from '../../lib/core/tools.ts';
import { aThread } from '../support/thread-builder.ts';
import { fakeDeps } from './refund-agent.ts';

const invoiceOf = (text: string) => /INV-\d+/.exec(text)?.[0];

/** An agent that looks up the invoice a message names before the model's first step. */
const prefetchingAgent = (options: { prefetch?: Prefetch; lookupReadOnly?: boolean } = {}) => {
  const lookups: string[] = [];
  const lookupInvoice = defineTool({
    name: 'lookup_invoice',
    description: 'Find an invoice by its number. Read-only.',
    readOnly: options.lookupReadOnly ?? true,
    input: z.object({ invoiceId: z.string().min(1) }),
    execute: ({ invoiceId }) => {
      lookups.push(invoiceId);
      return { invoiceId, amountEur: 120 };
    },
  });
  const prefetch: Prefetch = ({ text }) => {
    const invoiceId = invoiceOf(text);
    return invoiceId ? [{ tool: 'lookup_invoice', args: { invoiceId } }] : [];
  };
  const agent = defineAgent({
    name: 'refunds',
    description: 'Refunds invoices.',
    prompt: () => 'You refund invoices.',
    tools: [lookupInvoice],
    prefetch: options.prefetch ?? prefetch,
  });
  return { agent, lookups };
};

describe('step with a pre-fetch', () => {
  it('puts the looked-up result in the thread before the model is called', async () => {
    const { agent, lookups } = prefetchingAgent();
    const model = new ScriptedModel([call('done_for_now', { message: 'INV-1001 is 120 EUR.' })]);
    const thread = aThread().user('How much was INV-1001?').build();

    const result = await step(thread, agent, fakeDeps(model));

    expect(lookups).toEqual(['INV-1001']);
    expect(result.events[0]).toEqual({
      id: 'ev-1',
      at: '2026-01-01T00:00:00.000Z',
      type: 'tool-result',
      data: {
        callId: 'prefetch-event-1-0',
        tool: 'lookup_invoice',
        result: { invoiceId: 'INV-1001', amountEur: 120 },
        prefetch: { args: { invoiceId: 'INV-1001' } },
      },
    });
    expect(result.events.map((event) => event.type)).toEqual(['tool-result', 'model-step', 'agent-done']);
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]?.context).toBe(
      [
        '<user>How much was INV-1001?</user>',
        '<lookup_invoice prefetched="true">invoiceId: INV-1001</lookup_invoice>',
        '<result>',
        'invoiceId: INV-1001',
        'amountEur: 120',
        '</result>',
      ].join('\n'),
    );
  });

  it('runs a lookup once: a retried step finds its result in the thread and runs nothing again', async () => {
    const { agent, lookups } = prefetchingAgent();
    const thread = aThread()
      .user('How much was INV-1001?')
      .add({
        type: 'tool-result',
        data: {
          callId: 'prefetch-event-1-0',
          tool: 'lookup_invoice',
          result: { invoiceId: 'INV-1001', amountEur: 120 },
          prefetch: { args: { invoiceId: 'INV-1001' } },
        },
      })
      .build();
    const model = new ScriptedModel([call('done_for_now', { message: 'done' })]);

    const result = await step(thread, agent, fakeDeps(model));

    expect(lookups).toEqual([]);
    expect(result.events.map((event) => event.type)).toEqual(['model-step', 'agent-done']);
  });

  it('runs no lookups once the turn has had a model step', async () => {
    const { agent, lookups } = prefetchingAgent();
    const thread = aThread()
      .user('Refund something')
      .call('request_human_input', { question: 'Which invoice?' })
      .question('Which invoice?')
      .add({
        type: 'human-input-response',
        data: { requestId: 'question-3', text: 'INV-7', channel: 'api', untrusted: false },
      })
      .build();
    const model = new ScriptedModel([call('done_for_now', { message: 'done' })]);

    await step(thread, agent, fakeDeps(model));

    expect(lookups).toEqual([]);
  });

  it('looks up again for the message that starts a new turn', async () => {
    const { agent, lookups } = prefetchingAgent();
    const thread = aThread()
      .user('How much was INV-1001?')
      .call('done_for_now', { message: '120 EUR' })
      .add({ type: 'agent-done', data: { message: '120 EUR' } })
      .user('And INV-1002?')
      .build();
    const model = new ScriptedModel([call('done_for_now', { message: 'done' })]);

    await step(thread, agent, fakeDeps(model));

    expect(lookups).toEqual(['INV-1002']);
  });

  it('refuses a pre-fetch of a tool that is not read-only, with an error the model reads', async () => {
    const { agent, lookups } = prefetchingAgent({ lookupReadOnly: false });
    const model = new ScriptedModel([call('done_for_now', { message: 'done' })]);
    const thread = aThread().user('How much was INV-1001?').build();

    const result = await step(thread, agent, fakeDeps(model));

    expect(lookups).toEqual([]);
    expect(result.events[0]?.type === 'tool-error' && result.events[0].data).toEqual({
      callId: 'prefetch-event-1-0',
      tool: 'lookup_invoice',
      message: 'pre-fetch may run read-only tools only; lookup_invoice is not read-only',
      prefetch: { args: { invoiceId: 'INV-1001' } },
    });
    expect(model.requests[0]?.context).toContain(
      '<error>pre-fetch may run read-only tools only; lookup_invoice is not read-only</error>',
    );
  });

  it('turns arguments the tool rejects and unknown tools into errors, not crashes', async () => {
    const { agent } = prefetchingAgent({
      prefetch: (): PrefetchCall[] => [
        { tool: 'lookup_invoice', args: { invoiceId: '' } },
        { tool: 'fetch_everything', args: {} },
      ],
    });
    const model = new ScriptedModel([call('done_for_now', { message: 'done' })]);
    const thread = aThread().user('hello').build();

    const result = await step(thread, agent, fakeDeps(model));

    expect(
      result.events.slice(0, 2).map((event) => event.type === 'tool-error' && event.data.message),
    ).toEqual([
      'invalid arguments: invoiceId: Too small: expected string to have >=1 characters',
      'pre-fetch names unknown tool "fetch_everything"',
    ]);
  });
});
