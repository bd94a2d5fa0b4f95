import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ThreadStateError } from '../../lib/core/errors.ts';
import { hashArgs } from '../../lib/core/hash.ts';
import { runTool } from '../../lib/core/run-tool.ts';
import { defineTool } from '../../lib/core/tools.ts';
import { aThread } from '../support/thread-builder.ts';
import { createRefundAgent, fakeDeps, INVOICE } from './refund-agent.ts';

const REFUND = { invoiceId: 'INV-1001', amountEur: 50 };
const NOT_APPROVED = 'not approved: this tool runs only after a person approves these exact arguments';

/** user (1), create_refund call (2), approval request (3): the call's id is event-2. */
const refundAsked = (options: Parameters<ReturnType<typeof aThread>['approvalRequest']>[0] = {}) =>
  aThread().user('Refund 50 EUR on INV-1001').call('create_refund', REFUND).approvalRequest(options);

const toolError = (callId: string, tool: string, message: string) => ({
  id: 'ev-1',
  at: '2026-01-01T00:00:00.000Z',
  key: `result:${callId}`,
  type: 'tool-error',
  data: { callId, tool, message },
});

describe('runTool', () => {
  it('runs the pending call and records its result, keyed by the call id', async () => {
    const { agent } = createRefundAgent();
    const thread = aThread()
      .user('What is INV-1001?')
      .call('lookup_invoice', { invoiceId: 'INV-1001' })
      .build();

    const events = await runTool(thread, agent, 'event-2', fakeDeps());

    expect(events).toEqual([
      {
        id: 'ev-1',
        at: '2026-01-01T00:00:00.000Z',
        key: 'result:event-2',
        type: 'tool-result',
        data: { callId: 'event-2', tool: 'lookup_invoice', result: INVOICE },
      },
    ]);
  });

  it('tells the tool which thread and call it serves', async () => {
    const echo = defineTool({
      name: 'echo_context',
      description: 'Echoes its context.',
      input: z.object({}),
      execute: (_args, context) => ({ ...context }),
    });
    const { agent } = createRefundAgent({ tools: [echo] });
    const thread = aThread('thread-42').user('hi').call('echo_context', {}).build();

    const events = await runTool(thread, agent, 'event-2', fakeDeps());

    expect(events[0]?.data).toEqual({
      callId: 'event-2',
      tool: 'echo_context',
      result: { threadId: 'thread-42', callId: 'event-2' },
    });
  });

  it('runs an approved call with exactly the arguments the person saw', async () => {
    const { agent, refunds } = createRefundAgent();

    const events = await runTool(refundAsked().approve().build(), agent, 'event-2', fakeDeps());

    expect(events).toEqual([
      {
        id: 'ev-1',
        at: '2026-01-01T00:00:00.000Z',
        key: 'result:event-2',
        type: 'tool-result',
        data: { callId: 'event-2', tool: 'create_refund', result: { refunded: 50, invoiceId: 'INV-1001' } },
      },
    ]);
    expect(refunds).toEqual([{ ...REFUND, callId: 'event-2' }]);
  });

  it('runs an edited call with the edited arguments', async () => {
    const { agent, refunds } = createRefundAgent();
    const thread = refundAsked().edit({ invoiceId: 'INV-1001', amountEur: 40 }).build();

    await runTool(thread, agent, 'event-2', fakeDeps());

    expect(refunds).toEqual([{ invoiceId: 'INV-1001', amountEur: 40, callId: 'event-2' }]);
  });

  it('refuses a gated tool the thread holds no approval for', async () => {
    const { agent, refunds } = createRefundAgent();
    const thread = aThread().user('Refund 50 EUR').call('create_refund', REFUND).build();

    const events = await runTool(thread, agent, 'event-2', fakeDeps());

    expect(events).toEqual([toolError('event-2', 'create_refund', NOT_APPROVED)]);
    expect(refunds).toEqual([]);
  });

  it('refuses a call whose arguments differ from the ones whose hash was approved', async () => {
    const { agent, refunds } = createRefundAgent();
    const thread = refundAsked({ argsHash: hashArgs({ ...REFUND, amountEur: 5 }) })
      .approve()
      .build();

    const events = await runTool(thread, agent, 'event-2', fakeDeps());

    expect(events).toEqual([toolError('event-2', 'create_refund', NOT_APPROVED)]);
    expect(refunds).toEqual([]);
  });

  it('does not count an approval of another call with the same arguments', async () => {
    const { agent, refunds } = createRefundAgent();
    const thread = refundAsked().approve().result({ refunded: 50 }).call('create_refund', REFUND).build();

    const events = await runTool(thread, agent, 'event-6', fakeDeps());

    expect(events).toEqual([toolError('event-6', 'create_refund', NOT_APPROVED)]);
    expect(refunds).toEqual([]);
  });

  it('records an unknown tool as a tool-error', async () => {
    const { agent } = createRefundAgent();
    const thread = aThread().user('hi').call('refund_everything', {}).build();

    const events = await runTool(thread, agent, 'event-2', fakeDeps());

    expect(events).toEqual([toolError('event-2', 'refund_everything', 'unknown tool "refund_everything"')]);
  });

  it('records invalid arguments as a tool-error', async () => {
    const { agent } = createRefundAgent();
    const thread = aThread().user('hi').call('lookup_invoice', { invoiceId: '' }).build();

    const events = await runTool(thread, agent, 'event-2', fakeDeps());

    expect(events).toEqual([
      toolError(
        'event-2',
        'lookup_invoice',
        'invalid arguments: invoiceId: Too small: expected string to have >=1 characters',
      ),
    ]);
  });

  it.each([
    [
      'a call that is not pending',
      aThread().user('hi').call('lookup_invoice', { invoiceId: 'INV-1' }),
      'event-9',
    ],
    [
      'a call that already has a result',
      aThread().user('hi').call('lookup_invoice', { invoiceId: 'INV-1' }).result({}),
      'event-2',
    ],
    ['a rejected call', refundAsked().reject('no'), 'event-2'],
    ['a call still waiting for approval', refundAsked(), 'event-2'],
  ])('throws ThreadStateError for %s', async (_name, builder, callId) => {
    const { agent } = createRefundAgent();

    await expect(runTool(builder.build(), agent, callId, fakeDeps())).rejects.toThrow(
      new ThreadStateError('thread-1', `no pending tool call ${callId}`),
    );
  });
});
