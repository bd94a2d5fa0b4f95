import type { Handler } from 'hono';
import * as z from 'zod';
import { apiBaseUrl } from '../adapters/approval-links.ts';
import { IngressMessageSchema } from '../adapters/ingress-message.ts';
import { acceptMessage } from './accept-message.ts';
import { readJsonBody } from './body.ts';
import { type ApiDeps, type ApiEnv, DEFAULT_MAX_BODY_BYTES } from './deps.ts';
import { ApiError } from './errors.ts';
import { clientKeyOf, digest, idempotencyKeyOf } from './idempotency.ts';
import { ThreadIdSchema } from './thread-lookup.ts';

/** What a person or a system writes to an agent: the ingress queue's limit, and never blank. */
export const MessageTextSchema = z
  .string()
  .max(100_000)
  .refine((text) => text.trim().length > 0, 'must not be empty');

const startBodySchema = (agents: readonly string[]) =>
  z.strictObject({
    agent: z.string().refine((name) => agents.includes(name), {
      error: (issue) => `unknown agent ${JSON.stringify(issue.input)}; known agents: ${agents.join(', ')}`,
    }),
    message: MessageTextSchema,
    threadId: ThreadIdSchema.optional(),
  });

/**
 * Where the new thread is read. Without a configured URL, a reference relative to `…/threads`,
 * which resolves right behind any stage or base-path prefix (the API function cannot be told its
 * own URL: the API depends on the function).
 */
const locationOf = (publicUrl: string | undefined, threadId: string): string =>
  publicUrl ? `${apiBaseUrl(publicUrl)}/threads/${threadId}` : `threads/${threadId}`;

/** The `from` of a message: the IAM caller, when there is one, within the ingress limit. */
export const senderOf = (caller: string | undefined): string | undefined => caller?.slice(0, 320);

/**
 * POST /threads: queues the first message of a new thread and answers 202 with its id. With an
 * `Idempotency-Key` and no `threadId`, the id is derived from the key, so a retried request
 * names the same thread instead of starting a second one; every retry gets the first answer
 * (`acceptMessage`), also while ingest is creating the thread.
 */
export const startThread =
  (deps: ApiDeps): Handler<ApiEnv> =>
  async (c) => {
    const body = await readJsonBody(c, startBodySchema([...deps.agents.keys()]), {
      maxBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    });
    const clientKey = clientKeyOf(c);
    const threadId =
      body.threadId ??
      (clientKey === undefined
        ? deps.ids.next('thread')
        : `thread-${digest(['thread', c.get('caller') ?? '', clientKey])}`);
    const key = idempotencyKeyOf(c, ['start', threadId], () => deps.ids.next('key'));
    const answer = await acceptMessage(c, deps, {
      scope: ['start'],
      body,
      threadId,
      message: IngressMessageSchema.parse({
        kind: 'start',
        threadId,
        agent: body.agent,
        text: body.message,
        channel: 'api',
        from: senderOf(c.get('caller')),
        key,
      }),
      refuse: (thread) =>
        thread && {
          error: ApiError.conflict(
            `thread ${threadId} already exists: POST /threads/${threadId}/messages continues it`,
          ),
          lasting: true,
        },
    });
    if (answer.status === 202) c.header('Location', locationOf(deps.publicUrl, threadId));
    return c.json(answer.body, answer.status);
  };
