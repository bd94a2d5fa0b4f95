import { describe, expect, it } from 'vitest';
import { answerQuestion, decideApproval } from '../../lib/core/decide.ts';
import { ThreadStateError } from '../../lib/core/errors.ts';
import { deriveThreadState } from '../../lib/core/thread-state.ts';
import { aThread } from '../support/thread-builder.ts';
import { createRefundAgent, fakeDeps } from './refund-agent.ts';

const REFUND = { invoiceId: 'INV-1001', amountEur: 50 };

/** user (1), create_refund call (2), approval request (3) with id approval-3. */
const awaitingApproval = () =>
  aThread().user('Refund 50 EUR on INV-1001').call('create_refund', REFUND).approvalRequest();

const decisionEvent = (data: object) => ({
  id: 'ev-1',
  at: '2026-01-01T00:00:00.000Z',
  key: 'decision:approval-3',
  type: 'approval-decision',
  data,
});

describe('decideApproval', () => {
  it('records an approval, keyed by the approval id so it is decided once', () => {
    const { agent } = createRefundAgent();

    const outcome = decideApproval(
      awaitingApproval().build(),
      agent,
      'approval-3',
      { decision: 'approve', by: 'grace' },
      fakeDeps(),
    );

    expect(outcome).toEqual({
      ok: true,
      events: [decisionEvent({ decision: 'approve', approvalId: 'approval-3', by: 'grace' })],
    });
  });

  it('records a rejection with its feedback', () => {
    const { agent } = createRefundAgent();
    const input = { decision: 'reject' as const, feedback: 'Only 5 EUR' };

    const outcome = decideApproval(awaitingApproval().build(), agent, 'approval-3', input, fakeDeps());

    expect(outcome).toEqual({
      ok: true,
      events: [decisionEvent({ decision: 'reject', feedback: 'Only 5 EUR', approvalId: 'approval-3' })],
    });
  });

  it('records an expiry', () => {
    const { agent } = createRefundAgent();

    const outcome = decideApproval(
      awaitingApproval().build(),
      agent,
      'approval-3',
      { decision: 'expired' },
      fakeDeps(),
    );

    expect(outcome).toEqual({
      ok: true,
      events: [decisionEvent({ decision: 'expired', approvalId: 'approval-3' })],
    });
  });

  it('records edited arguments as the tool schema parses them', () => {
    const { agent } = createRefundAgent();
    const edited = { invoiceId: 'INV-1001', amountEur: 40, note: 'not in the schema' };

    const outcome = decideApproval(
      awaitingApproval().build(),
      agent,
      'approval-3',
      { decision: 'edit', args: edited },
      fakeDeps(),
    );

    expect(outcome).toEqual({
      ok: true,
      events: [
        decisionEvent({
          decision: 'edit',
          approvalId: 'approval-3',
          args: { invoiceId: 'INV-1001', amountEur: 40 },
        }),
      ],
    });
  });

  it('refuses edited arguments the tool schema rejects, saying why', () => {
    const { agent } = createRefundAgent();
    const edited = { invoiceId: 'INV-1001', amountEur: -40 };

    const outcome = decideApproval(
      awaitingApproval().build(),
      agent,
      'approval-3',
      { decision: 'edit', args: edited },
      fakeDeps(),
    );

    expect(outcome).toEqual({
      ok: false,
      reason: 'invalid arguments: amountEur: Too small: expected number to be >0',
    });
  });

  it('throws ThreadStateError when the pending approval names a tool the agent lacks', () => {
    const { agent } = createRefundAgent({ tools: [] });

    expect(() =>
      decideApproval(
        awaitingApproval().build(),
        agent,
        'approval-3',
        { decision: 'edit', args: REFUND },
        fakeDeps(),
      ),
    ).toThrow(new ThreadStateError('thread-1', 'approval approval-3 names unknown tool create_refund'));
  });

  it.each([
    ['an unknown approval id', awaitingApproval(), 'approval-99'],
    ['an approval already decided', awaitingApproval().approve(), 'approval-3'],
    ['a thread with no approval', aThread().user('hi'), 'approval-3'],
  ])('refuses a decision for %s', (_name, builder, approvalId) => {
    const { agent } = createRefundAgent();

    const outcome = decideApproval(builder.build(), agent, approvalId, { decision: 'approve' }, fakeDeps());

    expect(outcome).toEqual({
      ok: false,
      reason: `approval ${approvalId} is not pending on thread thread-1`,
    });
  });

  it('leaves a thread the runtime can run once the decision is appended', () => {
    const { agent } = createRefundAgent();
    const thread = awaitingApproval().build();

    const outcome = decideApproval(thread, agent, 'approval-3', { decision: 'approve' }, fakeDeps());

    const events = outcome.ok ? [...thread.events, ...outcome.events] : [];
    expect(deriveThreadState(events)).toMatchObject({
      status: 'running',
      pendingCall: { callId: 'event-2', tool: 'create_refund', args: REFUND },
    });
  });
});

describe('answerQuestion', () => {
  /** user (1), request_human_input call (2), question (3) with id question-3. */
  const asked = () =>
    aThread()
      .user('Refund my invoice')
      .call('request_human_input', { question: 'Which one?' })
      .question('Which one?');

  it('records the answer, keyed by the question so it is answered once', () => {
    const outcome = answerQuestion(
      asked().build(),
      'question-3',
      { text: 'INV-1001', from: 'ada' },
      fakeDeps(),
    );

    expect(outcome).toEqual({
      ok: true,
      events: [
        {
          id: 'ev-1',
          at: '2026-01-01T00:00:00.000Z',
          key: 'answer:question-3',
          type: 'human-input-response',
          data: { requestId: 'question-3', text: 'INV-1001', from: 'ada', channel: 'api', untrusted: false },
        },
      ],
    });
  });

  it('keeps an answer marked untrusted as untrusted', () => {
    const outcome = answerQuestion(
      asked().build(),
      'question-3',
      { text: 'INV-1', untrusted: true },
      fakeDeps(),
    );

    expect(
      outcome.ok && outcome.events[0]?.type === 'human-input-response' && outcome.events[0].data.untrusted,
    ).toBe(true);
  });

  it.each([
    ['an unknown question', asked(), 'question-99'],
    ['a question already answered', asked().answer('INV-1001'), 'question-3'],
  ])('refuses an answer to %s', (_name, builder, requestId) => {
    const outcome = answerQuestion(builder.build(), requestId, { text: 'INV-1001' }, fakeDeps());

    expect(outcome).toEqual({ ok: false, reason: `question ${requestId} is not pending on thread thread-1` });
  });
});
