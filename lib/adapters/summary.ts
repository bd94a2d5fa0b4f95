import type { Event } from '../core/events.ts';
import type { ThreadSummary } from '../core/ports.ts';
import { deriveThreadState, type ThreadState } from '../core/thread-state.ts';

export interface SummaryInput {
  threadId: string;
  agent: string;
  createdAt: string;
  parent?: { threadId: string; atSeq: number };
  events: readonly Event[];
}

const QUESTION_CHARS = 200;

/**
 * A thread's summary, derived from its events by the core's own `deriveThreadState`: the list
 * view can never disagree with what the runtime decides.
 */
export const summarizeThread = (input: SummaryInput): ThreadSummary => {
  const state = deriveThreadState(input.events);
  const last = input.events.at(-1);
  // A fork is newer than the events it copied: it sorts by when it was made until it moves on.
  const updatedAt = last !== undefined && last.at > input.createdAt ? last.at : input.createdAt;
  const waitingFor = describeWait(state);
  return {
    threadId: input.threadId,
    agent: input.agent,
    status: state.status,
    createdAt: input.createdAt,
    updatedAt,
    lastSeq: state.lastSeq,
    inputTokens: state.inputTokens,
    outputTokens: state.outputTokens,
    costUsd: state.costUsd,
    ...(waitingFor === undefined ? {} : { waitingFor }),
    ...(input.parent === undefined ? {} : { parent: input.parent }),
  };
};

/** One line for a list view: what a person (or a child thread) has to do before this thread moves. */
const describeWait = (state: ThreadState): string | undefined => {
  if (state.pendingApproval) return `approval of ${state.pendingApproval.tool}`;
  if (state.pendingQuestion) {
    const question = state.pendingQuestion.question.replace(/\s+/g, ' ').trim();
    const shown = question.length > QUESTION_CHARS ? `${question.slice(0, QUESTION_CHARS - 1)}…` : question;
    return `answer to: ${shown}`;
  }
  if (state.pendingChild) return `child thread ${state.pendingChild.childThreadId}`;
  return undefined;
};
