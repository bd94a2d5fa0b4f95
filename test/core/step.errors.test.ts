import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { call, ScriptedModel, type ScriptedTurn } from '../../lib/adapters/scripted-model.ts';
import { runTool } from '../../lib/core/run-tool.ts';
import { step } from '../../lib/core/step.ts';
import { defineTool } from '../../lib/core/tools.ts';
import { aThread } from '../support/thread-builder.ts';
import { createRefundAgent, fakeDeps } from './refund-agent.ts';

const USAGE = { inputTokens: 100, outputTokens: 20 };
const DONE = call('done_for_now', { message: 'Done.' });
const asked = () => aThread().user('Refund 50 EUR on INV-1001').build();

describe('step with a reply the agent can fix', () => {
  it.each<[string, ScriptedTurn, { tool: string; args: unknown; message: string }]>([
    [
      'arguments that are not JSON',
      { tool: 'lookup_invoice', argsJson: '{"invoiceId": "INV-1001"' },
      { tool: 'lookup_invoice', args: '{"invoiceId": "INV-1001"', message: 'arguments are not valid JSON' },
    ],
    [
      'an unknown tool',
      call('refund_everything', {}),
      {
        tool: 'refund_everything',
        args: {},
        message:
          'unknown tool "refund_everything"; the tools are: lookup_invoice, create_refund, request_human_input, done_for_now',
      },
    ],
    [
      'invalid arguments',
      call('create_refund', { invoiceId: 'INV-1001', amountEur: '50' }),
      {
        tool: 'create_refund',
        args: { invoiceId: 'INV-1001', amountEur: '50' },
        message: 'invalid arguments: amountEur: expected number, received string',
      },
    ],
    [
      'invalid arguments to a built-in intent',
      call('done_for_now', { message: '' }),
      {
        tool: 'done_for_now',
        args: { message: '' },
        message: 'invalid arguments: message: Too small: expected string to have >=1 characters',
      },
    ],
    [
      'text and no tool call',
      { text: 'I will refund it now.', stopReason: 'end_turn' },
      {
        tool: '',
        args: 'I will refund it now.',
        message: 'no tool called: reply with exactly one tool call',
      },
    ],
    [
      'a reply cut off at max_tokens',
      { text: 'Let me explain at length', stopReason: 'max_tokens' },
      {
        tool: '',
        args: 'Let me explain at length',
        message: 'reply cut off at the output limit: call one tool, briefly',
      },
    ],
    [
      'a malformed tool use',
      { stopReason: 'malformed_tool_use' },
      { tool: '', args: '', message: 'malformed tool call: call one tool with JSON arguments' },
    ],
  ])('turns %s into a one-line tool-error and asks the model again', async (_name, badTurn, expected) => {
    const { agent } = createRefundAgent();
    const model = new ScriptedModel([badTurn, DONE]);

    const result = await step(asked(), agent, fakeDeps(model));

    expect(result.events.slice(0, 2)).toEqual([
      {
        id: 'ev-1',
        at: '2026-01-01T00:00:01.000Z',
        type: 'model-step',
        data: { tool: expected.tool, args: expected.args, model: 'scripted', usage: USAGE, costUsd: 0 },
      },
      {
        id: 'ev-2',
        at: '2026-01-01T00:00:02.000Z',
        type: 'tool-error',
        data: { callId: 'ev-1', tool: expected.tool, message: expected.message },
      },
    ]);
    expect(expected.message).not.toContain('\n');
    expect(result.next).toEqual({ kind: 'done' });
    expect(model.requests[1]?.context).toContain(`<error>${expected.message}</error>`);
  });

  it('escalates after three tool errors in a row, without a fourth model call', async () => {
    const { agent } = createRefundAgent();
    const model = new ScriptedModel([call('nope', {}), call('nope', {}), call('nope', {}), DONE]);

    const result = await step(asked(), agent, fakeDeps(model));

    expect(result.events.map((event) => event.type)).toEqual([
      'model-step',
      'tool-error',
      'model-step',
      'tool-error',
      'model-step',
      'tool-error',
      'escalation',
    ]);
    expect(result.events.at(-1)).toEqual({
      id: 'ev-7',
      at: '2026-01-01T00:00:09.000Z',
      type: 'escalation',
      data: { reason: 'consecutive-errors', detail: '3 tool errors in a row' },
    });
    expect(result.next).toEqual({ kind: 'escalate', reason: 'consecutive-errors' });
    expect(model.remaining).toBe(1);
  });

  it('counts errors from one again after a successful tool call', async () => {
    const { agent } = createRefundAgent();
    const thread = aThread()
      .user('What is INV-1001?')
      .call('lookup_invoice', {})
      .error('invalid arguments: invoiceId: expected string, received undefined')
      .call('lookup_invoice', {})
      .error('invalid arguments: invoiceId: expected string, received undefined')
      .call('lookup_invoice', { invoiceId: 'INV-1001' })
      .result({ amountEur: 120 })
      .build();
    const model = new ScriptedModel([call('nope', {}), call('nope', {}), DONE]);

    const result = await step(thread, agent, fakeDeps(model));

    expect(result.next).toEqual({ kind: 'done' });
    expect(result.events.filter((event) => event.type === 'tool-error')).toHaveLength(2);
  });

  it('escalates after as many errors as the agent allows', async () => {
    const { agent } = createRefundAgent({ limits: { maxConsecutiveErrors: 1 } });
    const model = new ScriptedModel([call('nope', {}), DONE]);

    const result = await step(asked(), agent, fakeDeps(model));

    expect(result.events.map((event) => event.type)).toEqual(['model-step', 'tool-error', 'escalation']);
    expect(result.next).toEqual({ kind: 'escalate', reason: 'consecutive-errors' });
  });

  it('escalates at once when a guardrail blocks the reply', async () => {
    const { agent } = createRefundAgent();
    const model = new ScriptedModel([{ text: 'blocked', stopReason: 'guardrail_intervened' }, DONE]);

    const result = await step(asked(), agent, fakeDeps(model));

    expect(result).toEqual({
      events: [
        {
          id: 'ev-1',
          at: '2026-01-01T00:00:01.000Z',
          type: 'model-step',
          data: { tool: '', args: 'blocked', model: 'scripted', usage: USAGE, costUsd: 0 },
        },
        {
          id: 'ev-2',
          at: '2026-01-01T00:00:02.000Z',
          type: 'escalation',
          data: { reason: 'guardrail', detail: 'a guardrail blocked the reply' },
        },
      ],
      next: { kind: 'escalate', reason: 'guardrail' },
    });
  });
});

describe('runTool with a tool that throws', () => {
  const agentWith = (execute: () => never) =>
    createRefundAgent({
      tools: [
        defineTool({ name: 'read_ledger', description: 'Reads the ledger.', input: z.object({}), execute }),
      ],
    }).agent;
  const pending = () => aThread().user('Check the ledger').call('read_ledger', {}).build();

  it.each<[string, unknown, string]>([
    [
      'an error with a stack-like message',
      new Error('ledger unavailable\n    at Ledger.read (ledger.ts:10:5)'),
      'ledger unavailable',
    ],
    ['a thrown string', 'timeout', 'timeout'],
    ['an error with a long message', new Error('x'.repeat(400)), `${'x'.repeat(297)}...`],
  ])('turns %s into a one-line tool-error', async (_name, thrown, message) => {
    const agent = agentWith(() => {
      throw thrown;
    });

    const events = await runTool(pending(), agent, 'event-2', fakeDeps());

    expect(events).toEqual([
      {
        id: 'ev-1',
        at: '2026-01-01T00:00:00.000Z',
        key: 'result:event-2',
        type: 'tool-error',
        data: { callId: 'event-2', tool: 'read_ledger', message },
      },
    ]);
  });

  it('never puts the stack trace of a thrown error in the tool-error', async () => {
    const error = new Error('ledger unavailable');
    const agent = agentWith(() => {
      throw error;
    });

    const events = await runTool(pending(), agent, 'event-2', fakeDeps());

    // The stack names this file; the event the model reads must not.
    expect(error.stack).toContain('step.errors.test.ts');
    expect(JSON.stringify(events)).not.toContain('step.errors.test.ts');
    expect(events[0]?.type === 'tool-error' && events[0].data.message).toBe('ledger unavailable');
  });
});
