import type { WaitRecord } from '../adapters/wait-store.ts';
import { decideApproval } from '../core/decide.ts';
import { ThreadStateError } from '../core/errors.ts';
import type { Next } from '../core/next.ts';
import { deriveThreadState } from '../core/thread-state.ts';
import { peopleOf } from './agent-people.ts';
import { requestApproval } from './approval-notices.ts';
import type { AwaitHumanDeps } from './await-human.ts';
import { agentOf } from './deps.ts';

export const EXPIRED_BY = 'timeout';

export type ExpireOutcome =
  /** Recorded as expired: the model takes the next step knowing it. */
  | 'expired'
  /** A person decided first. */
  | 'already-decided'
  /** The first round ran out: the fallback approvers were asked, and the wait goes on. */
  | 'fallback-notified'
  /** The agent's round is longer than the state machine's timer: the wait goes on. */
  | 'still-waiting';

/** Whether the state machine goes back to `AwaitApproval` rather than to the next step. */
export const isExtended = (outcome: ExpireOutcome): boolean =>
  outcome === 'fallback-notified' || outcome === 'still-waiting';

/**
 * How early a round may look over: AwaitApproval's heartbeat, one second shorter than its timeout,
 * ends the wait a second early, and the state machine's timer and the Lambda's clock disagree a little.
 */
const CLOCK_SLACK_MS = 5_000;

/**
 * The `Expire` task, after `AwaitApproval` timed out. An approval waits in rounds of the agent's
 * `approvalTimeoutSeconds`: the approvers' round, then, if the agent has fallback approvers, one
 * round of theirs, asked once (the wait record keeps when, `fallbackNotifiedAt`). The same wait
 * and approval id serve both rounds, so any link decides it, once. When the last round is over,
 * the approval is recorded as expired. Like a person's decision, the wait is claimed first, so a
 * person who decided at the last second wins or loses as a whole. The event is keyed by the
 * approval id: a retry appends nothing twice.
 */
export const expireApproval = async (
  threadId: string,
  next: Next,
  deps: AwaitHumanDeps,
): Promise<ExpireOutcome> => {
  if (next.kind !== 'approval')
    throw new ThreadStateError(threadId, `only an approval expires, not a "${next.kind}" step`);
  const { approvalId } = next;
  const wait = await deps.waits.get(approvalId);
  if (wait?.status === 'pending') {
    const extended = await extendWait(threadId, wait, deps);
    if (extended !== undefined) return extended;
  }

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

/** Another round for a pending approval, or undefined when its last round is over. */
const extendWait = async (
  threadId: string,
  wait: WaitRecord,
  deps: AwaitHumanDeps,
): Promise<ExpireOutcome | undefined> => {
  const thread = await deps.store.load(threadId);
  const pending = deriveThreadState(thread.events).pendingApproval;
  if (pending?.approvalId !== wait.requestId) return undefined;
  const people = peopleOf(deps.agents.get(thread.agent), deps);
  const roundMs = people.approvalTimeoutSeconds * 1000;
  const now = deps.clock.now();
  const roundEnd = Date.parse(wait.fallbackNotifiedAt ?? pending.at) + roundMs;
  if (Date.parse(now) + CLOCK_SLACK_MS < roundEnd) return 'still-waiting';
  if (wait.fallbackNotifiedAt !== undefined || people.fallbackApprovers.length === 0) return undefined;

  const expiresAt = new Date(Date.parse(now) + roundMs).toISOString();
  const round = { approvers: people.fallbackApprovers, expiresAt, fallback: true };
  await requestApproval(threadId, pending, round, people, deps);
  await deps.waits.markNotified(wait.requestId, now, 'fallback');
  return 'fallback-notified';
};
