import { hashArgs } from '../../lib/core/hash.ts';
import type { Next } from '../../lib/core/next.ts';
import { type Harness, modelStep, userMessage } from './harness.ts';

export const REFUND_ARGS = { invoiceId: 'INV-1001', amountEur: 120 };

/** Thread `th-1`, waiting for approval `apr-1` of `create_refund`: returns the step's `next`. */
export const withApprovalRequest = async (harness: Harness, threadId = 'th-1'): Promise<Next> => {
  const [, step] = await harness.thread(threadId, [
    userMessage('Refund INV-1001'),
    modelStep('create_refund', REFUND_ARGS),
  ]);
  const callId = step!.id;
  await harness.store.append(threadId, [
    {
      id: 'ev-apr',
      at: '2026-01-01T00:00:10.000Z',
      type: 'approval-request',
      data: {
        approvalId: 'apr-1',
        callId,
        tool: 'create_refund',
        args: REFUND_ARGS,
        argsHash: hashArgs(REFUND_ARGS),
      },
    },
  ]);
  return { kind: 'approval', tool: 'create_refund', callId, approvalId: 'apr-1' };
};
