import type { IngressMessage } from '../adapters/ingress-message.ts';
import { ThreadExistsError } from '../adapters/store-errors.ts';
import { answerQuestion, decideApproval } from '../core/decide.ts';
import type { Event, NewEvent } from '../core/events.ts';
import { deriveThreadState } from '../core/thread-state.ts';
import { decideWait } from './decide-wait.ts';
import { agentOf, type ServiceDeps } from './deps.ts';
import { UnknownAgentError } from './errors.ts';

export type IngestAction =
  /** The thread was idle: this message starts a turn. */
  | 'started'
  /** The turn this message starts had been started before (a redelivered message). */
  | 'already-started'
  /** The thread waited for a person (a question, an escalation): this message answers it. */
  | 'answered'
  /** A trusted reply decided the thread's pending approval. */
  | 'decided'
  /** The thread is busy (running, awaiting approval, paused): the next step reads the message. */
  | 'appended'
  /** The thread is cancelled: the message is kept, nothing runs. */
  | 'ignored';

export type IngestOutcome = IngestedOutcome | RefusedStart;

export interface IngestedOutcome {
  action: IngestAction;
  /** The seq of the message in its thread. */
  seq: number;
  /** Why an answer did not resume a wait, when it did not. */
  detail?: string;
}

/**
 * A start whose thread id another start took first, for another agent: two clients named the same
 * `threadId` at once, and the API found no thread for either. The thread stays the first start's;
 * this message is not appended to a thread of an agent it did not ask for.
 */
export interface RefusedStart {
  action: 'refused';
  detail: string;
}

/**
 * The ingest function's use case: append the message (idempotent by its key), then do what the
 * thread's state before the message calls for. A redelivered message gets back the event stored
 * the first time and, judged against the same earlier state, repeats the same follow-up, which is
 * idempotent: `startTurn` with the same seq is refused as already started, a wait is decided once.
 */
export const ingestMessage = async (message: IngressMessage, deps: ServiceDeps): Promise<IngestOutcome> => {
  const { threadId } = message;
  if (message.kind === 'start') {
    if (!deps.agents.has(message.agent)) throw new UnknownAgentError(threadId, message.agent);
    try {
      await deps.store.create({ threadId, agent: message.agent, at: deps.clock.now() });
    } catch (error) {
      if (!(error instanceof ThreadExistsError)) throw error;
      // A redelivered start finds the thread it made; a start of the same agent that lost the race
      // joins the thread as a message, as POST /threads/{id}/messages would.
      const { agent } = await deps.store.load(threadId);
      if (agent !== message.agent) {
        return {
          action: 'refused',
          detail: `thread ${threadId} was started for agent ${agent} first; this start names agent ${message.agent}`,
        };
      }
    }
  }
  const [stored] = await deps.store.append(threadId, [userMessage(message, deps)]);
  if (!stored) throw new Error(`thread ${threadId}: the store returned nothing for message ${message.key}`);
  const thread = await deps.store.load(threadId);
  const before = thread.events.filter((event) => event.seq < stored.seq);
  const state = deriveThreadState(before);
  const seq = stored.seq;

  if (state.status === 'cancelled') return { action: 'ignored', seq };
  if (message.kind === 'decision' && state.pendingApproval?.approvalId === message.approvalId) {
    return decideByMessage(message, seq, deps);
  }
  const answer = {
    decision: 'answer' as const,
    text: message.text,
    by: message.from,
    untrusted: message.untrusted,
  };
  if (state.status === 'awaiting-human' && state.pendingQuestion) {
    const { requestId } = state.pendingQuestion;
    const decided = await decideWait(requestId, answer, deps);
    if (decided.ok) return { action: 'answered', seq };
    if (decided.reason !== 'unknown') return { action: 'appended', seq, detail: reasonOf(decided) };
    // The question's task has not stored its token yet: answer in the thread; the task sees the
    // answer when it stores its token, and resumes at once.
    const outcome = answerQuestion(
      thread,
      requestId,
      { text: message.text, from: message.from, untrusted: message.untrusted },
      deps,
    );
    if (outcome.ok) await deps.store.append(threadId, outcome.events);
    return { action: 'answered', seq, detail: 'answered before the wait was stored' };
  }
  if (state.status === 'escalated' && state.escalation) {
    // The message itself starts the next turn in the thread (a message to an escalated thread
    // does); resuming the escalation's wait lets the parked execution run that turn.
    const decided = await decideWait(state.escalation.eventId, answer, deps);
    return decided.ok || decided.reason === 'unknown'
      ? { action: 'answered', seq }
      : { action: 'appended', seq, detail: reasonOf(decided) };
  }
  if (!isIdle(before)) return { action: 'appended', seq };
  const started = await deps.orchestrator.startTurn(threadId, seq);
  return { action: started, seq };
};

/**
 * A decision that arrived as a message (a trusted email reply): decided like a link's decision,
 * by its sender, once. When the approval's wait has not stored its token yet, the decision goes
 * straight into the thread, and the wait, finding it there, resumes at once.
 */
const decideByMessage = async (
  message: Extract<IngressMessage, { kind: 'decision' }>,
  seq: number,
  deps: ServiceDeps,
): Promise<IngestOutcome> => {
  const input = { ...message.answer, by: message.from };
  const decided = await decideWait(message.approvalId, input, deps);
  if (decided.ok) return { action: 'decided', seq };
  if (decided.reason !== 'unknown') return { action: 'appended', seq, detail: reasonOf(decided) };
  const thread = await deps.store.load(message.threadId);
  const outcome = decideApproval(thread, agentOf(deps, thread), message.approvalId, input, deps);
  if (!outcome.ok) return { action: 'appended', seq, detail: outcome.reason };
  await deps.store.append(message.threadId, outcome.events);
  return { action: 'decided', seq, detail: 'decided before the wait was stored' };
};

/** Idle: nothing runs and nothing waits, so only a new turn takes the message. */
const isIdle = (events: readonly Event[]): boolean => {
  if (events.length === 0) return true;
  const { status } = deriveThreadState(events);
  return status === 'done' || status === 'failed';
};

const userMessage = (message: IngressMessage, deps: Pick<ServiceDeps, 'clock' | 'ids'>): NewEvent => ({
  id: deps.ids.next('ev'),
  at: deps.clock.now(),
  key: message.key,
  type: 'user-message',
  data: {
    text: message.text,
    channel: message.channel,
    untrusted: message.untrusted,
    ...(message.from === undefined ? {} : { from: message.from }),
    ...(message.subject === undefined ? {} : { subject: message.subject }),
  },
});

const reasonOf = (outcome: { reason: string; message?: string }): string =>
  outcome.message === undefined ? outcome.reason : `${outcome.reason}: ${outcome.message}`;
