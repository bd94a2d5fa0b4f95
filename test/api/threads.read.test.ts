import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createTestApi, getJson, seedApproval, seedThread } from './harness.ts';

const ListSchema = z.object({
  threads: z.array(z.object({ threadId: z.string(), status: z.string() })),
  cursor: z.string().optional(),
});
const ViewSchema = z.looseObject({ events: z.array(z.object({ type: z.string(), at: z.string() })) });
const IssuesSchema = z.object({ error: z.string(), issues: z.array(z.object({ path: z.string() })) });

describe('GET /threads', () => {
  it('lists thread summaries, newest first', async () => {
    const api = createTestApi();
    await seedThread(api, 'thread-a');
    await seedApproval(api, { threadId: 'thread-b' });

    const response = await getJson(api, '/threads');

    expect(response.status).toBe(200);
    const body = ListSchema.parse(await response.json());
    expect(body.threads.map((thread) => [thread.threadId, thread.status])).toEqual([
      ['thread-b', 'awaiting-approval'],
      ['thread-a', 'running'],
    ]);
    expect(body.cursor).toBeUndefined();
  });

  it('filters by status and pages with the cursor it hands out', async () => {
    const api = createTestApi();
    for (const id of ['t1', 't2', 't3']) await seedThread(api, id);
    await seedApproval(api, { threadId: 'waiting' });

    const first = ListSchema.parse(await (await getJson(api, '/threads?status=running&limit=2')).json());
    const second = ListSchema.parse(
      await (await getJson(api, `/threads?status=running&limit=2&cursor=${first.cursor}`)).json(),
    );

    expect(first.threads.map((thread) => thread.threadId)).toEqual(['t3', 't2']);
    expect(second.threads.map((thread) => thread.threadId)).toEqual(['t1']);
    expect(second.cursor).toBeUndefined();
  });

  it('takes empty parameters as no filter', async () => {
    const api = createTestApi();
    await seedThread(api, 'thread-a');

    const response = await getJson(api, '/threads?agent=&status=&limit=&cursor=');

    expect(response.status).toBe(200);
    expect(ListSchema.parse(await response.json()).threads).toHaveLength(1);
  });

  it.each([
    ['an unknown status', '?status=sleeping', 'status'],
    ['a limit that is not a number', '?limit=ten', 'limit'],
    ['a limit of zero', '?limit=0', 'limit'],
    ['a limit over the maximum', '?limit=1001', 'limit'],
    ['a cursor it never handed out', '?cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ['a cursor that is not base64 JSON', '?cursor=%25%25%25', 'cursor'],
  ])('answers 400 for %s', async (_what, query, path) => {
    const api = createTestApi();

    const response = await getJson(api, `/threads${query}`);

    expect(response.status).toBe(400);
    const body = IssuesSchema.parse(await response.json());
    expect(body.error).toBe('invalid request');
    expect(body.issues.map((issue) => issue.path)).toEqual([path]);
  });
});

describe('GET /threads/{id}', () => {
  it('answers the summary, the status and every event', async () => {
    const api = createTestApi();
    await seedApproval(api);

    const response = await getJson(api, '/threads/thread-1');

    expect(response.status).toBe(200);
    const body = ViewSchema.parse(await response.json());
    expect(body).toMatchObject({
      threadId: 'thread-1',
      agent: 'billing',
      status: 'awaiting-approval',
      waitingFor: 'approval of create_payment_link',
      lastSeq: 3,
      inputTokens: 10,
      outputTokens: 5,
      createdAt: '2026-03-01T12:00:01.000Z',
      updatedAt: body.events[2]?.at,
    });
    expect(body.events.map((event) => event.type)).toEqual([
      'user-message',
      'model-step',
      'approval-request',
    ]);
  });

  it('answers 404 for a thread that does not exist', async () => {
    const api = createTestApi();

    const response = await getJson(api, '/threads/nope');

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not found', message: 'no thread has the id nope' });
  });

  it('answers 404 for an id no thread could have', async () => {
    const api = createTestApi();

    const response = await getJson(api, `/threads/${encodeURIComponent('<script>')}`);

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not found', message: 'no thread has the id "<script>"' });
  });
});
