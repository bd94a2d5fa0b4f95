import { decideApproval } from '../core/decide.ts';
import { ThreadStateError } from '../core/errors.ts';
import type { Next } from '../core/next.ts';
import { agentOf, type ServiceDeps } from './deps.ts';

export const EXPIRED_BY = 'timeout';

export type ExpireOutcome = 'expired' | 'already-decided';

/**
 * The `Expire` task, after `AwaitApproval` timed out: the approval is recorded as expired, and the
 * model takes the next step knowing it. Like a person's decision, the wait is claimed first, so a
 * person who decided at the last second wins or loses as a whole. The event is keyed by the
 * approval id: a retry appends nothing twice.
 */
export const expireApproval = async (
  threadId: string,
  next: Next,
  deps: ServiceDeps,
): Promise<ExpireOutcome> => {
  if (next.kind !== 'approval')
    throw new ThreadStateError(threadId, `only an approval expires, not a "${next.kind}" step`);
  const { approvalId } = next;
  const claimed = await deps.waits.decide(approvalId, {
    by: EXPIRED_BY,
    at: deps.clock.now(),
    decision: 'expired',
  });
  if (!claimed.ok && claimed.already !== undefined && claimed.already.decidedBy !== EXPIRED_BY)
    return 'already-decided';

  const thread = await deps.store.load(threadId);
  const outcome = decideApproval(
    thread,
    agentOf(deps, thread),
    approvalId,
    { decision: 'expired', by: EXPIRED_BY },
    deps,
  );
  if (!outcome.ok) return 'already-decided';
  await deps.store.append(threadId, outcome.events);
  return 'expired';
};
