import { describe, expect, it } from 'vitest';
import { hashArgs } from '../../lib/core/hash.ts';
import type { Next } from '../../lib/core/next.ts';
import { awaitHuman } from '../../lib/service/await-human.ts';
import { decideWait } from '../../lib/service/decide-wait.ts';
import { APPROVER, createHarness, type Harness, modelStep, userMessage } from './harness.ts';

const ARGS = { invoiceId: 'INV-1001', amountEur: 120 };

let pendingCallId = '';

/** A thread waiting for approval of `create_refund`: returns its `next`. */
const withApprovalRequest = async (harness: Harness): Promise<Next> => {
  const [, step] = await harness.thread('th-1', [
    userMessage('Refund INV-1001'),
    modelStep('create_refund', ARGS),
  ]);
  pendingCallId = step!.id;
  await harness.store.append('th-1', [
    {
      id: 'ev-apr',
      at: '2026-01-01T00:00:10.000Z',
      type: 'approval-request',
      data: {
        approvalId: 'apr-1',
        callId: pendingCallId,
        tool: 'create_refund',
        args: ARGS,
        argsHash: hashArgs(ARGS),
      },
    },
  ]);
  return { kind: 'approval', tool: 'create_refund', callId: pendingCallId, approvalId: 'apr-1' };
};

describe('awaitHuman', () => {
  it('stores the token under the approval id and sends each approver a signed link, once', async () => {
    const harness = createHarness();
    const next = await withApprovalRequest(harness);

    const outcome = await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-1' }, harness.deps);

    expect(outcome).toEqual({ requestId: 'apr-1', kind: 'approval', notified: true, resumed: false });
    expect(await harness.waits.get('apr-1')).toMatchObject({
      taskToken: 'token-1',
      status: 'pending',
      kind: 'approval',
      approval: {
        tool: 'create_refund',
        callId: pendingCallId,
        argsHash: hashArgs(ARGS),
        approvers: [APPROVER],
        fallbackApprovers: [],
        expiresAt: '2026-01-01T01:00:10.000Z',
      },
    });
    expect(harness.notifier.sent).toEqual([
      {
        kind: 'approval-requested',
        threadId: 'th-1',
        to: [APPROVER],
        approvalId: 'apr-1',
        tool: 'create_refund',
        args: ARGS,
        expiresAt: '2026-01-01T01:00:10.000Z',
        link: `https://api.example.com/approvals/apr-1?a=${APPROVER}&e=2026-01-01T01:00:10.000Z`,
        reference: `apr-1.${Date.parse('2026-01-01T01:00:10.000Z') / 1000}.signed-for-${APPROVER}`,
      },
    ]);
    expect(JSON.stringify(harness.notifier.sent)).not.toContain('token-1');
  });

  it('refreshes the token of a retried task without telling anyone again', async () => {
    const harness = createHarness();
    const next = await withApprovalRequest(harness);
    await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-1' }, harness.deps);

    const outcome = await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-2' }, harness.deps);

    expect(outcome.notified).toBe(false);
    expect(harness.notifier.sent).toHaveLength(1);
    expect(await harness.waits.get('apr-1')).toMatchObject({ taskToken: 'token-2', status: 'pending' });
  });

  it('resumes the newest token when a person decides after a retry', async () => {
    const harness = createHarness();
    const next = await withApprovalRequest(harness);
    await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-1' }, harness.deps);
    await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-2' }, harness.deps);

    await decideWait('apr-1', { decision: 'approve', by: APPROVER }, harness.deps);

    expect(harness.orchestrator.calls).toEqual([
      {
        method: 'resume',
        taskToken: 'token-2',
        output: { approved: true, next: { kind: 'tool', tool: 'create_refund', callId: pendingCallId } },
      },
    ]);
  });

  it('resumes at once when the request was decided before the token was stored', async () => {
    const harness = createHarness();
    const next = await withApprovalRequest(harness);
    await harness.store.append('th-1', [
      {
        id: 'ev-dec',
        at: '2026-01-01T00:00:20.000Z',
        key: 'decision:apr-1',
        type: 'approval-decision',
        data: { decision: 'reject', approvalId: 'apr-1', feedback: 'too much' },
      },
    ]);

    const outcome = await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-1' }, harness.deps);

    expect(outcome).toEqual({ requestId: 'apr-1', kind: 'approval', notified: false, resumed: true });
    expect(harness.notifier.sent).toEqual([]);
    expect(harness.orchestrator.calls).toEqual([
      { method: 'resume', taskToken: 'token-1', output: { approved: false, next: { kind: 'step' } } },
    ]);
    expect((await harness.waits.get('apr-1'))?.status).toBe('decided');
  });

  it('resumes at once into the tool when Step hands back a gated call approved as its wait timed out', async () => {
    const harness = createHarness();
    await withApprovalRequest(harness);
    await harness.store.append('th-1', [
      {
        id: 'ev-dec',
        at: '2026-01-01T00:00:20.000Z',
        key: 'decision:apr-1',
        type: 'approval-decision',
        data: { decision: 'approve', approvalId: 'apr-1' },
      },
    ]);
    const next: Next = { kind: 'tool', tool: 'create_refund', callId: pendingCallId };

    const outcome = await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-2' }, harness.deps);

    expect(outcome).toEqual({ requestId: 'apr-1', kind: 'approval', notified: false, resumed: true });
    expect(harness.orchestrator.calls).toEqual([
      {
        method: 'resume',
        taskToken: 'token-2',
        output: { approved: true, next: { kind: 'tool', tool: 'create_refund', callId: pendingCallId } },
      },
    ]);
  });

  it('asks a question of the people who wrote to the thread and of the approvers', async () => {
    const harness = createHarness();
    await harness.thread('th-1', [
      userMessage('Refund my invoice', { channel: 'email', from: 'ada@example.com' }),
      modelStep('request_human_input', { question: 'Which invoice?' }),
      { type: 'human-input-request', data: { requestId: 'q-1', callId: 'ev-2', question: 'Which invoice?' } },
    ]);

    await awaitHuman(
      { threadId: 'th-1', next: { kind: 'human', requestId: 'q-1' }, taskToken: 't' },
      harness.deps,
    );

    expect(harness.notifier.sent).toEqual([
      {
        kind: 'question',
        threadId: 'th-1',
        requestId: 'q-1',
        question: 'Which invoice?',
        to: ['ada@example.com', APPROVER],
      },
    ]);
  });

  it('waits on an escalation under the escalation event’s id and tells the approvers', async () => {
    const harness = createHarness();
    const [, escalation] = await harness.thread('th-1', [
      userMessage('Refund'),
      { type: 'escalation', data: { reason: 'step-cap', detail: '20 steps without finishing' } },
    ]);

    const outcome = await awaitHuman(
      { threadId: 'th-1', next: { kind: 'escalate', reason: 'step-cap' }, taskToken: 't' },
      harness.deps,
    );

    expect(outcome).toMatchObject({ requestId: escalation!.id, kind: 'escalation', notified: true });
    expect(harness.notifier.sent).toEqual([
      {
        kind: 'escalation',
        threadId: 'th-1',
        requestId: escalation!.id,
        reason: 'step-cap',
        detail: '20 steps without finishing',
        to: [APPROVER],
      },
    ]);
  });

  it('waits on a child thread under its id and tells nobody', async () => {
    const harness = createHarness();
    await harness.thread(
      'th-1',
      [
        userMessage('Refund via the team'),
        modelStep('delegate_refund', { task: 'Refund INV-1001' }),
        {
          type: 'child-thread-started',
          data: { callId: 'ev-2', childThreadId: 'th-child', agent: 'refunds', task: 'Refund INV-1001' },
        },
      ],
      'manager',
    );
    const next: Next = { kind: 'child', callId: 'ev-2', childThreadId: 'th-child', agent: 'refunds' };

    const outcome = await awaitHuman({ threadId: 'th-1', next, taskToken: 't' }, harness.deps);

    expect(outcome).toEqual({ requestId: 'th-child', kind: 'child', notified: false, resumed: false });
    expect(harness.notifier.sent).toEqual([]);
  });

  it('refuses to wait on a step that needs nobody', async () => {
    const harness = createHarness();
    await harness.thread('th-1', [userMessage('Hi')]);

    await expect(
      awaitHuman({ threadId: 'th-1', next: { kind: 'done' }, taskToken: 't' }, harness.deps),
    ).rejects.toThrow('thread th-1: nothing to wait for on a "done" step');
  });
});
