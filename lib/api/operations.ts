import { Hono } from 'hono';
import * as z from 'zod';
import { DEFAULT_REDRIVE_LIMIT, type RedriveResult } from '../service/redrive.ts';
import { requireAuth } from './auth.ts';
import { readJsonBody } from './body.ts';
import type { ApiAuth, ApiEnv, ApiLogger } from './deps.ts';
import { ApiError, handleError, handleNotFound } from './errors.ts';

export interface OperationsDeps {
  auth: ApiAuth;
  /** The dead-letter queues by name (`ingress`, `inbound-email`). */
  queues: () => readonly string[];
  redrive: (options: { queues: readonly string[]; limit: number }) => Promise<RedriveResult[]>;
  logger?: ApiLogger;
}

const RedriveBodySchema = z.strictObject({
  /** Only these queues; every one when left out. */
  queues: z.array(z.string().min(1)).min(1).optional(),
  limit: z.number().int().min(1).max(10_000).default(DEFAULT_REDRIVE_LIMIT),
});

/**
 * The operators' routes, served by the redrive function (AWS_IAM only) and by the local stack:
 * `POST /operations/redrive` moves dead-lettered messages back and says how many went, per queue.
 * 200 when everything went back, 207 when some could not (they stay in their queue).
 */
export const createOperationsApp = (deps: OperationsDeps): Hono<ApiEnv> => {
  const app = new Hono<ApiEnv>();
  app.use('/operations/*', requireAuth(deps.auth));
  app.post('/operations/redrive', async (c) => {
    const body = await readJsonBody(c, RedriveBodySchema, { maxBytes: 4096, optional: true });
    const unknown = (body.queues ?? []).filter((name) => !deps.queues().includes(name));
    if (unknown.length > 0) {
      throw new ApiError(
        400,
        'invalid request',
        `no dead-letter queue named ${unknown.join(', ')}; there are: ${deps.queues().join(', ')}`,
      );
    }
    const results = await deps.redrive({ queues: body.queues ?? deps.queues(), limit: body.limit });
    const failed = results.some((result) => result.failed.length > 0);
    return c.json({ results }, failed ? 207 : 200);
  });
  app.notFound(handleNotFound);
  app.onError(handleError(deps.logger ?? { error: (message, details) => console.error(message, details) }));
  return app;
};
