import { describe, expect, it } from 'vitest';
import { createHandler } from '../../lambdas/step.ts';
import { ModelError } from '../../lib/adapters/model-error.ts';
import { call } from '../../lib/adapters/scripted-model.ts';
import { userMessage } from '../service/harness.ts';
import { createHandlerHarness } from './support.ts';

describe('step handler', () => {
  it('takes one step and returns { next, seq } for $.step', async () => {
    const { handlerDeps, store, thread } = createHandlerHarness([
      call('lookup_invoice', { invoiceId: 'INV-1001' }),
    ]);
    await thread('th-1', [userMessage('Refund INV-1001')]);

    const output = await createHandler(handlerDeps)({ threadId: 'th-1', seq: 1 });

    const callId = (await store.load('th-1')).events[1]!.id;
    expect(output).toEqual({ next: { kind: 'tool', tool: 'lookup_invoice', callId }, seq: 2 });
  });

  it('refuses a payload without a thread id, saying so', async () => {
    const { handlerDeps } = createHandlerHarness();

    await expect(createHandler(handlerDeps)({ thread: 'th-1' })).rejects.toMatchObject({
      name: 'InvalidPayload',
      message: 'step: invalid payload: threadId: expected string, received undefined',
    });
  });

  it('lets a throttled model surface as ModelThrottled, which the state machine retries', async () => {
    const { handlerDeps, thread } = createHandlerHarness();
    await thread('th-1', [userMessage('Refund INV-1001')]);
    const model = {
      id: 'm',
      next: async () => {
        throw new ModelError('throttled', { modelId: 'm', status: 429, retryable: true });
      },
    };

    await expect(
      createHandler({ ...handlerDeps, service: { ...handlerDeps.service, model } })({ threadId: 'th-1' }),
    ).rejects.toMatchObject({ name: 'ModelThrottled' });
  });
});
