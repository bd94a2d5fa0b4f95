import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { call, ScriptedModel } from '../../lib/adapters/scripted-model.ts';
import { ThreadNotRunnableError } from '../../lib/core/errors.ts';
import { step } from '../../lib/core/step.ts';
import { aThread } from '../support/thread-builder.ts';
import { createRefundAgent, fakeDeps } from './refund-agent.ts';

const USAGE = { inputTokens: 100, outputTokens: 20 };
const asked = (text: string) => aThread().user(text).build();

describe('step', () => {
  it('records the model step and runs the tool it chose next', async () => {
    const { agent } = createRefundAgent();
    const model = new ScriptedModel([call('lookup_invoice', { invoiceId: 'INV-1001' })]);

    const result = await step(asked('What is INV-1001?'), agent, fakeDeps(model));

    expect(result).toEqual({
      events: [
        {
          id: 'ev-1',
          at: '2026-01-01T00:00:01.000Z',
          type: 'model-step',
          data: {
            tool: 'lookup_invoice',
            args: { invoiceId: 'INV-1001' },
            model: 'scripted',
            usage: USAGE,
            costUsd: 0,
          },
        },
      ],
      next: { kind: 'tool', tool: 'lookup_invoice', callId: 'ev-1' },
    });
  });

  it('asks for an approval, with a hash of the arguments, when the tool needs one', async () => {
    const { agent } = createRefundAgent();
    const refund = { invoiceId: 'INV-1001', amountEur: 50 };
    const model = new ScriptedModel([call('create_refund', refund)]);
    // SHA-256 of the canonical JSON: keys sorted, no spaces.
    const argsHash = createHash('sha256').update('{"amountEur":50,"invoiceId":"INV-1001"}').digest('hex');

    const result = await step(asked('Refund 50 EUR on INV-1001'), agent, fakeDeps(model));

    expect(result).toEqual({
      events: [
        {
          id: 'ev-1',
          at: '2026-01-01T00:00:01.000Z',
          type: 'model-step',
          data: { tool: 'create_refund', args: refund, model: 'scripted', usage: USAGE, costUsd: 0 },
        },
        {
          id: 'ev-3',
          at: '2026-01-01T00:00:02.000Z',
          type: 'approval-request',
          data: {
            approvalId: 'apr-2',
            callId: 'ev-1',
            tool: 'create_refund',
            args: refund,
            argsHash,
            reason: { kind: 'tool' },
          },
        },
      ],
      next: { kind: 'approval', tool: 'create_refund', callId: 'ev-1', approvalId: 'apr-2' },
    });
  });

  it('asks a person when the model calls request_human_input', async () => {
    const { agent } = createRefundAgent();
    const model = new ScriptedModel([call('request_human_input', { question: 'Which invoice?' })]);

    const result = await step(asked('Refund my invoice'), agent, fakeDeps(model));

    expect(result).toEqual({
      events: [
        {
          id: 'ev-1',
          at: '2026-01-01T00:00:01.000Z',
          type: 'model-step',
          data: {
            tool: 'request_human_input',
            args: { question: 'Which invoice?' },
            model: 'scripted',
            usage: USAGE,
            costUsd: 0,
          },
        },
        {
          id: 'ev-3',
          at: '2026-01-01T00:00:02.000Z',
          type: 'human-input-request',
          data: { requestId: 'q-2', callId: 'ev-1', question: 'Which invoice?' },
        },
      ],
      next: { kind: 'human', requestId: 'q-2' },
    });
  });

  it('ends the turn when the model calls done_for_now', async () => {
    const { agent } = createRefundAgent();
    const model = new ScriptedModel([call('done_for_now', { message: 'Hello!' })]);

    const result = await step(asked('Hi'), agent, fakeDeps(model));

    expect(result).toEqual({
      events: [
        {
          id: 'ev-1',
          at: '2026-01-01T00:00:01.000Z',
          type: 'model-step',
          data: {
            tool: 'done_for_now',
            args: { message: 'Hello!' },
            model: 'scripted',
            usage: USAGE,
            costUsd: 0,
          },
        },
        { id: 'ev-2', at: '2026-01-01T00:00:02.000Z', type: 'agent-done', data: { message: 'Hello!' } },
      ],
      next: { kind: 'done' },
    });
  });

  it('sends the model the prompt, the rendered thread and every tool with its JSON Schema', async () => {
    const { agent } = createRefundAgent();
    const model = new ScriptedModel([call('done_for_now', { message: 'Hello!' })]);

    await step(asked('Hi'), agent, fakeDeps(model));

    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]).toMatchInlineSnapshot(`
      {
        "context": "<user>Hi</user>",
        "system": "You are refunds. It is 2026-01-01T00:00:00.000Z. Tools: lookup_invoice, create_refund, request_human_input, done_for_now.",
        "tools": [
          {
            "description": "Find an invoice by its number. Read-only.",
            "inputSchema": {
              "properties": {
                "invoiceId": {
                  "description": "Invoice number, e.g. INV-1001",
                  "type": "string",
                },
              },
              "required": [
                "invoiceId",
              ],
              "type": "object",
            },
            "name": "lookup_invoice",
          },
          {
            "description": "Refund part or all of an invoice. Moves money: a person approves it first.",
            "inputSchema": {
              "properties": {
                "amountEur": {
                  "exclusiveMinimum": 0,
                  "type": "number",
                },
                "invoiceId": {
                  "type": "string",
                },
              },
              "required": [
                "invoiceId",
                "amountEur",
              ],
              "type": "object",
            },
            "name": "create_refund",
          },
          {
            "description": "Ask a person one question; they see only the question.",
            "inputSchema": {
              "properties": {
                "question": {
                  "type": "string",
                },
              },
              "required": [
                "question",
              ],
              "type": "object",
            },
            "name": "request_human_input",
          },
          {
            "description": "End the turn with a message for the person who asked.",
            "inputSchema": {
              "properties": {
                "message": {
                  "type": "string",
                },
              },
              "required": [
                "message",
              ],
              "type": "object",
            },
            "name": "done_for_now",
          },
        ],
      }
    `);
  });

  it('sends the JSON Schema zod derives from a tool input, less additionalProperties false and minLength 1', async () => {
    const input = z.object({ invoiceId: z.string().min(1), amountEur: z.number().positive() });
    const { $schema: _dialect, ...derived } = z.toJSONSchema(input);
    const { agent } = createRefundAgent();
    const model = new ScriptedModel([call('done_for_now', { message: 'Hello!' })]);

    await step(asked('Hi'), agent, fakeDeps(model));

    const refund = model.requests[0]?.tools.find((tool) => tool.name === 'create_refund');
    expect(derived).toEqual({
      type: 'object',
      properties: {
        invoiceId: { type: 'string', minLength: 1 },
        amountEur: { type: 'number', exclusiveMinimum: 0 },
      },
      required: ['invoiceId', 'amountEur'],
      additionalProperties: false,
    });
    expect(refund?.inputSchema).toEqual({
      type: 'object',
      properties: {
        invoiceId: { type: 'string' },
        amountEur: { type: 'number', exclusiveMinimum: 0 },
      },
      required: ['invoiceId', 'amountEur'],
    });
  });

  it('still refuses an empty string the compact schema no longer mentions, with a tool-error', async () => {
    const { agent } = createRefundAgent();
    const model = new ScriptedModel([
      call('lookup_invoice', { invoiceId: '' }),
      call('done_for_now', { message: 'Hello!' }),
    ]);

    const result = await step(asked('Hi'), agent, fakeDeps(model));

    expect(result.events[1]).toMatchObject({
      type: 'tool-error',
      data: { tool: 'lookup_invoice', message: expect.stringContaining('invoiceId') },
    });
  });

  it('records exactly one model step per model call, even when it retries after errors', async () => {
    const { agent } = createRefundAgent();
    const model = new ScriptedModel([
      { text: 'Let me think.', stopReason: 'end_turn' },
      call('lookup_invoice', {}),
      call('lookup_invoice', { invoiceId: 'INV-1001' }),
    ]);

    const result = await step(asked('What is INV-1001?'), agent, fakeDeps(model));

    expect(result.events.map((event) => event.type)).toEqual([
      'model-step',
      'tool-error',
      'model-step',
      'tool-error',
      'model-step',
    ]);
    expect(model.requests).toHaveLength(3);
  });

  it('answers from the thread, without asking the model, when a tool is already due', async () => {
    const { agent } = createRefundAgent();
    const model = new ScriptedModel([]);
    const thread = aThread()
      .user('What is INV-1001?')
      .call('lookup_invoice', { invoiceId: 'INV-1001' })
      .build();

    const result = await step(thread, agent, fakeDeps(model));

    expect(result).toEqual({ events: [], next: { kind: 'tool', tool: 'lookup_invoice', callId: 'event-2' } });
    expect(model.requests).toEqual([]);
  });

  it.each([
    ['paused', aThread().user('hi').pause().build()],
    ['cancelled', aThread().user('hi').cancel().build()],
  ])('throws ThreadNotRunnableError for a %s thread', async (status, thread) => {
    const { agent } = createRefundAgent();

    await expect(step(thread, agent, fakeDeps())).rejects.toThrow(
      new ThreadNotRunnableError('thread-1', status),
    );
  });
});
