import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type LoopHarness, startLoopHarness } from './loop-harness.ts';

let harness: LoopHarness;

beforeAll(async () => {
  // Two-second rounds, and a fallback approver for the deployment.
  harness = await startLoopHarness({ approvalTimeoutSeconds: 2, fallbackApproverEmails: 'boss@example.com' });
});

afterAll(async () => {
  await harness.close();
});

describe('an approval nobody decides, with a fallback approver, in a whole turn of the synthesized loop', () => {
  it('asks the fallback approver after the first round, waits a second round, then expires', async () => {
    harness.reply(
      ['lookup_customer', { name: 'Terri' }],
      ['create_payment_link', { customerId: 'cus_terri', amountUsd: 750, description: 'sponsorship' }],
    );
    await harness.ingest({
      kind: 'start',
      threadId: 'th-fallback',
      agent: 'billing',
      text: 'create a $750 sponsorship link for Terri',
      key: 'k-fallback',
    });
    const wait = await harness.pendingWait('th-fallback');
    const asked = await eventually('the fallback approver asked', async () => {
      const current = await harness.service.waits.get(wait.requestId);
      return current?.fallbackNotifiedAt === undefined ? undefined : current;
    });
    harness.reply(['done_for_now', { message: 'Nobody approved the link in time, so none was created.' }]);

    expect(await harness.finished('th-fallback', 1)).toMatchObject({ status: 'SUCCEEDED' });
    expect(asked).toMatchObject({ requestId: wait.requestId, status: 'pending' });
    const decided = await harness.service.waits.get(wait.requestId);
    expect(decided).toMatchObject({ status: 'decided', decision: 'expired', decidedBy: 'timeout' });
    // The second round is a whole wait of its own (its heartbeat, one second here, ends it).
    const secondRoundMs = Date.parse(decided?.decidedAt ?? '') - Date.parse(asked.fallbackNotifiedAt ?? '');
    expect(secondRoundMs).toBeGreaterThanOrEqual(800);
    const thread = await harness.load('th-fallback');
    expect(thread.events.filter((event) => event.type === 'approval-decision')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ decision: 'expired' }) }),
    ]);
  });
});
