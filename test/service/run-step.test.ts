import { describe, expect, it } from 'vitest';
import { ModelError } from '../../lib/adapters/model-error.ts';
import { call } from '../../lib/adapters/scripted-model.ts';
import type { Thread } from '../../lib/core/events.ts';
import type { ThreadStore } from '../../lib/core/ports.ts';
import { runStep } from '../../lib/service/run-step.ts';
import { createHarness, modelStep, userMessage } from './harness.ts';

describe('runStep', () => {
  it('takes one step, stores it keyed by the state it saw, and says what runs next', async () => {
    const { deps, store, thread } = createHarness([call('lookup_invoice', { invoiceId: 'INV-1001' })]);
    await thread('th-1', [userMessage('Refund INV-1001')]);

    const outcome = await runStep('th-1', deps);

    const events = (await store.load('th-1')).events;
    expect(outcome).toEqual({
      next: { kind: 'tool', tool: 'lookup_invoice', callId: events[1]!.id },
      seq: 2,
    });
    expect(events[1]).toMatchObject({ type: 'model-step', key: 'step:1:0' });
  });

  it('does not ask the model again when a retry finds the step already stored', async () => {
    const { deps, store, model, thread } = createHarness([call('lookup_invoice', { invoiceId: 'INV-1001' })]);
    await thread('th-1', [userMessage('Refund INV-1001')]);
    const first = await runStep('th-1', deps);

    const retried = await runStep('th-1', deps);

    expect(retried).toEqual(first);
    expect(model.requests).toHaveLength(1);
    expect((await store.load('th-1')).events).toHaveLength(2);
  });

  it('keeps the first answer when two invocations step from the same state', async () => {
    const { deps, store, thread } = createHarness([
      call('lookup_invoice', { invoiceId: 'INV-1001' }),
      call('done_for_now', { message: 'I would rather stop' }),
    ]);
    await thread('th-1', [userMessage('Refund INV-1001')]);
    const snapshot = await store.load('th-1');
    const first = await runStep('th-1', deps);

    const late = await runStep('th-1', { ...deps, store: staleOnce(store, snapshot) });

    expect(late).toEqual(first);
    const events = (await store.load('th-1')).events;
    expect(events.map((event) => event.type)).toEqual(['user-message', 'model-step']);
  });

  it('repairs a step interrupted between its appends, so the model takes it again', async () => {
    const { deps, store, model, thread } = createHarness([call('lookup_invoice', { invoiceId: 'INV-1001' })]);
    // The model asked for the gated tool; the crash lost the approval request that follows it.
    const [, dangling] = await thread('th-1', [
      userMessage('Refund INV-1001'),
      modelStep('create_refund', { invoiceId: 'INV-1001', amountEur: 120 }),
    ]);

    const outcome = await runStep('th-1', deps);

    const events = (await store.load('th-1')).events;
    expect(events.slice(2).map((event) => event.type)).toEqual(['tool-error', 'model-step']);
    expect(events[2]).toMatchObject({
      key: `result:${dangling!.id}`,
      data: {
        callId: dangling!.id,
        message: 'this step was interrupted before it was recorded in full: take it again',
      },
    });
    expect(outcome.next).toMatchObject({ kind: 'tool', tool: 'lookup_invoice' });
    expect(model.requests).toHaveLength(1);
  });

  it('leaves an approved gated call alone: it is the approval that made it pending', async () => {
    const { deps, model, thread } = createHarness();
    const [, step] = await thread('th-1', [
      userMessage('Refund INV-1001'),
      modelStep('create_refund', { invoiceId: 'INV-1001', amountEur: 120 }),
    ]);
    await deps.store.append('th-1', [
      {
        id: 'ev-apr',
        at: '2026-01-01T00:00:00.000Z',
        type: 'approval-request',
        data: {
          approvalId: 'apr-1',
          callId: step!.id,
          tool: 'create_refund',
          args: { invoiceId: 'INV-1001', amountEur: 120 },
          argsHash: 'h',
        },
      },
      {
        id: 'ev-dec',
        at: '2026-01-01T00:00:00.000Z',
        type: 'approval-decision',
        data: { decision: 'approve', approvalId: 'apr-1' },
      },
    ]);

    const outcome = await runStep('th-1', deps);

    expect(outcome).toEqual({ next: { kind: 'tool', tool: 'create_refund', callId: step!.id }, seq: 4 });
    expect(model.requests).toHaveLength(0);
  });

  it('throws ModelThrottled for a model failure a retry may fix, and ModelFailed for one it cannot', async () => {
    const throttled = createHarness();
    await throttled.thread('th-1', [userMessage('Refund INV-1001')]);
    const failing = (retryable: boolean) => ({
      id: 'm',
      next: async () => {
        throw new ModelError('429 Too Many Requests', { modelId: 'm', status: 429, retryable });
      },
    });

    await expect(runStep('th-1', { ...throttled.deps, model: failing(true) })).rejects.toMatchObject({
      name: 'ModelThrottled',
      message: 'thread th-1: the model is throttled or unavailable, retry later: 429 Too Many Requests',
    });
    await expect(runStep('th-1', { ...throttled.deps, model: failing(false) })).rejects.toMatchObject({
      name: 'ModelFailed',
    });
  });

  it('refuses to step a paused thread, which ends the turn', async () => {
    const { deps, thread } = createHarness();
    await thread('th-1', [userMessage('Refund INV-1001'), { type: 'paused', data: {} }]);

    await expect(runStep('th-1', deps)).rejects.toMatchObject({ name: 'ThreadNotRunnableError' });
  });
});

/** A store whose first load returns an old snapshot: a second invocation that read before the first wrote. */
const staleOnce = (store: ThreadStore, snapshot: Thread): ThreadStore => {
  let stale = true;
  return {
    create: (input) => store.create(input),
    append: (threadId, events) => store.append(threadId, events),
    list: (query) => store.list(query),
    fork: (threadId, atSeq, input) => store.fork(threadId, atSeq, input),
    load: async (threadId) => {
      if (!stale) return store.load(threadId);
      stale = false;
      return snapshot;
    },
  };
};
