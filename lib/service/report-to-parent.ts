import { resumeOutput } from './decide-wait.ts';
import type { ServiceDeps } from './deps.ts';

export interface ChildEnd {
  parentId: string;
  childThreadId: string;
  outcome: 'done' | 'escalated' | 'failed' | 'cancelled';
  message: string;
}

/**
 * A child thread's end answers its parent: a `child-thread-done` event in the parent (keyed by the
 * call, so once), then the parent's wait (request id = the child thread id) is released with what
 * runs next. When the parent has not stored its wait yet, its `AwaitHuman` task finds the child
 * done when it does, and goes on at once. A parent that never started this child hears nothing.
 */
export const reportToParent = async (
  end: ChildEnd,
  deps: ServiceDeps,
): Promise<'reported' | 'not-a-child-of-it'> => {
  const { parentId, childThreadId, outcome, message } = end;
  const parent = await deps.store.load(parentId);
  const started = parent.events.find(
    (event) => event.type === 'child-thread-started' && event.data.childThreadId === childThreadId,
  );
  if (started?.type !== 'child-thread-started') return 'not-a-child-of-it';
  const { callId } = started.data;
  await deps.store.append(parentId, [
    {
      id: deps.ids.next('ev'),
      at: deps.clock.now(),
      key: `child:${callId}`,
      type: 'child-thread-done',
      data: { callId, childThreadId, outcome, message },
    },
  ]);
  const wait = await deps.waits.get(childThreadId);
  if (wait) {
    await deps.waits.decide(childThreadId, { by: childThreadId, at: deps.clock.now(), decision: outcome });
    const after = await deps.store.load(parentId);
    await deps.orchestrator.resume(wait.taskToken, resumeOutput(wait, after.events));
  }
  return 'reported';
};
