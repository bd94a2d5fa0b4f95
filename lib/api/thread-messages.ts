import type { Handler } from 'hono';
import * as z from 'zod';
import { IngressMessageSchema } from '../adapters/ingress-message.ts';
import { deriveThreadState } from '../core/thread-state.ts';
import { acceptMessage } from './accept-message.ts';
import { readJsonBody } from './body.ts';
import { type ApiDeps, type ApiEnv, DEFAULT_MAX_BODY_BYTES } from './deps.ts';
import { ApiError } from './errors.ts';
import { idempotencyKeyOf } from './idempotency.ts';
import { threadIdParam } from './thread-lookup.ts';
import { MessageTextSchema, senderOf } from './thread-start.ts';

const MessageBodySchema = z.strictObject({ message: MessageTextSchema });

/**
 * POST /threads/{id}/messages: queues a message for the thread. The ingest function decides what
 * it does (answer a wait, feed the running turn, or start a new one); a paused thread keeps it
 * for when it resumes. Only a cancelled thread refuses it. A retry with the same
 * `Idempotency-Key` gets the first answer (`acceptMessage`), also once the thread was cancelled
 * after the message was accepted.
 */
export const postMessage =
  (deps: ApiDeps): Handler<ApiEnv> =>
  async (c) => {
    const threadId = threadIdParam(c);
    const body = await readJsonBody(c, MessageBodySchema, {
      maxBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    });
    const key = idempotencyKeyOf(c, ['message', threadId], () => deps.ids.next('key'));
    const answer = await acceptMessage(c, deps, {
      scope: ['message', threadId],
      body,
      threadId,
      message: IngressMessageSchema.parse({
        kind: 'message',
        threadId,
        text: body.message,
        channel: 'api',
        from: senderOf(c.get('caller')),
        key,
      }),
      refuse: (thread) => {
        if (!thread) return { error: ApiError.notFound(`no thread has the id ${threadId}`), lasting: false };
        if (deriveThreadState(thread.events).status !== 'cancelled') return undefined;
        return {
          error: ApiError.conflict(`thread ${threadId} is cancelled: it takes no more messages`),
          lasting: true,
        };
      },
    });
    return c.json(answer.body, answer.status);
  };
