import { finalMessageOf, parentOf } from '../core/child.ts';
import { deriveThreadState } from '../core/thread-state.ts';
import { peopleOf } from './agent-people.ts';
import type { NotifyingDeps } from './deps.ts';
import { ownersOf, recipients } from './people.ts';
import { reportToParent } from './report-to-parent.ts';

export interface FinishOutcome {
  notified: boolean;
  /** The parent told of this child's end, if the thread is a child. */
  parentId?: string;
}

/**
 * `NotifyDone` and `NotifyEscalation`. A finished turn is told to the people the thread belongs to;
 * a child thread reports to its parent instead, whose turn goes on. An escalation is told to
 * people by the `AwaitHuman` task that follows, once per request, so that a reply can answer it:
 * here only a child's parent hears of it.
 */
export const finishThread = async (
  threadId: string,
  kind: 'done' | 'escalation',
  deps: NotifyingDeps,
): Promise<FinishOutcome> => {
  const thread = await deps.store.load(threadId);
  const state = deriveThreadState(thread.events);
  const message = finalMessageOf(thread) ?? `the thread is ${state.status}`;
  const parentId = parentOf(thread);
  if (parentId !== undefined) {
    const outcome = kind === 'done' ? 'done' : 'escalated';
    await reportToParent({ parentId, childThreadId: threadId, outcome, message }, deps);
    return { notified: false, parentId };
  }
  if (kind === 'escalation') return { notified: false };
  const to = recipients(ownersOf(thread));
  const { channels } = peopleOf(deps.agents.get(thread.agent), deps);
  await deps.notifier.notify({
    kind: 'done',
    threadId,
    message,
    ...(to ? { to } : {}),
    ...(channels === undefined ? {} : { channels: [...channels] }),
  });
  return { notified: true };
};
