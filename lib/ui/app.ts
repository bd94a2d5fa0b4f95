import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import * as z from 'zod';
import { InvalidCursorError } from '../adapters/store-errors.ts';
import { pageHeaders } from '../api/pages.ts';
import { findThread, ThreadIdSchema } from '../api/thread-lookup.ts';
import { deadLettersPage } from './dead-letters-page.ts';
import type { UiDeps } from './deps.ts';
import { threadHref } from './format.ts';
import { sendUiPage, uiMessagePage } from './layout.ts';
import { outboxPage } from './outbox-page.ts';
import { startFormSchema } from './start-form.ts';
import { threadsPage } from './threads-page.ts';
import { refreshSecondsOf, timelinePage } from './timeline-page.ts';

/** A message is at most 100,000 characters: its form, url-encoded, fits well within this. */
const MAX_FORM_BYTES = 1024 * 1024;

const ListQuerySchema = z.object({ cursor: z.string().min(1).max(4096).optional() });

const showThreads = async (c: Context, deps: UiDeps): Promise<Response> => {
  const query = ListQuerySchema.safeParse(c.req.query());
  const cursor = query.success ? query.data.cursor : undefined;
  try {
    const page = await deps.store.list(cursor === undefined ? {} : { cursor });
    return sendUiPage(c, 200, threadsPage({ ...page, agents: deps.agents }));
  } catch (error) {
    if (!(error instanceof InvalidCursorError)) throw error;
    return sendUiPage(c, 400, uiMessagePage('That page of threads does not exist', error.message));
  }
};

const startThread = async (c: Context, deps: UiDeps): Promise<Response> => {
  const form = await c.req.parseBody();
  const parsed = startFormSchema(deps.agents).safeParse(form);
  if (!parsed.success) {
    const typed = (name: string) => (typeof form[name] === 'string' ? form[name] : undefined);
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    const state = { agent: typed('agent'), message: typed('message'), problems };
    const page = await deps.store.list();
    return sendUiPage(c, 400, threadsPage({ ...page, agents: deps.agents, form: state }));
  }
  const { threadId } = await deps.startThread(parsed.data);
  return c.redirect(threadHref(threadId), 303);
};

const showTimeline = async (c: Context, deps: UiDeps): Promise<Response> => {
  const raw = c.req.param('id') ?? '';
  const threadId = ThreadIdSchema.safeParse(raw);
  const thread = threadId.success ? await findThread(deps.store, threadId.data) : undefined;
  if (!thread) {
    return sendUiPage(c, 404, uiMessagePage('Thread not found', `No thread has the id ${raw.slice(0, 80)}.`));
  }
  const refreshSeconds = c.req.query('refresh') === 'off' ? undefined : refreshSecondsOf(thread);
  return sendUiPage(c, 200, timelinePage(thread, { refreshSeconds }), { refreshSeconds });
};

/**
 * The local stack's web UI: the threads, each thread's timeline and cost, and the outbox. It is
 * mounted beside the API in the same server; pages are rendered on the server, load nothing from
 * elsewhere and run no script. The one form checks its origin, so another site cannot start threads.
 */
export const createUiApp = (deps: UiDeps): Hono => {
  const app = new Hono();
  // Only the UI's own paths: the local stack mounts this app beside the JSON API.
  app.use('/', pageHeaders);
  app.use('/ui/*', pageHeaders);
  app.get('/', (c) => showThreads(c, deps));
  app.post(
    '/ui/threads',
    csrf(),
    bodyLimit({
      maxSize: MAX_FORM_BYTES,
      onError: (c) => sendUiPage(c, 413, uiMessagePage('That was too much text', 'Send a shorter message.')),
    }),
    (c) => startThread(c, deps),
  );
  app.get('/ui/threads/:id', (c) => showTimeline(c, deps));
  app.get('/ui/outbox', async (c) =>
    sendUiPage(c, 200, outboxPage(await deps.outbox.list(), deps.approvalsBase)),
  );
  const { deadLetters } = deps;
  if (deadLetters !== undefined) {
    app.get('/ui/dead-letters', async (c) => sendUiPage(c, 200, deadLettersPage(await deadLetters.list())));
    app.post('/ui/dead-letters/redrive', csrf(), async (c) => {
      const said = await deadLetters.redrive();
      return sendUiPage(c, 200, deadLettersPage(await deadLetters.list(), said));
    });
  }
  app.notFound((c) => sendUiPage(c, 404, uiMessagePage('Not found', `Nothing is at ${c.req.path}.`)));
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      const message = error.status === 403 ? 'This form only works from the page it is on.' : error.message;
      return sendUiPage(c, error.status, uiMessagePage('That did not work', message));
    }
    console.error('unhandled UI error', { error, method: c.req.method, path: c.req.path });
    return sendUiPage(
      c,
      500,
      uiMessagePage('Something went wrong', 'It has been logged. Try again in a minute.'),
    );
  });
  return app;
};
