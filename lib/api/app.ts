import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { registerApprovalRoutes } from './approvals.ts';
import { type ApiDeps, type ApiEnv, type ApiLogger, DEFAULT_MAX_BODY_BYTES } from './deps.ts';
import { ApiError, handleError, handleNotFound, sendError } from './errors.ts';
import { pageHeaders } from './pages.ts';
import { registerThreadRoutes } from './threads.ts';

const consoleLogger: ApiLogger = {
  error: (message, details) => console.error(message, details),
};

/**
 * The threadline HTTP API: the thread routes (authenticated) and the approval pages (public,
 * signed links). The API Lambda serves it through hono/aws-lambda; the local stack serves the
 * same app on 127.0.0.1.
 */
export const createApp = (deps: ApiDeps): Hono<ApiEnv> => {
  if (deps.auth.kind === 'token' && deps.auth.token.length === 0) {
    throw new Error('THREADLINE_API_TOKEN is empty: set a token, or run without one');
  }
  const maxBytes = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const app = new Hono<ApiEnv>();
  // First, so that pages refused before their route (a body over the limit) carry them too.
  app.use('/approvals/*', pageHeaders);
  // Refuses a too-long Content-Length up front and stops reading a stream past the limit; the
  // body readers check the bytes they actually got as well.
  app.use('*', bodyLimit({ maxSize: maxBytes, onError: (c) => sendError(c, ApiError.tooLarge(maxBytes)) }));
  registerThreadRoutes(app, deps);
  registerApprovalRoutes(app, deps);
  app.notFound(handleNotFound);
  app.onError(handleError(deps.logger ?? consoleLogger));
  return app;
};
