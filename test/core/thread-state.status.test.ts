import { describe, expect, it } from 'vitest';
import { deriveThreadState } from '../../lib/core/thread-state.ts';
import { aThread, type ThreadBuilder } from '../support/thread-builder.ts';

const REFUND = { invoiceId: 'INV-1001', amountEur: 50 };

/** A thread that waits for a person to approve a refund. */
const awaitingApproval = () =>
  aThread().user('Refund 50 EUR on INV-1001').call('create_refund', REFUND).approvalRequest();

const statusOf = (builder: ThreadBuilder) => deriveThreadState(builder.build().events).status;

describe('deriveThreadState status', () => {
  it('is running for an empty thread and for a new message', () => {
    expect(deriveThreadState([]).status).toBe('running');
    expect(statusOf(aThread().user('hello'))).toBe('running');
  });

  it('is running while a tool call waits to run', () => {
    expect(statusOf(aThread().user('hi').call('lookup_invoice', { invoiceId: 'INV-1001' }))).toBe('running');
  });

  it('is awaiting-approval after an approval request', () => {
    expect(statusOf(awaitingApproval())).toBe('awaiting-approval');
  });

  it('is running again once the approval is decided', () => {
    expect(statusOf(awaitingApproval().approve())).toBe('running');
    expect(statusOf(awaitingApproval().reject('too much'))).toBe('running');
  });

  it('is awaiting-human after a question and running after the answer', () => {
    const asked = aThread().user('refund my invoice').call('request_human_input', { question: 'Which one?' });

    expect(statusOf(asked.question('Which one?'))).toBe('awaiting-human');
    expect(statusOf(asked.answer('INV-1001'))).toBe('running');
  });

  it('is done after agent-done', () => {
    expect(statusOf(aThread().user('hi').call('done_for_now', { message: 'Hello!' }).done('Hello!'))).toBe(
      'done',
    );
  });

  it('is failed after a failure', () => {
    expect(statusOf(aThread().user('hi').fail('model unavailable'))).toBe('failed');
  });

  it('is escalated after an escalation', () => {
    expect(statusOf(aThread().user('hi').escalate('step-cap'))).toBe('escalated');
  });

  it('is paused after a pause, whatever it was doing', () => {
    expect(statusOf(aThread().user('hi').pause())).toBe('paused');
    expect(statusOf(awaitingApproval().pause())).toBe('paused');
  });

  it('returns to the status it had before the pause once resumed', () => {
    expect(statusOf(awaitingApproval().pause().resume())).toBe('awaiting-approval');
    expect(statusOf(aThread().user('hi').escalate('budget').pause().resume())).toBe('escalated');
  });

  it('stays paused when an approval is decided during the pause, then runs on resume', () => {
    const decidedWhilePaused = awaitingApproval().pause().approve();

    expect(statusOf(decidedWhilePaused)).toBe('paused');
    expect(statusOf(decidedWhilePaused.resume())).toBe('running');
  });

  it('is cancelled after a cancel, even if paused or resumed later', () => {
    expect(statusOf(awaitingApproval().cancel())).toBe('cancelled');
    expect(statusOf(awaitingApproval().pause().cancel().resume())).toBe('cancelled');
  });

  it('starts a new turn when a message arrives after done', () => {
    const thread = aThread()
      .user('hi')
      .call('lookup_invoice', { invoiceId: 'INV-1001' })
      .result({ amountEur: 120 })
      .call('done_for_now', { message: 'It is 120 EUR.' })
      .done('It is 120 EUR.')
      .user('and INV-1002?')
      .build();

    const state = deriveThreadState(thread.events);

    expect(state).toEqual({
      status: 'running',
      consecutiveErrors: 0,
      stepCount: 0,
      inputTokens: 200,
      outputTokens: 40,
      costUsd: 0,
      lastSeq: 6,
    });
  });

  it('starts a new turn, clearing the escalation, when a message arrives after an escalation', () => {
    const thread = aThread()
      .user('hi')
      .call('nope', {})
      .error('unknown tool')
      .escalate('consecutive-errors', '3 tool errors in a row')
      .user('try again')
      .build();

    const state = deriveThreadState(thread.events);

    expect(state).toEqual({
      status: 'running',
      consecutiveErrors: 0,
      stepCount: 0,
      inputTokens: 100,
      outputTokens: 20,
      costUsd: 0,
      lastSeq: 5,
    });
  });

  it('keeps counting the turn when a message arrives while it runs', () => {
    const thread = aThread()
      .user('hi')
      .call('lookup_invoice', { invoiceId: 'INV-1' })
      .result({})
      .user('also INV-2');

    expect(deriveThreadState(thread.build().events).stepCount).toBe(1);
  });

  it('records the escalation reason and the event that escalated', () => {
    const thread = aThread().user('hi').escalate('guardrail', 'a guardrail blocked the reply').build();

    expect(deriveThreadState(thread.events).escalation).toEqual({
      reason: 'guardrail',
      detail: 'a guardrail blocked the reply',
      eventId: 'event-2',
    });
  });
});
