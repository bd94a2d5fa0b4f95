import { describe, expect, it } from 'vitest';
import { createHandler } from '../../lambdas/tool.ts';
import { modelStep, userMessage } from '../service/harness.ts';
import { createHandlerHarness } from './support.ts';

describe('tool handler', () => {
  it('runs its tool’s pending call and returns { seq } for $.tool', async () => {
    const { handlerDeps, thread } = createHandlerHarness();
    const [, step] = await thread('th-1', [
      userMessage('Look up INV-1001'),
      modelStep('lookup_invoice', { invoiceId: 'INV-1001' }),
    ]);
    const handler = createHandler({ ...handlerDeps, toolName: () => 'lookup_invoice' });

    expect(await handler({ threadId: 'th-1', callId: step!.id })).toEqual({ seq: 3 });
  });

  it('refuses a call for another tool: this function holds only its own tool’s permissions', async () => {
    const { handlerDeps, thread } = createHandlerHarness();
    const [, step] = await thread('th-1', [
      userMessage('Look up INV-1001'),
      modelStep('lookup_invoice', { invoiceId: 'INV-1001' }),
    ]);
    const handler = createHandler({ ...handlerDeps, toolName: () => 'create_refund' });

    await expect(handler({ threadId: 'th-1', callId: step!.id })).rejects.toMatchObject({
      name: 'WrongTool',
    });
  });

  it('refuses a payload without a call id', async () => {
    const { handlerDeps } = createHandlerHarness();
    const handler = createHandler({ ...handlerDeps, toolName: () => 'lookup_invoice' });

    await expect(handler({ threadId: 'th-1' })).rejects.toThrow(
      'tool: invalid payload: callId: expected string, received undefined',
    );
  });
});
