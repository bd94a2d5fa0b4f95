import type { WaitRecord } from '../adapters/wait-store.ts';
import { answerQuestion, type DecisionInput, decideApproval } from '../core/decide.ts';
import type { Event } from '../core/events.ts';
import { type Next, nextOf } from '../core/next.ts';
import { deriveThreadState } from '../core/thread-state.ts';
import type { ServiceDeps } from './deps.ts';

export type WaitAnswer =
  | DecisionInput
  | { decision: 'answer'; text: string; by?: string; untrusted?: boolean };

export type DecideWaitOutcome =
  | { ok: true; events: Event[] }
  | { ok: false; reason: 'unknown' }
  | { ok: false; reason: 'already-decided'; by?: string; at?: string }
  | { ok: false; reason: 'invalid'; message: string };

/**
 * A person decides a wait: approves, rejects, edits or answers. The order is what makes a
 * decision single-use and safe against a crash at any point:
 *   1. check the answer against the thread (edited arguments re-validated by the tool);
 *   2. conditionally mark the wait decided: of two concurrent decisions exactly one wins;
 *   3. append the decision event (keyed by the request id, so a retry adds nothing);
 *   4. resume the waiting task with what runs next. A task that no longer waits is fine: the
 *      thread already holds the decision, and the next turn reads it.
 */
export const decideWait = async (
  requestId: string,
  answer: WaitAnswer,
  deps: ServiceDeps,
): Promise<DecideWaitOutcome> => {
  const wait = await deps.waits.get(requestId);
  if (!wait) return { ok: false, reason: 'unknown' };
  if (wait.status === 'decided')
    return { ok: false, reason: 'already-decided', by: wait.decidedBy, at: wait.decidedAt };
  const thread = await deps.store.load(wait.threadId);
  const agent = deps.agents.get(thread.agent);
  if (!agent) return { ok: false, reason: 'invalid', message: `no agent is named ${thread.agent}` };

  const outcome =
    answer.decision === 'answer'
      ? answerQuestion(
          thread,
          requestId,
          { text: answer.text, from: answer.by, untrusted: answer.untrusted },
          deps,
        )
      : decideApproval(thread, agent, requestId, answer, deps);
  if (!outcome.ok) return { ok: false, reason: 'invalid', message: outcome.reason };

  const at = deps.clock.now();
  const by = answer.by ?? 'unknown';
  const claimed = await deps.waits.decide(requestId, { by, at, decision: answer.decision });
  if (!claimed.ok) {
    return {
      ok: false,
      reason: 'already-decided',
      by: claimed.already?.decidedBy,
      at: claimed.already?.decidedAt,
    };
  }
  const events = await deps.store.append(thread.id, outcome.events);
  await deps.orchestrator.resume(wait.taskToken, resumeOutput(wait, [...thread.events, ...events]));
  return { ok: true, events };
};

/** What the waiting task hands to the state machine: whether a gated tool may run, and what next. */
export type ResumeOutput = {
  approved: boolean;
  /** `step` when the model must take the next step (after a rejection, say). */
  next: Next | { kind: 'step' };
};

export const resumeOutput = (wait: WaitRecord, events: readonly Event[]): ResumeOutput => {
  const next = nextOf(deriveThreadState(events));
  const approved = wait.kind === 'approval' && next?.kind === 'tool';
  return { approved, next: next ?? { kind: 'step' } };
};
