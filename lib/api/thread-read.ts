import type { Handler } from 'hono';
import * as z from 'zod';
import { MAX_LIST_LIMIT } from '../adapters/list-cursor.ts';
import { summarizeThread } from '../adapters/summary.ts';
import type { Thread } from '../core/events.ts';
import { ThreadStatusSchema } from '../core/thread-state.ts';
import { parseWith } from './body.ts';
import type { ApiDeps, ApiEnv } from './deps.ts';
import { loadThread, threadIdParam } from './thread-lookup.ts';

/** `?agent=&status=` from a form or a URL template means "any": an empty value is no filter. */
const optionalParam = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const ListQuerySchema = z.object({
  agent: optionalParam(z.string().max(64)),
  status: optionalParam(ThreadStatusSchema),
  limit: optionalParam(z.coerce.number().int().min(1).max(MAX_LIST_LIMIT)),
  cursor: optionalParam(z.string().max(4096)),
});

/** GET /threads?agent=&status=&limit=&cursor=: summaries, newest first, one page at a time. */
export const listThreads =
  (deps: ApiDeps): Handler<ApiEnv> =>
  async (c) => {
    const query = parseWith(ListQuerySchema, c.req.query());
    return c.json(await deps.store.list(query), 200);
  };

/**
 * A thread as one document: its summary (derived from the events, like the list's) and every
 * event. `createdAt` is the first event's time: the thread itself records no other.
 */
export const threadView = (thread: Thread) => {
  const createdAt = thread.events[0]?.at ?? '';
  const summary = summarizeThread({
    threadId: thread.id,
    agent: thread.agent,
    createdAt,
    events: thread.events,
    ...(thread.parent ? { parent: thread.parent } : {}),
  });
  return { ...summary, events: thread.events };
};

/** GET /threads/{id} */
export const readThread =
  (deps: ApiDeps): Handler<ApiEnv> =>
  async (c) => {
    const thread = await loadThread(deps.store, threadIdParam(c));
    return c.json(threadView(thread), 200);
  };
