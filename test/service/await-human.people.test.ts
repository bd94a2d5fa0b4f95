import { describe, expect, it } from 'vitest';
import type { AgentHumans } from '../../lib/core/humans.ts';
import { awaitHuman } from '../../lib/service/await-human.ts';
import { finishThread } from '../../lib/service/finish.ts';
import { recordFailure } from '../../lib/service/on-failure.ts';
import { REFUND_ARGS, withApprovalRequest } from './approval-thread.ts';
import { APPROVER, createHarness, modelStep, userMessage } from './harness.ts';

/** The harness, its refunds agent given a `humans` block. */
const harnessWith = (humans: AgentHumans) => {
  const harness = createHarness();
  const refunds = harness.deps.agents.get('refunds');
  if (!refunds) throw new Error('the harness has no refunds agent');
  harness.deps.agents = new Map([['refunds', { ...refunds, humans }]]);
  return harness;
};

describe('awaitHuman with an agent’s own people and channels', () => {
  it('asks the agent’s approvers, not the deployment’s, with links that last through the fallback round', async () => {
    const harness = harnessWith({ approvers: ['lead@example.com'], fallbackApprovers: ['boss@example.com'] });
    const next = await withApprovalRequest(harness);

    await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-1' }, harness.deps);

    expect(harness.notifier.sent).toEqual([
      {
        kind: 'approval-requested',
        threadId: 'th-1',
        to: ['lead@example.com'],
        approvalId: 'apr-1',
        tool: 'create_refund',
        args: REFUND_ARGS,
        expiresAt: '2026-01-01T02:00:10.000Z',
        link: 'https://api.example.com/approvals/apr-1?a=lead@example.com&e=2026-01-01T02:00:10.000Z',
        reference: `apr-1.${Date.parse('2026-01-01T02:00:10.000Z') / 1000}.signed-for-lead@example.com`,
      },
    ]);
  });

  it('sends a mail per approver, and one Slack post and one webhook with links signed for the channel', async () => {
    const harness = harnessWith({ channels: ['email', 'slack', 'webhook'], approvalTimeoutSeconds: 600 });
    const next = await withApprovalRequest(harness);

    await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-1' }, harness.deps);

    const expiresAt = '2026-01-01T00:10:10.000Z';
    expect(harness.notifier.sent.map((sent) => ({ ...sent, args: undefined }))).toEqual(
      (['email', 'slack', 'webhook'] as const).map((channel) => ({
        kind: 'approval-requested',
        threadId: 'th-1',
        to: [APPROVER],
        approvalId: 'apr-1',
        tool: 'create_refund',
        args: undefined,
        expiresAt,
        link: `https://api.example.com/approvals/apr-1?a=${channel === 'email' ? APPROVER : channel}&e=${expiresAt}`,
        // Only mail carries a reference a reply decides with.
        ...(channel === 'email'
          ? { reference: `apr-1.${Date.parse(expiresAt) / 1000}.signed-for-${APPROVER}` }
          : {}),
        channels: [channel],
      })),
    );
    expect(JSON.stringify(harness.notifier.sent)).not.toContain('token-1');
  });

  it('sends nothing by email to an agent that hears only on Slack', async () => {
    const harness = harnessWith({ channels: ['slack'] });
    const next = await withApprovalRequest(harness);

    await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-1' }, harness.deps);

    expect(harness.notifier.sent.map((sent) => sent.channels)).toEqual([['slack']]);
  });

  it('uses the deployment’s channels for an agent that names none', async () => {
    const harness = createHarness();
    harness.deps.channels = ['email', 'webhook'];
    await harness.thread('th-1', [
      userMessage('Refund my invoice'),
      modelStep('request_human_input', { question: 'Which invoice?' }),
      { type: 'human-input-request', data: { requestId: 'q-1', callId: 'ev-2', question: 'Which invoice?' } },
    ]);

    await awaitHuman(
      { threadId: 'th-1', next: { kind: 'human', requestId: 'q-1' }, taskToken: 't' },
      harness.deps,
    );

    expect(harness.notifier.sent).toEqual([
      expect.objectContaining({ kind: 'question', to: [APPROVER], channels: ['email', 'webhook'] }),
    ]);
  });
});

describe('done and failure notices', () => {
  it('go on the agent’s channels, and a failure to the agent’s approvers', async () => {
    const harness = harnessWith({ approvers: ['lead@example.com'], channels: ['slack'] });
    await harness.thread('th-1', [userMessage('Refund INV-1001')]);

    await recordFailure('th-1', { Error: 'ModelFailed', Cause: 'bad request' }, harness.deps);
    await harness.thread('th-2', [
      userMessage('Hi'),
      modelStep('done_for_now', { message: 'Nothing to refund.' }),
      { type: 'agent-done', data: { message: 'Nothing to refund.' } },
    ]);
    await finishThread('th-2', 'done', harness.deps);

    expect(harness.notifier.sent).toEqual([
      {
        kind: 'failure',
        threadId: 'th-1',
        error: 'ModelFailed: bad request',
        to: ['lead@example.com'],
        channels: ['slack'],
      },
      { kind: 'done', threadId: 'th-2', message: 'Nothing to refund.', channels: ['slack'] },
    ]);
  });
});
