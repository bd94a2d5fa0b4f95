import { ThreadExistsError } from '../adapters/store-errors.ts';
import { childTaskMessage } from '../core/child.ts';
import { ThreadStateError } from '../core/errors.ts';
import type { Next } from '../core/next.ts';
import type { ServiceDeps } from './deps.ts';
import { reportToParent } from './report-to-parent.ts';

export interface StartChildOutcome {
  childThreadId: string;
  /** `unknown-agent` when no agent has the child's name: the parent hears at once that it failed. */
  action: 'started' | 'already-started' | 'unknown-agent';
}

/**
 * The `StartChild` task: creates the child thread, gives it the task (keyed by the parent, so
 * once) and starts its first turn, named after that message (so once). The parent then waits in
 * `AwaitHuman` for the child's end, which `finishThread` or `recordFailure` reports.
 */
export const startChild = async (
  threadId: string,
  next: Next,
  deps: ServiceDeps,
): Promise<StartChildOutcome> => {
  if (next.kind !== 'child')
    throw new ThreadStateError(threadId, `no child to start on a "${next.kind}" step`);
  const { childThreadId, callId, agent } = next;
  const parent = await deps.store.load(threadId);
  const started = parent.events.find(
    (event) => event.type === 'child-thread-started' && event.data.callId === callId,
  );
  if (started?.type !== 'child-thread-started') {
    throw new ThreadStateError(threadId, `no child thread was started for call ${callId}`);
  }
  if (!deps.agents.has(agent)) {
    const message = `no agent is named ${agent}`;
    await reportToParent({ parentId: threadId, childThreadId, outcome: 'failed', message }, deps);
    return { childThreadId, action: 'unknown-agent' };
  }
  try {
    await deps.store.create({ threadId: childThreadId, agent, at: deps.clock.now() });
  } catch (error) {
    if (!(error instanceof ThreadExistsError)) throw error;
  }
  const [task] = await deps.store.append(childThreadId, [
    childTaskMessage(threadId, started.data.task, deps),
  ]);
  if (!task) throw new Error(`thread ${childThreadId}: the store returned nothing for the task`);
  const action = await deps.orchestrator.startTurn(childThreadId, task.seq);
  return { childThreadId, action };
};
