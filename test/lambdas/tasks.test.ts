import { describe, expect, it } from 'vitest';
import { createHandler as createAwaitHuman } from '../../lambdas/await-human.ts';
import { createHandler as createExpire } from '../../lambdas/expire.ts';
import { createHandler as createNotify } from '../../lambdas/notify.ts';
import { createHandler as createOnFailure } from '../../lambdas/on-failure.ts';
import { createHandler as createStartChild } from '../../lambdas/start-child.ts';
import { modelStep, userMessage } from '../service/harness.ts';
import { createHandlerHarness } from './support.ts';

describe('state machine task handlers', () => {
  it('await-human stores the wait, returns {}, and never logs or returns the token', async () => {
    const { handlerDeps, thread, waits } = createHandlerHarness();
    await thread('th-1', [
      userMessage('Refund'),
      modelStep('request_human_input', { question: 'Which invoice?' }),
      { type: 'human-input-request', data: { requestId: 'q-1', callId: 'ev-2', question: 'Which invoice?' } },
    ]);

    const output = await createAwaitHuman(handlerDeps)({
      threadId: 'th-1',
      next: { kind: 'human', requestId: 'q-1' },
      taskToken: 'AQCEAAAAKgAAAAMAAAAA',
    });

    expect(output).toEqual({});
    expect((await waits.get('q-1'))?.taskToken).toBe('AQCEAAAAKgAAAAMAAAAA');
  });

  it('await-human refuses a payload without a task token', async () => {
    const { handlerDeps } = createHandlerHarness();

    await expect(
      createAwaitHuman(handlerDeps)({ threadId: 'th-1', next: { kind: 'human', requestId: 'q-1' } }),
    ).rejects.toThrow('await-human: invalid payload: taskToken: expected string, received undefined');
  });

  it('await-human refuses a next step the loop does not know', async () => {
    const { handlerDeps } = createHandlerHarness();

    await expect(
      createAwaitHuman(handlerDeps)({ threadId: 'th-1', next: { kind: 'dance' }, taskToken: 't' }),
    ).rejects.toMatchObject({ name: 'InvalidPayload' });
  });

  it('expire refuses a payload without the step’s next', async () => {
    const { handlerDeps } = createHandlerHarness();

    await expect(createExpire(handlerDeps)({ threadId: 'th-1' })).rejects.toThrow(
      'expire: invalid payload: next: expected object, received undefined',
    );
  });

  it('start-child starts the child and returns {}', async () => {
    const { handlerDeps, thread, orchestrator } = createHandlerHarness();
    await thread(
      'th-1',
      [
        userMessage('Delegate'),
        modelStep('delegate_refund', { task: 'Refund INV-1001' }),
        {
          type: 'child-thread-started',
          data: { callId: 'ev-2', childThreadId: 'th-c', agent: 'refunds', task: 'Refund INV-1001' },
        },
      ],
      'manager',
    );

    const output = await createStartChild(handlerDeps)({
      threadId: 'th-1',
      next: { kind: 'child', callId: 'ev-2', childThreadId: 'th-c', agent: 'refunds' },
    });

    expect(output).toEqual({});
    expect(orchestrator.calls).toEqual([{ method: 'startTurn', threadId: 'th-c', seq: 1 }]);
  });

  it('notify accepts NotifyDone’s and NotifyEscalation’s payloads and refuses other kinds', async () => {
    const { handlerDeps, thread, notifier } = createHandlerHarness();
    await thread('th-1', [userMessage('Refund'), { type: 'agent-done', data: { message: 'Refunded.' } }]);
    const notify = createNotify(handlerDeps);

    expect(await notify({ threadId: 'th-1', kind: 'done' })).toEqual({});
    expect(
      await notify({ threadId: 'th-1', kind: 'escalation', next: { kind: 'escalate', reason: 'budget' } }),
    ).toEqual({});
    await expect(notify({ threadId: 'th-1', kind: 'party' })).rejects.toMatchObject({
      name: 'InvalidPayload',
    });
    expect(notifier.sent.map((sent) => sent.kind)).toEqual(['done']);
  });

  it('on-failure records the failure from the Catch’s { Error, Cause } and returns {}', async () => {
    const { handlerDeps, thread, store } = createHandlerHarness();
    await thread('th-1', [userMessage('Refund')]);
    const cause = JSON.stringify({ errorType: 'ModelFailed', errorMessage: 'bad request', trace: ['at x'] });

    const output = await createOnFailure(handlerDeps)({
      threadId: 'th-1',
      error: { Error: 'ModelFailed', Cause: cause },
    });

    expect(output).toEqual({});
    expect((await store.load('th-1')).events.at(-1)).toMatchObject({
      type: 'failure',
      data: { error: 'ModelFailed: bad request' },
    });
  });

  it('on-failure refuses a payload without a thread id', async () => {
    const { handlerDeps } = createHandlerHarness();

    await expect(createOnFailure(handlerDeps)({ error: { Error: 'x' } })).rejects.toThrow(
      'on-failure: invalid payload: threadId: expected string, received undefined',
    );
  });
});
