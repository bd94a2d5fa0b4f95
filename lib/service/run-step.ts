import { ModelError } from '../adapters/model-error.ts';
import type { Agent } from '../core/agent.ts';
import { ThreadConflictError } from '../core/errors.ts';
import type { Event, NewEvent, Thread } from '../core/events.ts';
import { interruptedStepRepair } from '../core/interrupted-step.ts';
import { type Next, nextOf } from '../core/next.ts';
import type { Model } from '../core/ports.ts';
import { approvalReasonForCall } from '../core/rule-of-two.ts';
import { step } from '../core/step.ts';
import { deriveThreadState, type PendingCall } from '../core/thread-state.ts';
import { resolveAgent, type ThreadDeps } from './deps.ts';
import { ModelFailedError, ModelThrottledError } from './errors.ts';

export interface StepServiceDeps extends ThreadDeps {
  model: Model;
}

export interface StepOutcome {
  next: Next;
  /** The last seq of the thread after this step. */
  seq: number;
}

/**
 * The `Step` task: load the thread, take one reducer step, append what it produced.
 *
 * Retries must not ask the model twice for one state, nor store two answers for it:
 * - A retry after the append finds the step's events in the thread. `step()` then reads the next
 *   thing to run off the thread (`nextOf`) and returns without calling the model.
 * - Two invocations racing on one state (a retry while the first still runs) key their events
 *   `step:<last seq they saw>:<index>`. The first event is appended alone: the store hands the
 *   loser the winner's event back, and the loser then stores nothing more and reads its `next`
 *   back from the thread, never from its own unstored reply.
 * - A crash between the appends of one step (events are stored one at a time) can leave a
 *   `model-step` without the event that must follow it: its approval request, tool error or child
 *   start. The thread would then show a call the state machine cannot route (a gated tool with no
 *   approval, an unknown tool). `repairInterruptedStep` records the tool error such a call would
 *   have had, so the model takes the step again and sees why. A crash before any append costs one
 *   more model call, which nothing can avoid: the reply was never stored.
 */
export const runStep = async (threadId: string, deps: StepServiceDeps): Promise<StepOutcome> => {
  const loaded = await deps.store.load(threadId);
  const agent = await resolveAgent(deps, loaded);
  const thread = await repairInterruptedStep(loaded, agent, deps);
  const lastSeq = thread.events.at(-1)?.seq ?? 0;
  const result = await takeStep(thread, agent, deps);
  const keyed = result.events.map(
    (event, index): NewEvent => ({ ...event, key: `step:${lastSeq}:${index}` }),
  );
  const [head, ...rest] = keyed;
  if (head === undefined) return { next: result.next, seq: lastSeq };
  // The first event decides which invocation's step is kept: the rest follow only if it is ours.
  const [storedHead] = await deps.store.append(threadId, [head]);
  if (storedHead?.id === head.id) {
    const stored = await deps.store.append(threadId, rest);
    return { next: result.next, seq: stored.at(-1)?.seq ?? storedHead.seq };
  }

  const reloaded = await deps.store.load(threadId);
  const next = nextOf(deriveThreadState(reloaded.events));
  if (!next) throw new ThreadConflictError(threadId, 1);
  return { next, seq: reloaded.events.at(-1)?.seq ?? lastSeq };
};

const takeStep = async (thread: Thread, agent: Agent, deps: StepServiceDeps) => {
  try {
    return await step(thread, agent, deps);
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    if (error.retryable) throw new ModelThrottledError(thread.id, error.message, { cause: error });
    throw new ModelFailedError(thread.id, error.message, { cause: error });
  }
};

/** Appends the tool error an interrupted step lost, if it lost one; returns the thread to step on. */
const repairInterruptedStep = async (
  thread: Thread,
  agent: Agent,
  deps: StepServiceDeps,
): Promise<Thread> => {
  const call = deriveThreadState(thread.events).pendingCall;
  if (!call || isRoutable(thread.events, agent, call)) return thread;
  const repair = interruptedStepRepair(call, { id: deps.ids.next('ev'), at: deps.clock.now() });
  const stored = await deps.store.append(thread.id, [repair]);
  return { ...thread, events: [...thread.events, ...stored] };
};

/**
 * A pending call the state machine can run: a tool of the agent with valid arguments that needs no
 * approval (neither always nor by the rule of two), or was put up for one. Anything else is a
 * `model-step` whose follow-up was lost.
 */
const isRoutable = (events: readonly Event[], agent: Agent, call: PendingCall): boolean => {
  const tool = agent.tools.find((candidate) => candidate.name === call.tool);
  if (tool === undefined) return false;
  if (!tool.validate(call.args).ok) return false;
  if (!approvalReasonForCall(events, tool, call.callId)) return true;
  return events.some((event) => event.type === 'approval-request' && event.data.callId === call.callId);
};
