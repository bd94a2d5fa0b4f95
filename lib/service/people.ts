import type { Thread } from '../core/events.ts';

/** Email addresses that wrote to the thread: they hear its questions and its result. */
export const ownersOf = (thread: Thread): string[] => {
  const owners = thread.events.flatMap((event) =>
    event.type === 'user-message' && event.data.channel === 'email' && event.data.from?.includes('@')
      ? [event.data.from]
      : [],
  );
  return [...new Set(owners)];
};

/** Everyone named, once each, in order. Undefined when nobody is: the notifier's default then. */
export const recipients = (...groups: readonly (readonly string[])[]): string[] | undefined => {
  const all = [...new Set(groups.flat())];
  return all.length === 0 ? undefined : all;
};
