import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createTestApi, postJson, seedThread, type TestApi } from './harness.ts';

const AcceptedSchema = z.object({ threadId: z.string() });
const START = { agent: 'billing', message: 'Bill Terri 120 USD for invoice 42' };
const KEY = { 'Idempotency-Key': 'order-42' };
const KEY_REUSED = {
  error: 'idempotency key reused',
  message:
    'Idempotency-Key is already used for a different request body: send this body with a new key, or the first body again',
};

/** What ingest has done when it has created the thread and not yet appended its first message. */
const createThreadAsIngestBegins = (api: TestApi, threadId: string) =>
  api.store.create({ threadId, agent: 'billing', at: api.clock.now() });

/** What ingest leaves once it has appended the queued message. */
const ingestQueued = async (api: TestApi, index: number) => {
  const message = api.ingress.sent[index]!;
  if (message.kind === 'start')
    await createThreadAsIngestBegins(api, message.threadId).catch(() => undefined);
  await api.store.append(message.threadId, [
    {
      id: `ev-ingested-${index}`,
      at: api.clock.now(),
      key: message.key,
      type: 'user-message',
      data: { text: message.text, channel: 'api', untrusted: false },
    },
  ]);
};

describe('POST /threads retried with an Idempotency-Key', () => {
  it('answers 202 with the same thread while ingest has created the thread but not appended the start', async () => {
    const api = createTestApi();
    const first = AcceptedSchema.parse(await (await postJson(api, '/threads', START, KEY)).json());
    await createThreadAsIngestBegins(api, first.threadId);

    const retry = await postJson(api, '/threads', START, KEY);

    expect(retry.status).toBe(202);
    expect(await retry.json()).toEqual(first);
    expect(retry.headers.get('Location')).toBe(`https://api.example.com/v1/threads/${first.threadId}`);
    // The first request's message is being ingested: the retry queues no copy.
    expect(api.ingress.sent).toHaveLength(1);
  });

  it('answers 202 with the same thread before, during and after ingest, with the thread id the caller chose', async () => {
    const api = createTestApi();
    const body = { ...START, threadId: 'invoice-42' };
    const statuses: number[] = [];
    const post = async () => {
      const response = await postJson(api, '/threads', body, KEY);
      statuses.push(response.status);
      expect(await response.json()).toEqual({ threadId: 'invoice-42' });
    };

    await post();
    await post();
    await createThreadAsIngestBegins(api, 'invoice-42');
    await post();
    await ingestQueued(api, 0);
    await post();

    expect(statuses).toEqual([202, 202, 202, 202]);
    expect(new Set(api.ingress.sent.map((message) => message.key)).size).toBe(1);
  });

  it('queues the message again when the first request failed after recording its answer', async () => {
    const api = createTestApi();
    const send = api.ingress.send.bind(api.ingress);
    api.ingress.send = async () => {
      throw new Error('the queue is unreachable');
    };
    const failed = await postJson(api, '/threads', START, KEY);
    api.ingress.send = send;

    const retry = await postJson(api, '/threads', START, KEY);

    expect(failed.status).toBe(500);
    expect(retry.status).toBe(202);
    expect(api.ingress.sent).toEqual([expect.objectContaining({ kind: 'start', text: START.message })]);
  });

  it('answers 422 to the same key with a different body, before and after ingest, and queues nothing for it', async () => {
    const api = createTestApi();
    await postJson(api, '/threads', START, KEY);

    const otherText = await postJson(api, '/threads', { ...START, message: 'Bill Sam 10 USD' }, KEY);
    const otherThread = await postJson(api, '/threads', { ...START, threadId: 'invoice-43' }, KEY);
    await ingestQueued(api, 0);
    const afterIngest = await postJson(api, '/threads', { ...START, agent: 'triage' }, KEY);

    for (const response of [otherText, otherThread, afterIngest]) {
      expect(response.status).toBe(422);
      expect(await response.json()).toEqual(KEY_REUSED);
    }
    expect(api.ingress.sent).toHaveLength(1);
  });

  it('takes the same body with its fields in another order or spacing as the same request', async () => {
    const api = createTestApi();
    await postJson(api, '/threads', START, KEY);

    const reordered = await postJson(
      api,
      '/threads',
      `{ "message": ${JSON.stringify(START.message)},\n  "agent": "billing" }`,
      KEY,
    );

    expect(reordered.status).toBe(202);
  });

  it('answers every retry 409 when the chosen thread id was taken by another request first', async () => {
    const api = createTestApi();
    await seedThread(api, 'invoice-42');
    const body = { ...START, threadId: 'invoice-42' };

    const first = await postJson(api, '/threads', body, KEY);
    const retry = await postJson(api, '/threads', body, KEY);

    const conflict = {
      error: 'conflict',
      message: 'thread invoice-42 already exists: POST /threads/invoice-42/messages continues it',
    };
    expect([first.status, retry.status]).toEqual([409, 409]);
    expect(await first.json()).toEqual(conflict);
    expect(await retry.json()).toEqual(conflict);
    expect(api.ingress.sent).toEqual([]);
  });

  it('treats the same key from two callers as two requests', async () => {
    const api = createTestApi({ auth: { kind: 'iam' } });
    // API Gateway attaches the SigV4 caller to the event hono/aws-lambda passes on as `c.env`.
    const as = (caller: string) =>
      api.app.request(
        '/threads',
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...KEY },
          body: JSON.stringify(START),
        },
        { event: { requestContext: { identity: { userArn: caller } } } },
      );

    const ada = AcceptedSchema.parse(await (await as('arn:aws:iam::1:user/ada')).json());
    const bob = AcceptedSchema.parse(await (await as('arn:aws:iam::1:user/bob')).json());

    expect(ada.threadId).not.toBe(bob.threadId);
  });
});

describe('POST /threads/{id}/messages retried with an Idempotency-Key', () => {
  it('answers 202 to a retry after the thread was cancelled while the message was queued', async () => {
    const api = createTestApi();
    await seedThread(api);
    const first = await postJson(api, '/threads/thread-1/messages', { message: 'Make it 100 USD' }, KEY);
    await postJson(api, '/threads/thread-1/cancel', {});

    const retry = await postJson(api, '/threads/thread-1/messages', { message: 'Make it 100 USD' }, KEY);

    expect([first.status, retry.status]).toEqual([202, 202]);
    expect(await retry.json()).toEqual({ threadId: 'thread-1' });
    expect(api.ingress.sent).toHaveLength(1);
  });

  it('answers every retry 409 when the thread was cancelled before the first request', async () => {
    const api = createTestApi();
    await seedThread(api);
    await postJson(api, '/threads/thread-1/cancel', {});

    const first = await postJson(api, '/threads/thread-1/messages', { message: 'hello?' }, KEY);
    const retry = await postJson(api, '/threads/thread-1/messages', { message: 'hello?' }, KEY);

    expect([first.status, retry.status]).toEqual([409, 409]);
    expect(await retry.json()).toEqual({
      error: 'conflict',
      message: 'thread thread-1 is cancelled: it takes no more messages',
    });
  });

  it('accepts a retry once the thread exists when the first request found no thread', async () => {
    const api = createTestApi();

    const first = await postJson(api, '/threads/thread-1/messages', { message: 'early' }, KEY);
    await seedThread(api);
    const retry = await postJson(api, '/threads/thread-1/messages', { message: 'early' }, KEY);

    expect([first.status, retry.status]).toEqual([404, 202]);
    expect(api.ingress.sent).toHaveLength(1);
  });

  it('answers 422 to the same key with a different message, and keeps one key per thread', async () => {
    const api = createTestApi();
    await seedThread(api);
    await seedThread(api, 'thread-2');
    await postJson(api, '/threads/thread-1/messages', { message: 'first' }, KEY);

    const reused = await postJson(api, '/threads/thread-1/messages', { message: 'second' }, KEY);
    const otherThread = await postJson(api, '/threads/thread-2/messages', { message: 'second' }, KEY);

    expect(reused.status).toBe(422);
    expect(await reused.json()).toEqual(KEY_REUSED);
    expect(otherThread.status).toBe(202);
    expect(api.ingress.sent.map((message) => [message.threadId, message.text])).toEqual([
      ['thread-1', 'first'],
      ['thread-2', 'second'],
    ]);
  });

  it('records nothing for a request without the key', async () => {
    const api = createTestApi();
    await seedThread(api);

    await postJson(api, '/threads/thread-1/messages', { message: 'first' });
    const second = await postJson(api, '/threads/thread-1/messages', { message: 'second' });

    expect(second.status).toBe(202);
    expect(api.ingress.sent.map((message) => message.text)).toEqual(['first', 'second']);
  });
});
