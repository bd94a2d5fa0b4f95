import type { NewEvent, Thread } from './events.ts';
import type { Clock, Ids } from './ports.ts';
import type { ThreadStatus } from './thread-state.ts';

/** The message that starts a child thread. `from` names the parent, so the child can report back. */
export const childTaskMessage = (
  parentThreadId: string,
  task: string,
  deps: { clock: Clock; ids: Ids },
): NewEvent => ({
  id: deps.ids.next('ev'),
  at: deps.clock.now(),
  key: `task:${parentThreadId}`,
  type: 'user-message',
  data: { text: task, channel: 'agent', from: parentThreadId, untrusted: false },
});

/** The parent thread of a child, read from the message that started it. */
export const parentOf = (child: Thread): string | undefined => {
  const first = child.events[0];
  return first?.type === 'user-message' && first.data.channel === 'agent' ? first.data.from : undefined;
};

/** What a finished thread said last: its done message, or the reason it escalated or failed. */
export const finalMessageOf = (thread: Thread): string | undefined => {
  for (let index = thread.events.length - 1; index >= 0; index -= 1) {
    const event = thread.events[index];
    if (event?.type === 'agent-done') return event.data.message;
    if (event?.type === 'escalation') return event.data.detail;
    if (event?.type === 'failure') return event.data.error;
  }
  return undefined;
};

export const outcomeOf = (
  status: ThreadStatus | 'unknown-agent',
): 'done' | 'escalated' | 'failed' | 'cancelled' => {
  if (status === 'done' || status === 'escalated' || status === 'cancelled') return status;
  return 'failed';
};
