import type { Context } from 'hono';
import * as z from 'zod';
import { ThreadNotFoundError } from '../core/errors.ts';
import type { Thread } from '../core/events.ts';
import type { ThreadStore } from '../core/ports.ts';
import type { ApiEnv } from './deps.ts';
import { ApiError } from './errors.ts';

/**
 * Thread ids the API accepts: what the ingress queue accepts (a FIFO group id), and short enough
 * that `<threadId>-<seq>` stays a unique Step Functions execution name (80 characters).
 */
export const ThreadIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w-]+$/, 'letters, digits, _ and - only');

/** The thread a path names. An id no thread could have is as unknown as one that is not there. */
export const threadIdParam = (c: Context<ApiEnv>): string => {
  const raw = c.req.param('id') ?? '';
  const parsed = ThreadIdSchema.safeParse(raw);
  if (!parsed.success) throw ApiError.notFound(`no thread has the id ${JSON.stringify(raw.slice(0, 80))}`);
  return parsed.data;
};

export const findThread = async (store: ThreadStore, threadId: string): Promise<Thread | undefined> => {
  try {
    return await store.load(threadId);
  } catch (error) {
    if (error instanceof ThreadNotFoundError) return undefined;
    throw error;
  }
};

export const loadThread = async (store: ThreadStore, threadId: string): Promise<Thread> => {
  const thread = await findThread(store, threadId);
  if (!thread) throw ApiError.notFound(`no thread has the id ${threadId}`);
  return thread;
};
