import type { WaitRecord } from '../adapters/wait-store.ts';
import { ThreadStateError } from '../core/errors.ts';
import type { Thread } from '../core/events.ts';
import type { Next } from '../core/next.ts';
import { deriveThreadState } from '../core/thread-state.ts';
import { approvalDeadline, peopleOf } from './agent-people.ts';
import { type ApprovalNoticeDeps, requestApproval } from './approval-notices.ts';
import { resumeOutput } from './decide-wait.ts';
import { ownersOf, recipients } from './people.ts';

export interface AwaitHumanDeps extends ApprovalNoticeDeps {
  /**
   * How long a round of an approval waits, unless the agent says otherwise: the links expire with
   * it (after the fallback round too, when the agent has fallback approvers).
   */
  approvalTimeoutSeconds: number;
}

export interface AwaitHumanInput {
  threadId: string;
  next: Next;
  taskToken: string;
}

export interface AwaitHumanOutcome {
  requestId: string;
  kind: WaitRecord['kind'];
  /** True when this call sent the notification; a retried task does not send it again. */
  notified: boolean;
  /** True when the request was decided before the token was stored, so the task resumed at once. */
  resumed: boolean;
}

/**
 * The `AwaitApproval` / `AwaitHuman` task. Stores the token under the request id (a retried task
 * brings a new token and overwrites it), tells people once per request, and then checks the
 * thread again: a decision that landed before the token was stored found no token to resume, so
 * the task resumes itself. After the put, any decision finds the newest token.
 */
export const awaitHuman = async (
  input: AwaitHumanInput,
  deps: AwaitHumanDeps,
): Promise<AwaitHumanOutcome> => {
  const { threadId, next, taskToken } = input;
  const before = await deps.store.load(threadId);
  const { requestId, kind } = requestOf(before, next);
  const wait = await deps.waits.put({
    requestId,
    threadId,
    kind,
    next,
    taskToken,
    createdAt: deps.clock.now(),
    ...approvalRecordOf(before, requestId, deps),
  });

  const thread = await deps.store.load(threadId);
  if (!isPending(thread, kind, requestId)) {
    await deps.waits.decide(requestId, {
      by: 'threadline',
      at: deps.clock.now(),
      decision: 'decided-before-wait',
    });
    await deps.orchestrator.resume(taskToken, resumeOutput(wait, thread.events));
    return { requestId, kind, notified: false, resumed: true };
  }
  if (wait.notifiedAt !== undefined || wait.status === 'decided') {
    return { requestId, kind, notified: false, resumed: false };
  }
  await tellPeople(thread, kind, requestId, deps);
  await deps.waits.markNotified(requestId, deps.clock.now());
  return { requestId, kind, notified: kind !== 'child', resumed: false };
};

/** What an approval's wait records besides its token: the call, its hash, who decides, until when. */
const approvalRecordOf = (
  thread: Thread,
  requestId: string,
  deps: AwaitHumanDeps,
): Pick<WaitRecord, 'approval'> => {
  const request = thread.events.find(
    (event) => event.type === 'approval-request' && event.data.approvalId === requestId,
  );
  if (request?.type !== 'approval-request') return {};
  const people = peopleOf(deps.agents.get(thread.agent), deps);
  const { tool, callId, argsHash } = request.data;
  return {
    approval: {
      tool,
      callId,
      argsHash,
      approvers: [...people.approvers],
      fallbackApprovers: [...people.fallbackApprovers],
      expiresAt: approvalDeadline(request.at, people),
    },
  };
};

/** The id a decision names: the approval, the question, the escalation event, the child thread. */
const requestOf = (thread: Thread, next: Next): { requestId: string; kind: WaitRecord['kind'] } => {
  switch (next.kind) {
    case 'approval':
      return { requestId: next.approvalId, kind: 'approval' };
    case 'human':
      return { requestId: next.requestId, kind: 'question' };
    case 'child':
      return { requestId: next.childThreadId, kind: 'child' };
    case 'escalate': {
      const escalation = thread.events.findLast((event) => event.type === 'escalation');
      if (!escalation)
        throw new ThreadStateError(thread.id, 'asked to wait on an escalation, but none is recorded');
      return { requestId: escalation.id, kind: 'escalation' };
    }
    case 'tool': {
      // A gated call approved while its wait timed out comes back from Step as a tool to run.
      // The state machine routes it through AwaitApproval again, which finds the approval
      // already decided and resumes at once into the gated tool's state.
      const request = thread.events.find(
        (event) => event.type === 'approval-request' && event.data.callId === next.callId,
      );
      if (request?.type !== 'approval-request') {
        throw new ThreadStateError(thread.id, `call ${next.callId} has no approval to wait on`);
      }
      return { requestId: request.data.approvalId, kind: 'approval' };
    }
    default:
      throw new ThreadStateError(thread.id, `nothing to wait for on a "${next.kind}" step`);
  }
};

const isPending = (thread: Thread, kind: WaitRecord['kind'], requestId: string): boolean => {
  const state = deriveThreadState(thread.events);
  switch (kind) {
    case 'approval':
      return state.pendingApproval?.approvalId === requestId;
    case 'question':
      return state.pendingQuestion?.requestId === requestId;
    case 'escalation':
      return state.status === 'escalated' && state.escalation?.eventId === requestId;
    case 'child':
      return state.pendingChild?.childThreadId === requestId;
  }
};

const tellPeople = async (
  thread: Thread,
  kind: WaitRecord['kind'],
  requestId: string,
  deps: AwaitHumanDeps,
): Promise<void> => {
  const state = deriveThreadState(thread.events);
  const threadId = thread.id;
  const people = peopleOf(deps.agents.get(thread.agent), deps);
  const channels = people.channels === undefined ? {} : { channels: [...people.channels] };
  if (kind === 'approval' && state.pendingApproval) {
    const round = {
      approvers: people.approvers,
      expiresAt: approvalDeadline(state.pendingApproval.at, people),
      fallback: false,
    };
    await requestApproval(threadId, state.pendingApproval, round, people, deps);
  }
  if (kind === 'question' && state.pendingQuestion) {
    const to = recipients(ownersOf(thread), people.approvers);
    await deps.notifier.notify({
      kind: 'question',
      threadId,
      requestId,
      question: state.pendingQuestion.question,
      ...(to ? { to } : {}),
      ...channels,
    });
  }
  if (kind === 'escalation' && state.escalation) {
    const { reason, detail } = state.escalation;
    const to = recipients(people.approvers, ownersOf(thread));
    await deps.notifier.notify({
      kind: 'escalation',
      threadId,
      requestId,
      reason,
      detail,
      ...(to ? { to } : {}),
      ...channels,
    });
  }
};
