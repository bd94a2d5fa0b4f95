import { describe, expect, it } from 'vitest';
import { InMemoryThreadStore } from '../../lib/adapters/memory-thread-store.ts';
import { call, ScriptedModel, type ScriptedTurn } from '../../lib/adapters/scripted-model.ts';
import type { Agent } from '../../lib/core/agent.ts';
import type { DecisionInput } from '../../lib/core/decide.ts';
import { driveThread, type Humans } from '../../lib/core/drive.ts';
import type { Event } from '../../lib/core/events.ts';
import { FixedClock } from '../fakes/fixed-clock.ts';
import { SequentialIds } from '../fakes/sequential-ids.ts';
import { createRefundAgent } from './refund-agent.ts';

const REFUND = { invoiceId: 'INV-1001', amountEur: 50 };

/** People who answer from a script, and remember what they were shown. */
const scriptedHumans = (decisions: DecisionInput[], answers: string[] = []) => {
  const seen = {
    approvals: [] as unknown[],
    problems: [] as (string | undefined)[],
    questions: [] as string[],
  };
  const humans: Humans = {
    decide: async (approval, _thread, problem) => {
      seen.approvals.push({ tool: approval.tool, args: approval.args });
      seen.problems.push(problem);
      const decision = decisions.shift();
      if (!decision) throw new Error('scriptedHumans: no decision left');
      return decision;
    },
    answer: async (question) => {
      seen.questions.push(question.question);
      const answer = answers.shift();
      if (answer === undefined) throw new Error('scriptedHumans: no answer left');
      return answer;
    },
  };
  return { humans, seen };
};

/** Stores a thread holding one message, drives it to its end, and hands back all it saw. */
const drive = async (
  agent: Agent,
  turns: ScriptedTurn[],
  humans: Humans,
  text = 'Refund 50 EUR on INV-1001',
) => {
  const store = new InMemoryThreadStore();
  const model = new ScriptedModel(turns);
  const batches: (readonly Event[])[] = [];
  await store.create({ threadId: 'thread-1', agent: agent.name, at: '2026-01-01T00:00:00.000Z' });
  await store.append('thread-1', [
    {
      id: 'message-1',
      at: '2026-01-01T00:00:00.000Z',
      type: 'user-message',
      data: { text, channel: 'api', untrusted: false },
    },
  ]);
  const deps = { store, model, clock: new FixedClock(), ids: new SequentialIds(), humans };
  const state = await driveThread('thread-1', agent, { ...deps, onEvents: (events) => batches.push(events) });
  const thread = await store.load('thread-1');
  return { state, model, thread, batches, types: thread.events.map((event) => event.type) };
};

describe('driveThread', () => {
  it('looks up, asks for approval, runs the approved tool and finishes', async () => {
    const { agent, refunds } = createRefundAgent();
    const { humans, seen } = scriptedHumans([{ decision: 'approve', by: 'grace' }]);

    const { state, types, batches, model } = await drive(
      agent,
      [
        call('lookup_invoice', { invoiceId: 'INV-1001' }),
        call('create_refund', REFUND),
        call('done_for_now', { message: 'Refunded 50 EUR.' }),
      ],
      humans,
    );

    expect(state).toEqual({
      status: 'done',
      consecutiveErrors: 0,
      stepCount: 3,
      inputTokens: 300,
      outputTokens: 60,
      costUsd: 0,
      lastSeq: 9,
    });
    expect(types).toEqual([
      'user-message',
      'model-step',
      'tool-result',
      'model-step',
      'approval-request',
      'approval-decision',
      'tool-result',
      'model-step',
      'agent-done',
    ]);
    expect(batches.flat().map((event) => event.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seen.approvals).toEqual([{ tool: 'create_refund', args: REFUND }]);
    expect(refunds).toEqual([{ ...REFUND, callId: 'ev-3' }]);
    expect(model.remaining).toBe(0);
  });

  it('shows the model the feedback of a rejection, and runs only the approved call', async () => {
    const { agent, refunds } = createRefundAgent();
    const { humans } = scriptedHumans([
      { decision: 'reject', feedback: 'Only 50 EUR was charged twice, not 500.' },
      { decision: 'approve' },
    ]);

    const { state, model } = await drive(
      agent,
      [
        call('create_refund', { invoiceId: 'INV-1001', amountEur: 500 }),
        call('create_refund', REFUND),
        call('done_for_now', { message: 'Refunded 50 EUR.' }),
      ],
      humans,
    );

    expect(state.status).toBe('done');
    expect(model.requests[1]?.context).toContain(
      '<approval>\nrejected\nfeedback: Only 50 EUR was charged twice, not 500.\n</approval>',
    );
    expect(JSON.stringify(model.requests[1])).toContain('Only 50 EUR was charged twice, not 500.');
    expect(refunds.map(({ amountEur }) => amountEur)).toEqual([50]);
  });

  it('asks again, saying why, when edited arguments are invalid, then runs the valid edit', async () => {
    const { agent, refunds } = createRefundAgent();
    const { humans, seen } = scriptedHumans([
      { decision: 'edit', args: { invoiceId: 'INV-1001', amountEur: 'forty' } },
      { decision: 'edit', args: { invoiceId: 'INV-1001', amountEur: 40 } },
    ]);

    const { state } = await drive(
      agent,
      [call('create_refund', REFUND), call('done_for_now', { message: 'Refunded 40 EUR.' })],
      humans,
    );

    expect(state.status).toBe('done');
    expect(seen.problems).toEqual([
      undefined,
      'invalid arguments: amountEur: expected number, received string',
    ]);
    expect(refunds.map(({ amountEur }) => amountEur)).toEqual([40]);
  });

  it('passes a question to a person and their answer to the model', async () => {
    const { agent } = createRefundAgent();
    const { humans, seen } = scriptedHumans([], ['INV-1001']);

    const { state, model } = await drive(
      agent,
      [
        call('request_human_input', { question: 'Which invoice?' }),
        call('done_for_now', { message: 'Thanks.' }),
      ],
      humans,
      'Refund my invoice',
    );

    expect(state.status).toBe('done');
    expect(seen.questions).toEqual(['Which invoice?']);
    expect(model.requests[1]?.context).toContain('<human>INV-1001</human>');
  });

  it('stops when the thread escalates', async () => {
    const { agent } = createRefundAgent({ limits: { maxConsecutiveErrors: 2 } });
    const { humans } = scriptedHumans([]);

    const { state, types } = await drive(agent, [call('nope', {}), call('nope', {})], humans);

    expect(state.status).toBe('escalated');
    expect(state.escalation).toEqual({
      reason: 'consecutive-errors',
      detail: '2 tool errors in a row',
      eventId: 'ev-5',
    });
    expect(types.at(-1)).toBe('escalation');
  });
});
