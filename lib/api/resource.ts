import type { Handler, Hono } from 'hono';
import type { ApiEnv } from './deps.ts';
import { methodNotAllowed } from './errors.ts';

const METHODS = ['GET', 'POST'] as const;
type Method = (typeof METHODS)[number];

/**
 * Registers the handlers of one path, then a catch-all that answers every other method with
 * 405 and the `Allow` header. Hono answers HEAD with the GET handler, so HEAD is allowed with it.
 */
export const resource = (
  app: Hono<ApiEnv>,
  path: string,
  handlers: Partial<Record<Method, Handler<ApiEnv>>>,
): void => {
  const methods = METHODS.filter((method) => handlers[method] !== undefined);
  for (const method of methods) app.on(method, path, handlers[method]!);
  const allowed: string[] = methods.includes('GET') ? [...methods, 'HEAD'] : [...methods];
  app.all(path, (c) => methodNotAllowed(c, allowed));
};
