import type { Hono } from 'hono';
import { requireAuth } from './auth.ts';
import type { ApiDeps, ApiEnv } from './deps.ts';
import { resource } from './resource.ts';
import { controlThread } from './thread-control.ts';
import { postMessage } from './thread-messages.ts';
import { listThreads, readThread } from './thread-read.ts';
import { startThread } from './thread-start.ts';

/** The thread routes (factor 6: launch, read, message, pause, resume, cancel), all authenticated. */
export const registerThreadRoutes = (app: Hono<ApiEnv>, deps: ApiDeps): void => {
  const auth = requireAuth(deps.auth);
  app.use('/threads', auth);
  app.use('/threads/*', auth);
  resource(app, '/threads', { GET: listThreads(deps), POST: startThread(deps) });
  resource(app, '/threads/:id', { GET: readThread(deps) });
  resource(app, '/threads/:id/messages', { POST: postMessage(deps) });
  resource(app, '/threads/:id/pause', { POST: controlThread(deps, 'pause') });
  resource(app, '/threads/:id/resume', { POST: controlThread(deps, 'resume') });
  resource(app, '/threads/:id/cancel', { POST: controlThread(deps, 'cancel') });
};
