import { describe, expect, it } from 'vitest';
import { createHandler } from '../../lambdas/expire.ts';
import { awaitHuman } from '../../lib/service/await-human.ts';
import { withApprovalRequest } from '../service/approval-thread.ts';
import { createHandlerHarness } from './support.ts';

const HOUR = 3_600_000;

describe('expire handler', () => {
  it('answers { extended: true } when it asks the fallback approvers, then { extended: false } when it expires', async () => {
    const harness = createHandlerHarness();
    harness.deps.fallbackApprovers = ['boss@example.com'];
    const next = await withApprovalRequest(harness);
    await awaitHuman({ threadId: 'th-1', next, taskToken: 'token-1' }, harness.deps);
    const expire = createHandler(harness.handlerDeps);

    harness.clock.advance(HOUR + 10_000);
    const first = await expire({ threadId: 'th-1', next });
    harness.clock.advance(HOUR);
    const second = await expire({ threadId: 'th-1', next });

    expect([first, second]).toEqual([{ extended: true }, { extended: false }]);
    expect(harness.notifier.sent.at(-1)).toMatchObject({ to: ['boss@example.com'], fallback: true });
    expect((await harness.store.load('th-1')).events.at(-1)).toMatchObject({
      type: 'approval-decision',
      data: { decision: 'expired' },
    });
  });
});
