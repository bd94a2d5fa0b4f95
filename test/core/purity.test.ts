import { describe, expect, it } from 'vitest';
import { call, ScriptedModel } from '../../lib/adapters/scripted-model.ts';
import { answerQuestion, decideApproval } from '../../lib/core/decide.ts';
import type { Thread } from '../../lib/core/events.ts';
import { runTool } from '../../lib/core/run-tool.ts';
import { step } from '../../lib/core/step.ts';
import { deriveThreadState } from '../../lib/core/thread-state.ts';
import { aThread } from '../support/thread-builder.ts';
import { createRefundAgent, deepFreeze, fakeDeps } from './refund-agent.ts';

const REFUND = { invoiceId: 'INV-1001', amountEur: 50 };

/** A thread with some of everything: a result, a resolved error, a rejection, an approved call. */
const history = () =>
  aThread()
    .user('Refund 50 EUR on INV-1001', { channel: 'email', untrusted: true, from: 'ada@example.com' })
    .call('lookup_invoice', {})
    .error('invalid arguments: invoiceId: expected string, received undefined')
    .call('lookup_invoice', { invoiceId: 'INV-1001' })
    .result({ invoiceId: 'INV-1001', amountEur: 120, apiKey: 'sk-live-1', lines: [{ sku: 'A', eur: 120 }] })
    .call('create_refund', { invoiceId: 'INV-1001', amountEur: 500 })
    .approvalRequest()
    .reject('The customer asked for 50 EUR')
    .call('create_refund', REFUND);

/** Freezes the thread all the way down and returns a copy to compare against afterwards. */
const frozen = (thread: Thread): { thread: Thread; before: Thread } => {
  const before = structuredClone(thread);
  return { thread: deepFreeze(thread), before };
};

describe('purity', () => {
  it('deep-freezes the thread the tests hand in', () => {
    const { thread } = frozen(history().build());

    expect(Object.isFrozen(thread.events)).toBe(true);
    expect(Object.isFrozen(thread.events[4]?.data)).toBe(true);
  });

  it('step never mutates the thread it is given', async () => {
    const { agent } = createRefundAgent();
    const { thread, before } = frozen(history().approvalRequest().approve().result({ refunded: 50 }).build());
    const model = new ScriptedModel([
      { text: 'Done, I think.', stopReason: 'end_turn' },
      call('create_refund', REFUND),
    ]);

    const result = await step(thread, agent, fakeDeps(model));

    expect(result.next.kind).toBe('approval');
    expect(thread).toEqual(before);
  });

  it('step leaves the thread unchanged when it escalates', async () => {
    const { agent } = createRefundAgent({ limits: { maxConsecutiveErrors: 2 } });
    const { thread, before } = frozen(history().error('ledger unavailable').build());
    const model = new ScriptedModel([call('nope', {})]);

    const result = await step(thread, agent, fakeDeps(model));

    expect(result.next).toEqual({ kind: 'escalate', reason: 'consecutive-errors' });
    expect(thread).toEqual(before);
  });

  it('runTool never mutates the thread it is given', async () => {
    const { agent, refunds } = createRefundAgent();
    const { thread, before } = frozen(
      history().approvalRequest().edit({ invoiceId: 'INV-1001', amountEur: 40 }).build(),
    );

    const events = await runTool(thread, agent, 'event-9', fakeDeps());

    expect(events.map((event) => event.type)).toEqual(['tool-result']);
    expect(refunds).toEqual([{ invoiceId: 'INV-1001', amountEur: 40, callId: 'event-9' }]);
    expect(thread).toEqual(before);
  });

  it('decideApproval never mutates the thread it is given', () => {
    const { agent } = createRefundAgent();
    const { thread, before } = frozen(history().approvalRequest({ approvalId: 'approval-1' }).build());

    const outcomes = [
      decideApproval(thread, agent, 'approval-1', { decision: 'approve' }, fakeDeps()),
      decideApproval(thread, agent, 'approval-1', { decision: 'reject', feedback: 'no' }, fakeDeps()),
      decideApproval(
        thread,
        agent,
        'approval-1',
        { decision: 'edit', args: { ...REFUND, amountEur: 1 } },
        fakeDeps(),
      ),
    ];

    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, true, true]);
    expect(thread).toEqual(before);
  });

  it('answerQuestion and deriveThreadState never mutate the thread they are given', () => {
    const built = aThread().user('Refund my invoice').call('request_human_input', { question: 'Which?' });
    const { thread, before } = frozen(built.question('Which?').build());

    const outcome = answerQuestion(thread, 'question-3', { text: 'INV-1001' }, fakeDeps());
    const state = deriveThreadState(thread.events);

    expect(outcome.ok).toBe(true);
    expect(state.status).toBe('awaiting-human');
    expect(thread).toEqual(before);
  });
});
