import { describe, expect, it } from 'vitest';
import { deriveThreadState } from '../../lib/core/thread-state.ts';
import { aThread } from '../support/thread-builder.ts';

const LOOKUP = { invoiceId: 'INV-1001' };

describe('deriveThreadState counters', () => {
  it('counts model steps in the turn, intents and failed calls included', () => {
    const thread = aThread()
      .user('hi')
      .call('lookup_invoice', LOOKUP)
      .result({ amountEur: 120 })
      .call('lookup_invoice', { invoiceId: 42 })
      .error('invalid arguments: invoiceId: expected string, received number')
      .call('request_human_input', { question: 'Which invoice?' })
      .question('Which invoice?')
      .build();

    expect(deriveThreadState(thread.events).stepCount).toBe(3);
  });

  it('counts tool errors in a row', () => {
    const thread = aThread()
      .user('hi')
      .call('lookup_invoice', {})
      .error('invalid arguments')
      .call('refund_everything', {})
      .error('unknown tool')
      .build();

    expect(deriveThreadState(thread.events).consecutiveErrors).toBe(2);
  });

  it('resets the error streak on a success, so a later error counts from one', () => {
    const thread = aThread()
      .user('hi')
      .call('lookup_invoice', {})
      .error('invalid arguments')
      .call('lookup_invoice', {})
      .error('invalid arguments')
      .call('lookup_invoice', LOOKUP)
      .result({ amountEur: 120 });

    expect(deriveThreadState(thread.build().events).consecutiveErrors).toBe(0);

    thread.call('create_refund', { amountEur: -1 }).error('invalid arguments');

    expect(deriveThreadState(thread.build().events).consecutiveErrors).toBe(1);
  });

  it('resets the error streak when a person answers', () => {
    const thread = aThread()
      .user('hi')
      .call('lookup_invoice', {})
      .error('invalid arguments')
      .call('request_human_input', { question: 'Which invoice?' })
      .question('Which invoice?')
      .answer('INV-1001')
      .build();

    expect(deriveThreadState(thread.events).consecutiveErrors).toBe(0);
  });

  it('sums tokens and estimated dollars over every model step, across turns', () => {
    const thread = aThread()
      .user('hi')
      .call('lookup_invoice', LOOKUP, {
        model: 'gpt-4o',
        inputTokens: 1000,
        outputTokens: 50,
        costUsd: 0.003,
      })
      .result({ amountEur: 120 })
      .call('done_for_now', { message: '120 EUR' }, { inputTokens: 1200, outputTokens: 30, costUsd: 0.0033 })
      .done('120 EUR')
      .user('thanks')
      .call(
        'done_for_now',
        { message: 'You are welcome' },
        { inputTokens: 1300, outputTokens: 10, costUsd: 0.0034 },
      )
      .build();

    const state = deriveThreadState(thread.events);

    expect(state).toEqual({
      status: 'running',
      consecutiveErrors: 0,
      stepCount: 1,
      inputTokens: 3500,
      outputTokens: 90,
      costUsd: expect.closeTo(0.0097, 10),
      lastSeq: 7,
    });
  });

  it('tracks the seq of the last stored event', () => {
    const thread = aThread().user('hi').call('lookup_invoice', LOOKUP).result({}).build();

    expect(deriveThreadState(thread.events).lastSeq).toBe(3);
    expect(deriveThreadState([]).lastSeq).toBe(0);
  });
});
