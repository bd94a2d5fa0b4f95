import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideWait } from '../../lib/service/decide-wait.ts';
import { type LoopHarness, startLoopHarness } from './loop-harness.ts';

let harness: LoopHarness;

beforeAll(async () => {
  harness = await startLoopHarness();
});

afterAll(async () => {
  await harness.close();
});

const LINK = { customerId: 'cus_terri', amountUsd: 750, description: 'sponsorship for Terri Jackson' };

const storedLinks = async () =>
  (await harness.dynamo.client.send(new ScanCommand({ TableName: harness.agentTable('billing', 'ledger') })))
    .Items ?? [];

const startApprovalTurn = async (threadId: string) => {
  await harness.ingest({
    kind: 'start',
    threadId,
    agent: 'billing',
    text: 'create a $750 sponsorship link for Terri',
    key: `k-${threadId}`,
  });
  return harness.pendingWait(threadId);
};

describe('an approval in a whole turn of the synthesized loop', () => {
  it('runs the gated tool once a person approves, then finishes', async () => {
    harness.reply(['lookup_customer', { name: 'Terri' }], ['create_payment_link', LINK]);
    const wait = await startApprovalTurn('th-approve');
    expect(wait).toMatchObject({ kind: 'approval', status: 'pending' });
    expect(await storedLinks()).toEqual([]);

    harness.reply(['done_for_now', { message: 'Link created.' }]);
    const decided = await decideWait(
      wait.requestId,
      { decision: 'approve', by: 'ops@example.com' },
      harness.service,
    );
    expect(decided.ok).toBe(true);

    expect(await harness.finished('th-approve', 1)).toMatchObject({ status: 'SUCCEEDED' });
    const thread = await harness.load('th-approve');
    expect(thread.events.map((event) => event.type)).toEqual([
      'user-message',
      'model-step',
      'tool-result',
      'model-step',
      'approval-request',
      'approval-decision',
      'tool-result',
      'model-step',
      'agent-done',
    ]);
    expect(await storedLinks()).toEqual([
      expect.objectContaining({ customerId: 'cus_terri', amountCents: 75_000 }),
    ]);
  });

  it('hands the rejection and its feedback to the model, which revises the call', async () => {
    harness.reply(['lookup_customer', { name: 'Terri' }], ['create_payment_link', LINK]);
    const first = await startApprovalTurn('th-reject');

    harness.reply(['create_payment_link', { ...LINK, amountUsd: 500 }]);
    await decideWait(
      first.requestId,
      { decision: 'reject', feedback: 'too much: make it $500', by: 'ops@example.com' },
      harness.service,
    );
    const second = await harness.pendingWait('th-reject');
    expect(second.requestId).not.toBe(first.requestId);
    const revisedRequest = harness.chat.requests.at(-1)?.body ?? '';
    expect(revisedRequest).toContain('feedback: too much: make it $500');

    harness.reply(['done_for_now', { message: 'Created the $500 link.' }]);
    await decideWait(second.requestId, { decision: 'approve', by: 'ops@example.com' }, harness.service);
    expect(await harness.finished('th-reject', 1)).toMatchObject({ status: 'SUCCEEDED' });
    expect((await storedLinks()).filter((link) => link.amountCents === 50_000)).toHaveLength(1);
  });
});
