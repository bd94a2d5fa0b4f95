import { describe, expect, it } from 'vitest';
import { hashArgs } from '../../lib/core/hash.ts';
import { runToolCall } from '../../lib/service/run-tool-call.ts';
import { createHarness, modelStep, userMessage } from './harness.ts';

describe('runToolCall', () => {
  it('runs the pending call and returns the seq of its result', async () => {
    const { deps, store, thread } = createHarness();
    const [, step] = await thread('th-1', [
      userMessage('Look up INV-1001'),
      modelStep('lookup_invoice', { invoiceId: 'INV-1001' }),
    ]);

    const outcome = await runToolCall('th-1', step!.id, deps, { onlyTool: 'lookup_invoice' });

    expect(outcome).toEqual({ seq: 3, ran: true });
    expect((await store.load('th-1')).events[2]).toMatchObject({
      type: 'tool-result',
      key: `result:${step!.id}`,
      data: { callId: step!.id, tool: 'lookup_invoice' },
    });
  });

  it('does not run the tool again when a retry finds its result stored', async () => {
    const { deps, store, refunds, thread } = createHarness();
    const events = await thread('th-1', [
      userMessage('Refund INV-1001'),
      modelStep('create_refund', { invoiceId: 'INV-1001', amountEur: 120 }),
    ]);
    const callId = events[1]!.id;
    await store.append('th-1', [
      {
        id: 'ev-apr',
        at: '2026-01-01T00:00:00.000Z',
        type: 'approval-request',
        data: {
          approvalId: 'apr-1',
          callId,
          tool: 'create_refund',
          args: { invoiceId: 'INV-1001', amountEur: 120 },
          argsHash: hashArgs({ invoiceId: 'INV-1001', amountEur: 120 }),
        },
      },
      {
        id: 'ev-dec',
        at: '2026-01-01T00:00:00.000Z',
        type: 'approval-decision',
        data: { decision: 'approve', approvalId: 'apr-1' },
      },
    ]);
    const first = await runToolCall('th-1', callId, deps);

    const retried = await runToolCall('th-1', callId, deps);

    expect(first).toEqual({ seq: 5, ran: true });
    expect(retried).toEqual({ seq: 5, ran: false });
    expect(refunds).toHaveLength(1);
  });

  it('refuses a call for another tool than the one this function runs', async () => {
    const { deps, thread } = createHarness();
    const [, step] = await thread('th-1', [
      userMessage('Look up INV-1001'),
      modelStep('lookup_invoice', { invoiceId: 'INV-1001' }),
    ]);

    await expect(runToolCall('th-1', step!.id, deps, { onlyTool: 'create_refund' })).rejects.toMatchObject({
      name: 'WrongTool',
      message: `thread th-1: call ${step!.id} is for tool lookup_invoice, but this function runs only create_refund`,
    });
  });

  it('throws when the call is not pending in the thread', async () => {
    const { deps, thread } = createHarness();
    await thread('th-1', [userMessage('Look up INV-1001')]);

    await expect(runToolCall('th-1', 'ev-nope', deps)).rejects.toMatchObject({ name: 'ThreadStateError' });
  });
});
