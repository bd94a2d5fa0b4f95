import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopHarness, startLoopHarness } from './loop-harness.ts';

let harness: LoopHarness;

beforeAll(async () => {
  // The same stack, synthesized with a two-second approval timeout so the test can see it pass.
  harness = await startLoopHarness({ approvalTimeoutSeconds: 2 });
});

afterAll(async () => {
  await harness.close();
});

describe('an approval nobody decides, in a whole turn of the synthesized loop', () => {
  it('expires when the wait times out, and the model sees that and stops', async () => {
    harness.reply(
      ['lookup_customer', { name: 'Terri' }],
      ['create_payment_link', { customerId: 'cus_terri', amountUsd: 750, description: 'sponsorship' }],
    );
    await harness.ingest({
      kind: 'start',
      threadId: 'th-timeout',
      agent: 'billing',
      text: 'create a $750 sponsorship link for Terri',
      key: 'k-timeout',
    });
    await harness.pendingWait('th-timeout');
    harness.reply(['done_for_now', { message: 'Nobody approved the link in time, so none was created.' }]);

    expect(await harness.finished('th-timeout', 1)).toMatchObject({ status: 'SUCCEEDED' });
    const thread = await harness.load('th-timeout');
    expect(thread.events.slice(-3).map((event) => [event.type, 'data' in event ? event.data : null])).toEqual(
      [
        ['approval-decision', expect.objectContaining({ decision: 'expired' })],
        ['model-step', expect.objectContaining({ tool: 'done_for_now' })],
        ['agent-done', { message: 'Nobody approved the link in time, so none was created.' }],
      ],
    );
    expect(harness.chat.requests.at(-1)?.body).toContain('nobody decided in time');
  });
});
