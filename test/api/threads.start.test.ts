import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { AUTHORIZED, createTestApi, postJson, seedThread } from './harness.ts';

const AcceptedSchema = z.object({ threadId: z.string() });

const START = { agent: 'billing', message: 'Bill Terri 120 USD for invoice 42' };

describe('POST /threads', () => {
  it('queues the first message of a new thread and answers 202 with its id', async () => {
    const api = createTestApi();

    const response = await postJson(api, '/threads', START);

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ threadId: 'thread-1' });
    // The stack hands the API its approvals URL; the thread's URL is beside it.
    expect(response.headers.get('Location')).toBe('https://api.example.com/v1/threads/thread-1');
    expect(api.ingress.sent).toEqual([
      {
        kind: 'start',
        threadId: 'thread-1',
        agent: 'billing',
        text: START.message,
        channel: 'api',
        untrusted: false,
        key: 'api-key-2',
      },
    ]);
  });

  it('points Location at the thread relative to /threads when the API has no configured URL', async () => {
    const api = createTestApi({ publicUrl: '' });

    const response = await postJson(api, '/threads', START);

    expect(response.headers.get('Location')).toBe('threads/thread-1');
    expect(new URL(response.headers.get('Location')!, 'https://abc.example.com/v1/threads').href).toBe(
      'https://abc.example.com/v1/threads/thread-1',
    );
  });

  it('uses the thread id the caller chose', async () => {
    const api = createTestApi();

    const response = await postJson(api, '/threads', { ...START, threadId: 'invoice-42' });

    expect(await response.json()).toEqual({ threadId: 'invoice-42' });
    expect(api.ingress.sent[0]).toMatchObject({ threadId: 'invoice-42' });
  });

  it('names the same thread and sends the same key when a request is retried with its Idempotency-Key', async () => {
    const api = createTestApi();
    const headers = { 'Idempotency-Key': 'order-42' };

    const first = await postJson(api, '/threads', START, headers);
    const second = await postJson(api, '/threads', START, headers);

    expect(second.status).toBe(202);
    const body = AcceptedSchema.parse(await first.json());
    expect(await second.json()).toEqual(body);
    expect(body.threadId).toMatch(/^thread-[\w-]{32}$/);
    const [one, two] = api.ingress.sent;
    expect(two).toEqual(one);
    expect(one?.key).toMatch(/^idem-[\w-]{32}$/);
  });

  it('sends nothing again when the retried start is already in the thread', async () => {
    const api = createTestApi();
    const headers = { 'Idempotency-Key': 'order-42' };
    await postJson(api, '/threads', { ...START, threadId: 'invoice-42' }, headers);
    const sent = api.ingress.sent[0]!;
    await api.store.create({ threadId: 'invoice-42', agent: 'billing', at: api.clock.now() });
    await api.store.append('invoice-42', [
      {
        id: 'ev-x',
        at: api.clock.now(),
        key: sent.key,
        type: 'user-message',
        data: { text: sent.text, channel: 'api', untrusted: false },
      },
    ]);

    const replay = await postJson(api, '/threads', { ...START, threadId: 'invoice-42' }, headers);

    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual({ threadId: 'invoice-42' });
    expect(api.ingress.sent).toHaveLength(1);
  });

  it('gives two different keys two different threads', async () => {
    const api = createTestApi();

    const first = AcceptedSchema.parse(
      await (await postJson(api, '/threads', START, { 'Idempotency-Key': 'a' })).json(),
    );
    const second = AcceptedSchema.parse(
      await (await postJson(api, '/threads', START, { 'Idempotency-Key': 'b' })).json(),
    );

    expect(first.threadId).not.toBe(second.threadId);
  });

  it('answers 409 when the chosen thread id is taken', async () => {
    const api = createTestApi();
    await seedThread(api, 'invoice-42');

    const response = await postJson(api, '/threads', { ...START, threadId: 'invoice-42' });

    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: 'conflict',
      message: 'thread invoice-42 already exists: POST /threads/invoice-42/messages continues it',
    });
    expect(api.ingress.sent).toEqual([]);
  });
});

describe('POST /threads with a bad body', () => {
  it('answers 400 naming the known agents when the agent is unknown', async () => {
    const api = createTestApi();

    const response = await postJson(api, '/threads', { ...START, agent: 'refunds' });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid request',
      issues: [{ path: 'agent', message: 'unknown agent "refunds"; known agents: billing, triage' }],
    });
  });

  it.each([
    [
      'text that is not JSON',
      'agent=billing',
      [{ path: '', message: expect.stringContaining('the body is not JSON') }],
    ],
    ['an empty body', '', [{ path: '', message: 'the body is empty: send a JSON object' }]],
    ['a JSON array', '[]', [{ path: '', message: expect.stringContaining('expected object') }]],
    [
      'a message of the wrong type',
      { agent: 'billing', message: 42 },
      [{ path: 'message', message: expect.stringContaining('expected string') }],
    ],
    [
      'no message',
      { agent: 'billing' },
      [{ path: 'message', message: expect.stringContaining('expected string') }],
    ],
    [
      'a blank message',
      { agent: 'billing', message: '   ' },
      [{ path: 'message', message: 'must not be empty' }],
    ],
    ['no agent', { message: 'hi' }, [{ path: 'agent', message: expect.stringContaining('expected string') }]],
    [
      'a thread id with a slash',
      { ...START, threadId: 'a/b' },
      [{ path: 'threadId', message: 'letters, digits, _ and - only' }],
    ],
    [
      'a thread id too long for an execution name',
      { ...START, threadId: 'x'.repeat(65) },
      [{ path: 'threadId', message: expect.stringContaining('64') }],
    ],
    [
      'a field it does not know',
      { ...START, priority: 'high' },
      [{ path: '', message: expect.stringContaining('priority') }],
    ],
  ])('answers 400 with the issues for %s', async (_what, body, issues) => {
    const api = createTestApi();

    const response = await postJson(api, '/threads', body);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid request', issues });
    expect(api.ingress.sent).toEqual([]);
  });

  it('answers 400 for an Idempotency-Key with spaces in it', async () => {
    const api = createTestApi();

    const response = await postJson(api, '/threads', START, { 'Idempotency-Key': 'two words' });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid request',
      issues: [{ path: 'Idempotency-Key', message: 'visible ASCII characters only' }],
    });
  });

  it('answers 400 for a body that is not UTF-8', async () => {
    const api = createTestApi();

    const response = await api.app.request('/threads', {
      method: 'POST',
      headers: { ...AUTHORIZED, 'Content-Type': 'application/json' },
      body: new Uint8Array([0x7b, 0xff, 0x7d]),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid request',
      issues: [{ path: '', message: 'the request body is not UTF-8 text' }],
    });
  });
});
