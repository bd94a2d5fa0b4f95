import type { Event } from './events.ts';
import { isInterruptedStepRepair } from './interrupted-step.ts';
import { nextOf } from './next.ts';
import { deriveThreadState } from './thread-state.ts';

/**
 * One place in a recorded thread where the reducer took a step: the events before `start` are
 * what it was given, the events `start..end` what it wrote. `open` says the recording stops
 * before the step decided what runs next (the thread needed the model again). `interrupted` says
 * the step was cut off after its model step: the next step repaired it, so the recording holds
 * the model's decision but not what the step made of it.
 */
export interface ReplayPoint {
  start: number;
  end: number;
  open: boolean;
  interrupted: boolean;
}

/** Escalations `step()` itself writes: its limits, and a reply a guardrail blocked. */
const STEP_ESCALATIONS = new Set(['consecutive-errors', 'step-cap', 'budget', 'guardrail']);

/**
 * Events only `step()` writes. A tool error keyed `result:<call>` is a tool's own outcome (or a
 * repaired, interrupted step), not the reducer refusing a reply.
 */
export const isStepEvent = (event: Event): boolean => {
  switch (event.type) {
    case 'model-step':
    case 'approval-request':
    case 'human-input-request':
    case 'child-thread-started':
    case 'agent-done':
      return true;
    case 'tool-error':
      return !event.key?.startsWith('result:');
    case 'escalation':
      return STEP_ESCALATIONS.has(event.data.reason);
    default:
      return false;
  }
};

/**
 * The reducer's steps in a recorded thread, in order: wherever the thread was running with
 * nothing left to route, and what came next was written by `step()`.
 */
export const findReplayPoints = (events: readonly Event[]): ReplayPoint[] => {
  const points: ReplayPoint[] = [];
  let index = 0;
  while (index < events.length) {
    const event = events[index];
    const state = deriveThreadState(events.slice(0, index));
    if (!event || state.status !== 'running' || nextOf(state) || !isStepEvent(event)) {
      index += 1;
      continue;
    }
    let end = index;
    let decided = false;
    while (!decided && end < events.length && isStepEvent(events[end] as Event)) {
      end += isModelStepWithFollowUp(events, end) ? 2 : 1;
      decided = nextOf(deriveThreadState(events.slice(0, end))) !== undefined;
    }
    const interrupted = events[end - 1]?.type === 'model-step' && isInterruptedStepRepair(events[end]);
    points.push({ start: index, end, open: !decided || interrupted, interrupted });
    index = end;
  }
  return points;
};

/**
 * `step()` writes a model step together with what it led to (a tool error, an approval request,
 * a question, a child thread, the end, a guardrail): the two are one decision.
 */
const isModelStepWithFollowUp = (events: readonly Event[], index: number): boolean => {
  const following = events[index + 1];
  return (
    events[index]?.type === 'model-step' &&
    following !== undefined &&
    following.type !== 'model-step' &&
    isStepEvent(following)
  );
};
