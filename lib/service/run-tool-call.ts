import type { Event } from '../core/events.ts';
import { runTool } from '../core/run-tool.ts';
import { resolveAgent, type ThreadDeps } from './deps.ts';
import { WrongToolError } from './errors.ts';

export interface ToolCallOutcome {
  /** The seq of the call's `tool-result` or `tool-error`. */
  seq: number;
  /** False when the result was already stored: a retry after the append runs nothing again. */
  ran: boolean;
}

/**
 * The `Tool_<name>` task: runs the thread's pending call `callId` and appends its result. The
 * result is keyed by the call id, and a call whose result is already in the thread is not run
 * again: a retry after the append returns the stored seq. (A crash between the tool's side effect
 * and the append runs the tool again; tools get the call id to make their side effects idempotent.)
 *
 * `onlyTool` is the one tool this function may run: a call for another tool is refused.
 */
export const runToolCall = async (
  threadId: string,
  callId: string,
  deps: ThreadDeps,
  options: { onlyTool?: string } = {},
): Promise<ToolCallOutcome> => {
  const thread = await deps.store.load(threadId);
  const called = thread.events.find((event) => event.type === 'model-step' && event.id === callId);
  if (
    options.onlyTool !== undefined &&
    called?.type === 'model-step' &&
    called.data.tool !== options.onlyTool
  ) {
    throw new WrongToolError(threadId, callId, called.data.tool, options.onlyTool);
  }
  const existing = resultOf(thread.events, callId);
  if (existing) return { seq: existing.seq, ran: false };

  const events = await runTool(thread, await resolveAgent(deps, thread), callId, deps);
  const stored = await deps.store.append(threadId, events);
  const result = stored.at(-1);
  if (!result)
    throw new Error(`thread ${threadId}: the store returned nothing for the result of call ${callId}`);
  return { seq: result.seq, ran: true };
};

const resultOf = (events: readonly Event[], callId: string): Event | undefined =>
  events.find(
    (event) => (event.type === 'tool-result' || event.type === 'tool-error') && event.data.callId === callId,
  );
