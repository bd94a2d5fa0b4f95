import type { WaitRecord } from '../adapters/wait-store.ts';
import { answerQuestion, type DecideOutcome, type DecisionInput, decideApproval } from '../core/decide.ts';
import type { Event, Thread } from '../core/events.ts';
import { type Next, nextOf } from '../core/next.ts';
import { withServerTools } from '../core/server-tools.ts';
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
  const declared = deps.agents.get(thread.agent);
  if (!declared) return { ok: false, reason: 'invalid', message: `no agent is named ${thread.agent}` };
  // Edited arguments are checked by the tool's schema: a server's tool, as its server lists it now.
  const agent = answer.decision === 'edit' ? await withServerTools(declared, deps.toolServers) : declared;

  const outcome =
    answer.decision !== 'answer'
      ? decideApproval(thread, agent, requestId, answer, deps)
      : wait.kind === 'escalation'
        ? answerEscalation(thread, requestId, answer, deps)
        : answerQuestion(
            thread,
            requestId,
            { text: answer.text, from: answer.by, untrusted: answer.untrusted },
            deps,
          );
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
  // A retried wait task may have stored a newer token since it was read: resume the newest.
  const latest = (await deps.waits.get(requestId)) ?? wait;
  await deps.orchestrator.resume(latest.taskToken, resumeOutput(wait, [...thread.events, ...events]));
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

/**
 * An answer to an escalation. While the thread is still escalated on this event, the answer is
 * recorded as a `human-input-response` to it, which starts the next turn. When a message to the
 * thread has started that turn already (the ingest function appends it first), there is nothing
 * to record: the wait is only released, so the parked execution runs the turn.
 */
const answerEscalation = (
  thread: Thread,
  requestId: string,
  answer: Extract<WaitAnswer, { decision: 'answer' }>,
  deps: ServiceDeps,
): DecideOutcome => {
  const { escalation } = deriveThreadState(thread.events);
  if (escalation?.eventId !== requestId) return { ok: true, events: [] };
  return answerQuestion(
    thread,
    requestId,
    { text: answer.text, from: answer.by, untrusted: answer.untrusted },
    deps,
  );
};
