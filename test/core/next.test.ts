import { describe, expect, it } from 'vitest';
import { NextSchema, nextOf } from '../../lib/core/next.ts';
import { deriveThreadState } from '../../lib/core/thread-state.ts';
import { aThread, type ThreadBuilder } from '../support/thread-builder.ts';

const nextOfThread = (builder: ThreadBuilder) => nextOf(deriveThreadState(builder.build().events));
const REFUND = { invoiceId: 'INV-1001', amountEur: 50 };

describe('nextOf', () => {
  it('leaves the next step to the model when nothing is pending', () => {
    expect(nextOfThread(aThread().user('hi'))).toBeUndefined();
    expect(
      nextOfThread(aThread().user('hi').call('lookup_invoice', { invoiceId: 'INV-1' }).result({})),
    ).toBeUndefined();
  });

  it('runs the pending tool call', () => {
    expect(nextOfThread(aThread().user('hi').call('lookup_invoice', { invoiceId: 'INV-1' }))).toEqual({
      kind: 'tool',
      tool: 'lookup_invoice',
      callId: 'event-2',
    });
  });

  it('waits for the pending approval', () => {
    const thread = aThread().user('hi').call('create_refund', REFUND).approvalRequest();

    expect(nextOfThread(thread)).toEqual({
      kind: 'approval',
      tool: 'create_refund',
      callId: 'event-2',
      approvalId: 'approval-3',
    });
  });

  it('runs the approved call once it is approved', () => {
    const thread = aThread().user('hi').call('create_refund', REFUND).approvalRequest().approve();

    expect(nextOfThread(thread)).toEqual({ kind: 'tool', tool: 'create_refund', callId: 'event-2' });
  });

  it('waits for the answer to a pending question', () => {
    const thread = aThread()
      .user('hi')
      .call('request_human_input', { question: 'Which?' })
      .question('Which?');

    expect(nextOfThread(thread)).toEqual({ kind: 'human', requestId: 'question-3' });
  });

  it('is done after agent-done and escalates with the reason after an escalation', () => {
    expect(nextOfThread(aThread().user('hi').call('done_for_now', { message: 'Hi' }).done('Hi'))).toEqual({
      kind: 'done',
    });
    expect(nextOfThread(aThread().user('hi').escalate('budget'))).toEqual({
      kind: 'escalate',
      reason: 'budget',
    });
  });

  it('says only what NextSchema accepts', () => {
    const thread = aThread().user('hi').call('create_refund', REFUND).approvalRequest();

    const next = nextOfThread(thread);

    expect(NextSchema.parse(next)).toEqual(next);
  });
});
