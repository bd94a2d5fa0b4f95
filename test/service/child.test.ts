import { describe, expect, it } from 'vitest';
import type { Next } from '../../lib/core/next.ts';
import { awaitHuman } from '../../lib/service/await-human.ts';
import { finishThread } from '../../lib/service/finish.ts';
import { recordFailure } from '../../lib/service/on-failure.ts';
import { startChild } from '../../lib/service/start-child.ts';
import { createHarness, type Harness, modelStep, userMessage } from './harness.ts';

const NEXT: Next = { kind: 'child', callId: 'ev-2', childThreadId: 'th-child', agent: 'refunds' };

/** A manager thread whose model handed a refund to a child thread. */
const parentWithChild = async (harness: Harness, agent = 'refunds'): Promise<Next> => {
  await harness.thread(
    'th-parent',
    [
      userMessage('Refund INV-1001 through the team'),
      modelStep('delegate_refund', { task: 'Refund INV-1001' }),
      {
        type: 'child-thread-started',
        data: { callId: 'ev-2', childThreadId: 'th-child', agent, task: 'Refund INV-1001' },
      },
    ],
    'manager',
  );
  return { ...NEXT, agent };
};

describe('child threads', () => {
  it('creates the child with its task and starts its first turn', async () => {
    const harness = createHarness();
    const next = await parentWithChild(harness);

    expect(await startChild('th-parent', next, harness.deps)).toEqual({
      childThreadId: 'th-child',
      action: 'started',
    });

    const child = await harness.store.load('th-child');
    expect(child.agent).toBe('refunds');
    expect(child.events).toMatchObject([
      {
        seq: 1,
        type: 'user-message',
        key: 'task:th-parent',
        data: { text: 'Refund INV-1001', channel: 'agent', from: 'th-parent' },
      },
    ]);
    expect(harness.orchestrator.calls).toEqual([{ method: 'startTurn', threadId: 'th-child', seq: 1 }]);
  });

  it('starts the child once when the task is retried', async () => {
    const harness = createHarness();
    const next = await parentWithChild(harness);
    await startChild('th-parent', next, harness.deps);

    expect(await startChild('th-parent', next, harness.deps)).toEqual({
      childThreadId: 'th-child',
      action: 'already-started',
    });
    expect((await harness.store.load('th-child')).events).toHaveLength(1);
  });

  it('tells the parent at once that a child of an unknown agent failed', async () => {
    const harness = createHarness();
    const next = await parentWithChild(harness, 'ghosts');

    expect(await startChild('th-parent', next, harness.deps)).toEqual({
      childThreadId: 'th-child',
      action: 'unknown-agent',
    });
    expect((await harness.store.load('th-parent')).events.at(-1)).toMatchObject({
      type: 'child-thread-done',
      key: 'child:ev-2',
      data: { outcome: 'failed', message: 'no agent is named ghosts' },
    });
  });

  it('reports a finished child to its parent and resumes the parent’s wait', async () => {
    const harness = createHarness();
    const next = await parentWithChild(harness);
    await startChild('th-parent', next, harness.deps);
    await awaitHuman({ threadId: 'th-parent', next, taskToken: 'parent-token' }, harness.deps);
    await harness.store.append('th-child', [
      {
        id: 'ev-done',
        at: '2026-01-01T00:01:00.000Z',
        type: 'agent-done',
        data: { message: 'Refunded 120 EUR.' },
      },
    ]);

    expect(await finishThread('th-child', 'done', harness.deps)).toEqual({
      notified: false,
      parentId: 'th-parent',
    });

    expect((await harness.store.load('th-parent')).events.at(-1)).toMatchObject({
      type: 'child-thread-done',
      data: { callId: 'ev-2', childThreadId: 'th-child', outcome: 'done', message: 'Refunded 120 EUR.' },
    });
    expect(harness.orchestrator.calls.at(-1)).toEqual({
      method: 'resume',
      taskToken: 'parent-token',
      output: { approved: false, next: { kind: 'step' } },
    });
    expect(harness.notifier.sent).toEqual([]);
  });

  it('reports a failed child to its parent as failed', async () => {
    const harness = createHarness();
    const next = await parentWithChild(harness);
    await startChild('th-parent', next, harness.deps);
    await awaitHuman({ threadId: 'th-parent', next, taskToken: 'parent-token' }, harness.deps);

    const outcome = await recordFailure(
      'th-child',
      { Error: 'ModelFailed', Cause: 'bad request' },
      harness.deps,
    );

    expect(outcome).toEqual({ recorded: true, error: 'ModelFailed: bad request', parentId: 'th-parent' });
    expect((await harness.store.load('th-parent')).events.at(-1)).toMatchObject({
      type: 'child-thread-done',
      data: { outcome: 'failed', message: 'ModelFailed: bad request' },
    });
    expect(harness.orchestrator.calls.at(-1)).toMatchObject({ method: 'resume', taskToken: 'parent-token' });
  });

  it('lets a parent that stores its wait after the child ended go on at once', async () => {
    const harness = createHarness();
    const next = await parentWithChild(harness);
    await startChild('th-parent', next, harness.deps);
    await harness.store.append('th-child', [
      { id: 'ev-done', at: '2026-01-01T00:01:00.000Z', type: 'agent-done', data: { message: 'Done.' } },
    ]);
    await finishThread('th-child', 'done', harness.deps);

    const outcome = await awaitHuman({ threadId: 'th-parent', next, taskToken: 'late-token' }, harness.deps);

    expect(outcome.resumed).toBe(true);
    expect(harness.orchestrator.calls.at(-1)).toEqual({
      method: 'resume',
      taskToken: 'late-token',
      output: { approved: false, next: { kind: 'step' } },
    });
  });

  it('reports a child’s escalation to its parent; a thread that is no child tells nobody here', async () => {
    const harness = createHarness();
    const next = await parentWithChild(harness);
    await startChild('th-parent', next, harness.deps);
    await harness.store.append('th-child', [
      {
        id: 'ev-esc',
        at: '2026-01-01T00:01:00.000Z',
        type: 'escalation',
        data: { reason: 'step-cap', detail: 'stuck' },
      },
    ]);
    await harness.thread('th-solo', [
      userMessage('Hi'),
      { type: 'escalation', data: { reason: 'budget', detail: 'spent' } },
    ]);

    expect(await finishThread('th-child', 'escalation', harness.deps)).toEqual({
      notified: false,
      parentId: 'th-parent',
    });
    expect(await finishThread('th-solo', 'escalation', harness.deps)).toEqual({ notified: false });
    expect((await harness.store.load('th-parent')).events.at(-1)).toMatchObject({
      data: { outcome: 'escalated', message: 'stuck' },
    });
  });
});

describe('finishThread', () => {
  it('tells the people who wrote to a finished thread what it said last', async () => {
    const harness = createHarness();
    await harness.thread('th-1', [
      userMessage('Refund INV-1001', { channel: 'email', from: 'ada@example.com' }),
      { type: 'agent-done', data: { message: 'Refunded.' } },
    ]);

    expect(await finishThread('th-1', 'done', harness.deps)).toEqual({ notified: true });
    expect(harness.notifier.sent).toEqual([
      { kind: 'done', threadId: 'th-1', message: 'Refunded.', to: ['ada@example.com'] },
    ]);
  });
});
