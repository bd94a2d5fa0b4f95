import { describe, expect, it } from 'vitest';
import { hashArgs } from '../../lib/core/hash.ts';
import type { Next } from '../../lib/core/next.ts';
import { expireApproval } from '../../lib/service/expire.ts';
import { createHarness, type Harness, modelStep, userMessage } from './harness.ts';

const ARGS = { invoiceId: 'INV-1001', amountEur: 120 };

const awaitingApproval = async (harness: Harness, options: { wait: boolean }): Promise<Next> => {
  const [, step] = await harness.thread('th-1', [
    userMessage('Refund INV-1001'),
    modelStep('create_refund', ARGS),
  ]);
  const callId = step!.id;
  await harness.store.append('th-1', [
    {
      id: 'ev-apr',
      at: '2026-01-01T00:00:10.000Z',
      type: 'approval-request',
      data: { approvalId: 'apr-1', callId, tool: 'create_refund', args: ARGS, argsHash: hashArgs(ARGS) },
    },
  ]);
  const next: Next = { kind: 'approval', tool: 'create_refund', callId, approvalId: 'apr-1' };
  if (options.wait) {
    await harness.waits.put({
      requestId: 'apr-1',
      threadId: 'th-1',
      kind: 'approval',
      next,
      taskToken: 't',
      createdAt: 'x',
    });
  }
  // The approval's round (the harness's 3600 s) has run out: AwaitApproval's timer fired.
  harness.clock.advance(3_610_000);
  return next;
};

describe('expireApproval', () => {
  it('records the approval as expired and closes its wait, so the model takes the next step', async () => {
    const harness = createHarness();
    const next = await awaitingApproval(harness, { wait: true });

    expect(await expireApproval('th-1', next, harness.deps)).toBe('expired');

    const events = (await harness.store.load('th-1')).events;
    expect(events.at(-1)).toMatchObject({
      type: 'approval-decision',
      key: 'decision:apr-1',
      data: { decision: 'expired', approvalId: 'apr-1', by: 'timeout' },
    });
    expect(await harness.waits.get('apr-1')).toMatchObject({
      status: 'decided',
      decision: 'expired',
      decidedBy: 'timeout',
    });
  });

  it('appends nothing twice when retried', async () => {
    const harness = createHarness();
    const next = await awaitingApproval(harness, { wait: true });
    await expireApproval('th-1', next, harness.deps);

    expect(await expireApproval('th-1', next, harness.deps)).toBe('already-decided');
    expect(
      (await harness.store.load('th-1')).events.filter((event) => event.type === 'approval-decision'),
    ).toHaveLength(1);
  });

  it('finishes the job when a retry follows a crash after the wait was closed', async () => {
    const harness = createHarness();
    const next = await awaitingApproval(harness, { wait: true });
    await harness.waits.decide('apr-1', { by: 'timeout', at: 'x', decision: 'expired' });

    expect(await expireApproval('th-1', next, harness.deps)).toBe('expired');
  });

  it('lets a person who decided at the last second win', async () => {
    const harness = createHarness();
    const next = await awaitingApproval(harness, { wait: true });
    await harness.waits.decide('apr-1', { by: 'approver@example.com', at: 'x', decision: 'approve' });

    expect(await expireApproval('th-1', next, harness.deps)).toBe('already-decided');
    expect((await harness.store.load('th-1')).events.at(-1)?.type).toBe('approval-request');
  });

  it('expires an approval whose wait was never stored', async () => {
    const harness = createHarness();
    const next = await awaitingApproval(harness, { wait: false });

    expect(await expireApproval('th-1', next, harness.deps)).toBe('expired');
  });

  it('refuses to expire anything but an approval', async () => {
    const harness = createHarness();

    await expect(expireApproval('th-1', { kind: 'done' }, harness.deps)).rejects.toThrow(
      'thread th-1: only an approval expires, not a "done" step',
    );
  });
});
