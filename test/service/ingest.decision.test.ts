import { describe, expect, it } from 'vitest';
import type { IngressMessage } from '../../lib/adapters/ingress-message.ts';
import { awaitHuman } from '../../lib/service/await-human.ts';
import { ingestMessage } from '../../lib/service/ingest.ts';
import { withApprovalRequest } from './approval-thread.ts';
import { APPROVER, createHarness } from './harness.ts';

const decision = (
  answer: Extract<IngressMessage, { kind: 'decision' }>['answer'],
  key = 'mail:<CAapr0006@mail.example.com>',
): IngressMessage => ({
  kind: 'decision',
  threadId: 'th-1',
  approvalId: 'apr-1',
  answer,
  text: answer.decision === 'approve' ? 'Approve' : `Reject: ${answer.feedback}`,
  channel: 'email',
  from: APPROVER,
  untrusted: true,
  key,
});

const waiting = async () => {
  const harness = createHarness();
  const next = await withApprovalRequest(harness);
  await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-1' }, harness.deps);
  return { harness, next };
};

describe('ingestMessage with a decision', () => {
  it('keeps the reply as an untrusted message, then approves as its sender and resumes the wait', async () => {
    const { harness, next } = await waiting();

    const outcome = await ingestMessage(decision({ decision: 'approve' }), harness.deps);

    expect(outcome).toEqual({ action: 'decided', seq: 4 });
    const events = (await harness.store.load('th-1')).events.slice(-2);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ['user-message', { text: 'Approve', channel: 'email', untrusted: true, from: APPROVER }],
      ['approval-decision', { decision: 'approve', approvalId: 'apr-1', by: APPROVER }],
    ]);
    expect(harness.orchestrator.calls.at(-1)).toEqual({
      method: 'resume',
      taskToken: 'token-1',
      output: {
        approved: true,
        next: { kind: 'tool', tool: 'create_refund', callId: next.kind === 'approval' ? next.callId : '' },
      },
    });
  });

  it('rejects with the reply’s reason, which the model reads', async () => {
    const { harness } = await waiting();

    await ingestMessage(decision({ decision: 'reject', feedback: 'make it 100 EUR' }), harness.deps);

    expect((await harness.store.load('th-1')).events.at(-1)?.data).toEqual({
      decision: 'reject',
      approvalId: 'apr-1',
      feedback: 'make it 100 EUR',
      by: APPROVER,
    });
  });

  it('adds nothing and resumes nothing more when the same mail is delivered again', async () => {
    const { harness } = await waiting();
    await ingestMessage(decision({ decision: 'approve' }), harness.deps);

    const again = await ingestMessage(decision({ decision: 'approve' }), harness.deps);

    expect(again).toMatchObject({ action: 'appended', seq: 4, detail: 'already-decided' });
    expect((await harness.store.load('th-1')).events).toHaveLength(5);
    expect(harness.orchestrator.calls.filter((call) => call.method === 'resume')).toHaveLength(1);
  });

  it('leaves the reply as a message when someone decided first', async () => {
    const { harness } = await waiting();
    await harness.waits.decide('apr-1', { by: 'boss@example.com', at: 'x', decision: 'reject' });

    const outcome = await ingestMessage(decision({ decision: 'approve' }, 'mail:<late>'), harness.deps);

    expect(outcome).toMatchObject({ action: 'appended', detail: 'already-decided' });
    expect((await harness.store.load('th-1')).events.at(-1)?.type).toBe('user-message');
  });

  it('decides in the thread when the wait has not stored its token yet, so the wait resumes at once', async () => {
    const harness = createHarness();
    const next = await withApprovalRequest(harness);

    const outcome = await ingestMessage(decision({ decision: 'approve' }), harness.deps);
    const waited = await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-1' }, harness.deps);

    expect(outcome).toEqual({ action: 'decided', seq: 4, detail: 'decided before the wait was stored' });
    expect(waited).toMatchObject({ resumed: true, notified: false });
  });

  it('is only a message when it names an approval the thread is not waiting for', async () => {
    const { harness } = await waiting();
    const stale = { ...decision({ decision: 'approve' }), approvalId: 'apr-old' };

    const outcome = await ingestMessage(stale, harness.deps);

    expect(outcome).toEqual({ action: 'appended', seq: 4 });
    expect((await harness.waits.get('apr-1'))?.status).toBe('pending');
  });
});
