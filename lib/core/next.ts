import * as z from 'zod';
import { EscalationReasonSchema } from './events.ts';
import type { ThreadState } from './thread-state.ts';

/**
 * What deterministic code runs after a step (factor 8). Small on purpose: a Step Functions
 * Choice state routes on `kind`, and only this travels in the execution's state.
 */
export const NextSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('tool'), tool: z.string(), callId: z.string() }),
  z.object({ kind: z.literal('approval'), tool: z.string(), callId: z.string(), approvalId: z.string() }),
  z.object({ kind: z.literal('human'), requestId: z.string() }),
  z.object({ kind: z.literal('child'), callId: z.string(), childThreadId: z.string(), agent: z.string() }),
  z.object({ kind: z.literal('done') }),
  z.object({ kind: z.literal('escalate'), reason: EscalationReasonSchema }),
]);
export type Next = z.infer<typeof NextSchema>;

/**
 * The next thing to run, read off the thread's state; undefined when the model must take a step.
 * A step's `next` is this function of the thread it leaves behind, so a retried step whose
 * events were already stored can answer without asking the model again.
 */
export const nextOf = (state: ThreadState): Next | undefined => {
  if (state.status === 'done') return { kind: 'done' };
  if (state.status === 'escalated' && state.escalation)
    return { kind: 'escalate', reason: state.escalation.reason };
  if (state.pendingApproval) {
    const { tool, callId, approvalId } = state.pendingApproval;
    return { kind: 'approval', tool, callId, approvalId };
  }
  if (state.pendingQuestion) return { kind: 'human', requestId: state.pendingQuestion.requestId };
  if (state.pendingChild) {
    const { callId, childThreadId, agent } = state.pendingChild;
    return { kind: 'child', callId, childThreadId, agent };
  }
  if (state.pendingCall)
    return { kind: 'tool', tool: state.pendingCall.tool, callId: state.pendingCall.callId };
  return undefined;
};
