import type { Handler } from 'hono';
import * as z from 'zod';
import { IngressMessageSchema } from '../adapters/ingress-message.ts';
import { deriveThreadState } from '../core/thread-state.ts';
import { readJsonBody } from './body.ts';
import { type ApiDeps, type ApiEnv, DEFAULT_MAX_BODY_BYTES } from './deps.ts';
import { ApiError } from './errors.ts';
import { idempotencyKeyOf } from './idempotency.ts';
import { loadThread, threadIdParam } from './thread-lookup.ts';
import { MessageTextSchema, senderOf } from './thread-start.ts';

const MessageBodySchema = z.strictObject({ message: MessageTextSchema });

/**
 * POST /threads/{id}/messages: queues a message for the thread. The ingest function decides what
 * it does (answer a wait, feed the running turn, or start a new one); a paused thread keeps it
 * for when it resumes. Only a cancelled thread refuses it.
 */
export const postMessage =
  (deps: ApiDeps): Handler<ApiEnv> =>
  async (c) => {
    const threadId = threadIdParam(c);
    const body = await readJsonBody(c, MessageBodySchema, {
      maxBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    });
    const key = idempotencyKeyOf(c, ['message', threadId], () => deps.ids.next('key'));
    const thread = await loadThread(deps.store, threadId);
    const isReplay = thread.events.some((event) => event.key === key);
    if (!isReplay) {
      if (deriveThreadState(thread.events).status === 'cancelled') {
        throw ApiError.conflict(`thread ${threadId} is cancelled: it takes no more messages`);
      }
      await deps.ingress.send(
        IngressMessageSchema.parse({
          kind: 'message',
          threadId,
          text: body.message,
          channel: 'api',
          from: senderOf(c.get('caller')),
          key,
        }),
      );
    }
    return c.json({ threadId }, 202);
  };
