import type { Agent } from './agent.ts';
import { ThreadStateError } from './errors.ts';
import type { ApprovalDecision, NewEvent, Thread } from './events.ts';
import type { Clock, Ids } from './ports.ts';
import { deriveThreadState } from './thread-state.ts';

export interface DecideDeps {
  clock: Clock;
  ids: Ids;
}

/** A person's answer to a pending approval, before it is checked against the thread. */
export type DecisionInput =
  | { decision: 'approve'; by?: string }
  | { decision: 'reject'; feedback: string; by?: string }
  | { decision: 'edit'; args: unknown; by?: string }
  | { decision: 'expired'; by?: string };

export type DecideOutcome = { ok: true; events: NewEvent[] } | { ok: false; reason: string };

/**
 * Records a decision on the thread's pending approval. Edited arguments are validated by the
 * tool's own schema first. The event's key is the approval id, so an approval is decided once:
 * a second decision is a no-op at the store.
 */
export const decideApproval = (
  thread: Thread,
  agent: Agent,
  approvalId: string,
  input: DecisionInput,
  deps: DecideDeps,
): DecideOutcome => {
  const pending = deriveThreadState(thread.events).pendingApproval;
  if (!pending || pending.approvalId !== approvalId) {
    return { ok: false, reason: `approval ${approvalId} is not pending on thread ${thread.id}` };
  }
  let data: ApprovalDecision;
  if (input.decision === 'edit') {
    const tool = agent.tools.find((candidate) => candidate.name === pending.tool);
    if (!tool)
      throw new ThreadStateError(thread.id, `approval ${approvalId} names unknown tool ${pending.tool}`);
    const valid = tool.validate(input.args);
    if (!valid.ok) return { ok: false, reason: valid.message };
    data = { decision: 'edit', approvalId, args: valid.args, by: input.by };
  } else {
    data = { ...input, approvalId };
  }
  const event: NewEvent = {
    id: deps.ids.next('ev'),
    at: deps.clock.now(),
    key: `decision:${approvalId}`,
    type: 'approval-decision',
    data,
  };
  return { ok: true, events: [event] };
};

/**
 * A person's answer to what the thread asks of them: the model's question, or the escalation the
 * thread stopped on. Keyed by the request, so it is answered once.
 */
export const answerQuestion = (
  thread: Thread,
  requestId: string,
  answer: { text: string; from?: string; untrusted?: boolean },
  deps: DecideDeps,
): DecideOutcome => {
  const state = deriveThreadState(thread.events);
  const asks =
    state.pendingQuestion?.requestId === requestId ||
    (state.status === 'escalated' && state.escalation?.eventId === requestId);
  if (!asks) {
    return { ok: false, reason: `question ${requestId} is not pending on thread ${thread.id}` };
  }
  const event: NewEvent = {
    id: deps.ids.next('ev'),
    at: deps.clock.now(),
    key: `answer:${requestId}`,
    type: 'human-input-response',
    data: {
      requestId,
      text: answer.text,
      from: answer.from,
      channel: 'api',
      untrusted: answer.untrusted ?? false,
    },
  };
  return { ok: true, events: [event] };
};
