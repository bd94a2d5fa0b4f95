import { describe, expect, it } from 'vitest';
import { hashArgs } from '../../lib/core/hash.ts';
import { deriveThreadState } from '../../lib/core/thread-state.ts';
import { aThread, timeOf } from '../support/thread-builder.ts';

const REFUND = { invoiceId: 'INV-1001', amountEur: 50 };

/** user (1), create_refund call (2), approval request (3). */
const awaitingApproval = () =>
  aThread().user('Refund 50 EUR on INV-1001').call('create_refund', REFUND).approvalRequest();

describe('deriveThreadState pending work', () => {
  it('holds the call the model chose until its result arrives', () => {
    const called = aThread().user('hi').call('lookup_invoice', { invoiceId: 'INV-1001' });

    expect(deriveThreadState(called.build().events).pendingCall).toEqual({
      callId: 'event-2',
      tool: 'lookup_invoice',
      args: { invoiceId: 'INV-1001' },
    });
    expect(deriveThreadState(called.result({ amountEur: 120 }).build().events).pendingCall).toBeUndefined();
  });

  it('holds no call for the built-in intents', () => {
    const thread = aThread().user('hi').call('request_human_input', { question: 'Which invoice?' }).build();

    expect(deriveThreadState(thread.events).pendingCall).toBeUndefined();
  });

  it('holds the pending approval and no runnable call while a person decides', () => {
    const state = deriveThreadState(awaitingApproval().build().events);

    expect(state.pendingCall).toBeUndefined();
    expect(state.pendingApproval).toEqual({
      approvalId: 'approval-3',
      callId: 'event-2',
      tool: 'create_refund',
      args: REFUND,
      argsHash: hashArgs(REFUND),
      seq: 3,
      at: timeOf(3),
    });
  });

  it('makes the approved call runnable with the arguments the person saw', () => {
    const state = deriveThreadState(awaitingApproval().approve().build().events);

    expect(state.pendingApproval).toBeUndefined();
    expect(state.pendingCall).toMatchObject({ callId: 'event-2', tool: 'create_refund', args: REFUND });
  });

  // The approve and edit branches spread the whole pending approval into the pending call, so the
  // call also carries approvalId, argsHash, seq and at: more than `PendingCall` says it holds.
  it('makes a pending call of exactly callId, tool and args after an approval', () => {
    const state = deriveThreadState(awaitingApproval().approve().build().events);

    expect(state.pendingCall).toEqual({ callId: 'event-2', tool: 'create_refund', args: REFUND });
  });

  it('makes the edited call runnable with the edited arguments', () => {
    const edited = { invoiceId: 'INV-1001', amountEur: 40 };

    const state = deriveThreadState(awaitingApproval().edit(edited).build().events);

    expect(state.pendingApproval).toBeUndefined();
    expect(state.pendingCall).toMatchObject({ callId: 'event-2', tool: 'create_refund', args: edited });
  });

  it.each([
    ['a rejection', (thread: ReturnType<typeof awaitingApproval>) => thread.reject('too much')],
    ['an expiry', (thread: ReturnType<typeof awaitingApproval>) => thread.expire()],
  ])('leaves nothing to run after %s, so the model takes the next step', (_name, decide) => {
    const state = deriveThreadState(decide(awaitingApproval()).build().events);

    expect(state.status).toBe('running');
    expect(state.pendingApproval).toBeUndefined();
    expect(state.pendingCall).toBeUndefined();
  });

  it('ignores a decision for an approval that is not the pending one', () => {
    const state = deriveThreadState(awaitingApproval().approve('approval-99').build().events);

    expect(state.status).toBe('awaiting-approval');
    expect(state.pendingApproval?.approvalId).toBe('approval-3');
    expect(state.pendingCall).toBeUndefined();
  });

  it('holds the pending question until it is answered', () => {
    const asked = aThread()
      .user('refund my invoice')
      .call('request_human_input', { question: 'Which invoice?' })
      .question('Which invoice?');

    expect(deriveThreadState(asked.build().events).pendingQuestion).toEqual({
      requestId: 'question-3',
      question: 'Which invoice?',
      seq: 3,
    });
    expect(deriveThreadState(asked.answer('INV-1001').build().events).pendingQuestion).toBeUndefined();
  });

  it('places a pending approval not yet stored just after the last stored event', () => {
    const stored = aThread().user('Refund 50 EUR').call('create_refund', REFUND).build().events;
    const unstored = awaitingApproval().build().events[2]!;
    const { seq: _seq, ...withoutSeq } = unstored;

    const state = deriveThreadState([...stored, withoutSeq]);

    expect(state.pendingApproval?.seq).toBe(3);
    expect(state.lastSeq).toBe(2);
  });
});
