import { describe, expect, it } from 'vitest';
import type { AgentHumans } from '../../lib/core/humans.ts';
import type { Next } from '../../lib/core/next.ts';
import { awaitHuman } from '../../lib/service/await-human.ts';
import { decideWait } from '../../lib/service/decide-wait.ts';
import { expireApproval } from '../../lib/service/expire.ts';
import { withApprovalRequest } from './approval-thread.ts';
import { APPROVER, createHarness, type Harness } from './harness.ts';

const BOSS = 'boss@example.com';
const HOUR = 3_600_000;

/** A thread awaiting approval of a refund, its wait stored and its approvers told (round one). */
const waitingForApproval = async (humans?: AgentHumans): Promise<{ harness: Harness; next: Next }> => {
  const harness = createHarness();
  if (humans) {
    const refunds = harness.deps.agents.get('refunds');
    if (!refunds) throw new Error('the harness has no refunds agent');
    harness.deps.agents = new Map([['refunds', { ...refunds, humans }]]);
  }
  const next = await withApprovalRequest(harness);
  await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-1' }, harness.deps);
  harness.notifier.sent.length = 0;
  return { harness, next };
};

describe('expireApproval with fallback approvers', () => {
  it('asks the fallback approvers once when the first round runs out, and extends the same wait', async () => {
    const { harness, next } = await waitingForApproval();
    harness.deps.fallbackApprovers = [BOSS];
    harness.clock.advance(HOUR + 10_000);

    const outcome = await expireApproval('th-1', next, harness.deps);

    expect(outcome).toBe('fallback-notified');
    const wait = await harness.waits.get('apr-1');
    expect(wait).toMatchObject({
      requestId: 'apr-1',
      status: 'pending',
      fallbackNotifiedAt: expect.any(String),
    });
    const expiresAt = new Date(Date.parse(wait?.fallbackNotifiedAt ?? '') + HOUR).toISOString();
    expect(harness.notifier.sent).toEqual([
      {
        kind: 'approval-requested',
        threadId: 'th-1',
        to: [BOSS],
        approvalId: 'apr-1',
        tool: 'create_refund',
        args: { invoiceId: 'INV-1001', amountEur: 120 },
        expiresAt,
        link: `https://api.example.com/approvals/apr-1?a=${BOSS}&e=${expiresAt}`,
        reference: `apr-1.${Math.floor(Date.parse(expiresAt) / 1000)}.signed-for-${BOSS}`,
        fallback: true,
      },
    ]);
    expect((await harness.store.load('th-1')).events.at(-1)?.type).toBe('approval-request');
  });

  it('expires the approval, as before, when the fallback round runs out too', async () => {
    const { harness, next } = await waitingForApproval();
    harness.deps.fallbackApprovers = [BOSS];
    harness.clock.advance(HOUR + 10_000);
    await expireApproval('th-1', next, harness.deps);
    harness.clock.advance(HOUR);

    expect(await expireApproval('th-1', next, harness.deps)).toBe('expired');

    expect((await harness.store.load('th-1')).events.at(-1)).toMatchObject({
      type: 'approval-decision',
      data: { decision: 'expired', approvalId: 'apr-1', by: 'timeout' },
    });
    expect(harness.notifier.sent.filter((sent) => sent.to?.includes(BOSS))).toHaveLength(1);
  });

  it('tells nobody again when a retried Expire runs within the fallback round', async () => {
    const { harness, next } = await waitingForApproval();
    harness.deps.fallbackApprovers = [BOSS];
    harness.clock.advance(HOUR + 10_000);
    await expireApproval('th-1', next, harness.deps);

    expect(await expireApproval('th-1', next, harness.deps)).toBe('still-waiting');
    expect(harness.notifier.sent).toHaveLength(1);
  });

  it('lets a fallback approver decide the same wait, once, and then finds it decided', async () => {
    const { harness, next } = await waitingForApproval();
    harness.deps.fallbackApprovers = [BOSS];
    harness.clock.advance(HOUR + 10_000);
    await expireApproval('th-1', next, harness.deps);
    await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-2' }, harness.deps);

    const decided = await decideWait('apr-1', { decision: 'approve', by: BOSS }, harness.deps);
    const again = await decideWait('apr-1', { decision: 'approve', by: APPROVER }, harness.deps);
    harness.clock.advance(HOUR);

    expect(decided.ok).toBe(true);
    expect(again).toMatchObject({ ok: false, reason: 'already-decided', by: BOSS });
    expect(harness.orchestrator.calls.at(-1)).toMatchObject({ method: 'resume', taskToken: 'token-2' });
    expect(await expireApproval('th-1', next, harness.deps)).toBe('already-decided');
  });

  it('expires at the end of the first round when nobody is a fallback approver but the approvers', async () => {
    const { harness, next } = await waitingForApproval();
    harness.deps.fallbackApprovers = [APPROVER.toUpperCase()];
    harness.clock.advance(HOUR + 10_000);

    expect(await expireApproval('th-1', next, harness.deps)).toBe('expired');
    expect(harness.notifier.sent).toEqual([]);
  });

  it('waits another round, telling nobody, while the agent’s own longer round has not run out', async () => {
    const { harness, next } = await waitingForApproval({ approvalTimeoutSeconds: 7_200 });
    harness.clock.advance(HOUR + 10_000);

    expect(await expireApproval('th-1', next, harness.deps)).toBe('still-waiting');
    harness.clock.advance(HOUR);
    expect(await expireApproval('th-1', next, harness.deps)).toBe('expired');
    expect(harness.notifier.sent).toEqual([]);
  });

  it('asks the agent’s own fallback approvers on its channels: a link each by email, one for Slack', async () => {
    const { harness, next } = await waitingForApproval({
      approvers: ['lead@example.com'],
      fallbackApprovers: [BOSS, 'cfo@example.com'],
      channels: ['email', 'slack'],
    });
    harness.clock.advance(HOUR + 10_000);

    expect(await expireApproval('th-1', next, harness.deps)).toBe('fallback-notified');

    expect(
      harness.notifier.sent.map((sent) => [
        sent.channels,
        sent.to,
        sent.kind === 'approval-requested' && sent.link,
      ]),
    ).toEqual([
      [['email'], [BOSS], expect.stringContaining(`a=${BOSS}&`)],
      [['email'], ['cfo@example.com'], expect.stringContaining('a=cfo@example.com&')],
      [['slack'], [BOSS, 'cfo@example.com'], expect.stringContaining('a=slack&')],
    ]);
  });
});
