import { parentOf } from '../core/child.ts';
import type { NewEvent } from '../core/events.ts';
import { deriveThreadState } from '../core/thread-state.ts';
import { peopleOf } from './agent-people.ts';
import type { NotifyingDeps } from './deps.ts';
import { ownersOf, recipients } from './people.ts';
import { reportToParent } from './report-to-parent.ts';

/** What a Step Functions Catch hands over: the error's name and its cause. */
export interface StateMachineError {
  Error?: string;
  Cause?: string;
}

export interface FailureOutcome {
  /** False when the thread was paused or cancelled (the turn ended on purpose) or already failed. */
  recorded: boolean;
  error: string;
  parentId?: string;
}

const MAX_ERROR_CHARS = 500;

/**
 * The catch-all `Failed` task: records a `failure` event, tells people, and reports a child's
 * failure to its parent. A turn that ended because the thread was paused or cancelled is no
 * failure: the Step task refuses such a thread, and that ends the turn, nothing more.
 */
export const recordFailure = async (
  threadId: string,
  error: StateMachineError,
  deps: NotifyingDeps,
): Promise<FailureOutcome> => {
  const line = describeFailure(error);
  const thread = await deps.store.load(threadId);
  const { status } = deriveThreadState(thread.events);
  if (status === 'paused' || status === 'cancelled') return { recorded: false, error: line };
  // A retried task finds its own failure last and adds nothing: the key names the event before it.
  const last = thread.events.at(-1);
  const recorded = last?.type !== 'failure';
  if (recorded) {
    const failure: NewEvent = {
      id: deps.ids.next('ev'),
      at: deps.clock.now(),
      key: `failure:${last?.seq ?? 0}`,
      type: 'failure',
      data: { error: line },
    };
    await deps.store.append(threadId, [failure]);
  }
  const parentId = parentOf(thread);
  if (parentId !== undefined) {
    await reportToParent({ parentId, childThreadId: threadId, outcome: 'failed', message: line }, deps);
    return { recorded, error: line, parentId };
  }
  if (recorded) {
    const people = peopleOf(deps.agents.get(thread.agent), deps);
    const to = recipients(people.approvers, ownersOf(thread));
    await deps.notifier.notify({
      kind: 'failure',
      threadId,
      error: line,
      ...(to ? { to } : {}),
      ...(people.channels === undefined ? {} : { channels: [...people.channels] }),
    });
  }
  return { recorded, error: line };
};

/**
 * One line from `{ Error, Cause }`. A Lambda function's error arrives as its JSON envelope
 * (`{ errorType, errorMessage, trace }`): only the type and message are kept, never the trace.
 */
export const describeFailure = (error: StateMachineError): string => {
  const name = error.Error?.trim() || 'Error';
  const cause = causeOf(error.Cause);
  const text =
    cause === undefined || cause === '' ? name : cause.startsWith(name) ? cause : `${name}: ${cause}`;
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS - 1)}…` : line;
};

const causeOf = (cause: string | undefined): string | undefined => {
  if (cause === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed === 'object' && parsed !== null && 'errorMessage' in parsed) {
      const message = String(parsed.errorMessage);
      const type = 'errorType' in parsed ? String(parsed.errorType) : undefined;
      return type === undefined ? message : `${type}: ${message}`;
    }
  } catch {
    // Not JSON: the cause is plain text, as States.Timeout and our Pass states give it.
  }
  return cause;
};
