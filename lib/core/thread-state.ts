import * as z from 'zod';
import type { EscalationReason, Event, NewEvent } from './events.ts';
import type { JsonObject, JsonValue } from './json.ts';

export const ThreadStatusSchema = z.enum([
  'running',
  'awaiting-approval',
  'awaiting-human',
  'paused',
  'done',
  'failed',
  'escalated',
  'cancelled',
]);
export type ThreadStatus = z.infer<typeof ThreadStatusSchema>;

/** Built-in intents: the model reaches a person or ends the turn the same way it calls a tool. */
export const REQUEST_HUMAN_INPUT = 'request_human_input';
export const DONE_FOR_NOW = 'done_for_now';
export const isIntent = (tool: string): boolean => tool === REQUEST_HUMAN_INPUT || tool === DONE_FOR_NOW;

/** A tool call that may run now: chosen by the model, approved if it had to be, not yet answered. */
export interface PendingCall {
  callId: string;
  tool: string;
  args: JsonValue;
}

export interface PendingApproval {
  approvalId: string;
  callId: string;
  tool: string;
  args: JsonObject;
  argsHash: string;
  seq: number;
  at: string;
}

export interface PendingQuestion {
  requestId: string;
  question: string;
  seq: number;
}

export interface PendingChild {
  callId: string;
  childThreadId: string;
  agent: string;
}

export interface ThreadState {
  status: ThreadStatus;
  /** Tool errors since the last success or the last word from a person. */
  consecutiveErrors: number;
  /** Model steps in the current turn. A turn starts with a message to an idle thread. */
  stepCount: number;
  pendingCall?: PendingCall;
  pendingApproval?: PendingApproval;
  pendingQuestion?: PendingQuestion;
  pendingChild?: PendingChild;
  escalation?: { reason: EscalationReason; detail: string; eventId: string };
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  lastSeq: number;
}

type Fold = Omit<ThreadState, 'status'> & {
  phase: Exclude<ThreadStatus, 'paused' | 'cancelled'>;
  paused: boolean;
  cancelled: boolean;
};

const isIdle = (phase: Fold['phase']): boolean =>
  phase === 'done' || phase === 'failed' || phase === 'escalated';

/**
 * Derives everything the runtime needs to know about a thread from its events alone (factor 5).
 * Events without a seq (not yet stored) are folded in after the stored ones.
 */
export const deriveThreadState = (events: readonly (Event | NewEvent)[]): ThreadState => {
  const fold: Fold = {
    phase: 'running',
    paused: false,
    cancelled: false,
    consecutiveErrors: 0,
    stepCount: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    lastSeq: 0,
  };
  for (const event of events) applyEvent(fold, event);
  const { phase, paused, cancelled, ...state } = fold;
  const status: ThreadStatus = cancelled ? 'cancelled' : paused ? 'paused' : phase;
  return { status, ...state };
};

const applyEvent = (fold: Fold, event: Event | NewEvent): void => {
  if ('seq' in event) fold.lastSeq = event.seq;
  switch (event.type) {
    case 'user-message':
      if (isIdle(fold.phase)) startTurn(fold);
      return;
    case 'model-step':
      fold.phase = 'running';
      fold.stepCount += 1;
      fold.inputTokens += event.data.usage.inputTokens;
      fold.outputTokens += event.data.usage.outputTokens;
      fold.costUsd += event.data.costUsd;
      fold.pendingCall = isIntent(event.data.tool)
        ? undefined
        : { callId: event.id, tool: event.data.tool, args: event.data.args };
      return;
    case 'tool-result':
      fold.consecutiveErrors = 0;
      clearCall(fold, event.data.callId);
      return;
    case 'tool-error':
      fold.consecutiveErrors += 1;
      clearCall(fold, event.data.callId);
      return;
    case 'approval-request':
      fold.phase = 'awaiting-approval';
      fold.pendingCall = undefined;
      fold.pendingApproval = {
        ...event.data,
        seq: 'seq' in event ? event.seq : fold.lastSeq + 1,
        at: event.at,
      };
      return;
    case 'approval-decision': {
      const pending = fold.pendingApproval;
      if (!pending || pending.approvalId !== event.data.approvalId) return;
      fold.pendingApproval = undefined;
      fold.phase = 'running';
      const { callId, tool } = pending;
      if (event.data.decision === 'approve') fold.pendingCall = { callId, tool, args: pending.args };
      if (event.data.decision === 'edit') fold.pendingCall = { callId, tool, args: event.data.args };
      return;
    }
    case 'human-input-request':
      fold.phase = 'awaiting-human';
      fold.pendingQuestion = {
        requestId: event.data.requestId,
        question: event.data.question,
        seq: 'seq' in event ? event.seq : fold.lastSeq + 1,
      };
      return;
    case 'human-input-response':
      if (fold.phase === 'escalated') startTurn(fold);
      fold.pendingQuestion = undefined;
      fold.consecutiveErrors = 0;
      fold.phase = 'running';
      return;
    case 'agent-done':
      fold.phase = 'done';
      fold.pendingCall = undefined;
      return;
    case 'escalation':
      fold.phase = 'escalated';
      fold.pendingCall = undefined;
      fold.escalation = { ...event.data, eventId: event.id };
      return;
    case 'failure':
      fold.phase = 'failed';
      fold.pendingCall = undefined;
      return;
    case 'paused':
      fold.paused = true;
      return;
    case 'resumed':
      fold.paused = false;
      return;
    case 'cancelled':
      fold.cancelled = true;
      return;
    case 'child-thread-started':
      fold.pendingCall = undefined;
      fold.pendingChild = {
        callId: event.data.callId,
        childThreadId: event.data.childThreadId,
        agent: event.data.agent,
      };
      return;
    case 'child-thread-done':
      if (fold.pendingChild?.callId === event.data.callId) fold.pendingChild = undefined;
      if (event.data.outcome === 'done') fold.consecutiveErrors = 0;
      else fold.consecutiveErrors += 1;
      return;
  }
};

const startTurn = (fold: Fold): void => {
  fold.phase = 'running';
  fold.stepCount = 0;
  fold.consecutiveErrors = 0;
  fold.escalation = undefined;
};

const clearCall = (fold: Fold, callId: string | undefined): void => {
  if (fold.pendingCall && (callId === undefined || fold.pendingCall.callId === callId))
    fold.pendingCall = undefined;
};
