import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { createApp } from '../lib/api/app.ts';
import type { ApiDeps } from '../lib/api/deps.ts';
import { apiDeps } from './aws-deps.ts';

type Serve = ReturnType<typeof handle>;

/**
 * The HTTP API behind API Gateway: the same Hono app the local stack serves. The deps are built on
 * the first request and kept for the life of the container: the approval-link key is read from
 * Secrets Manager, which needs an await. A failed build is tried again on the next request.
 */
export const createHandler = (deps: () => Promise<ApiDeps>) => {
  let ready: Promise<Serve> | undefined;
  const serve = (): Promise<Serve> => {
    ready ??= deps()
      .then((built) => handle(createApp(built)))
      .catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
    return ready;
  };
  return async (event: LambdaEvent, context?: LambdaContext) => (await serve())(event, context);
};

export const handler = createHandler(apiDeps);
