import { describe, expect, it } from 'vitest';
import { createTestApi, postJson, seedThread } from './harness.ts';

describe('POST /threads/{id}/messages', () => {
  it('queues the message for the thread and answers 202', async () => {
    const api = createTestApi();
    await seedThread(api);

    const response = await postJson(api, '/threads/thread-1/messages', { message: 'Make it 100 USD' });

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ threadId: 'thread-1' });
    expect(api.ingress.sent).toEqual([
      {
        kind: 'message',
        threadId: 'thread-1',
        text: 'Make it 100 USD',
        channel: 'api',
        untrusted: false,
        key: expect.stringMatching(/^api-/),
      },
    ]);
  });

  it('sends a retried message with the same key, and nothing once the thread holds it', async () => {
    const api = createTestApi();
    await seedThread(api);
    const headers = { 'Idempotency-Key': 'msg-1' };

    await postJson(api, '/threads/thread-1/messages', { message: 'again' }, headers);
    await postJson(api, '/threads/thread-1/messages', { message: 'again' }, headers);
    const key = api.ingress.sent[0]!.key;
    await api.store.append('thread-1', [
      {
        id: 'ev-x',
        at: api.clock.now(),
        key,
        type: 'user-message',
        data: { text: 'again', channel: 'api', untrusted: false },
      },
    ]);
    const third = await postJson(api, '/threads/thread-1/messages', { message: 'again' }, headers);

    expect(third.status).toBe(202);
    expect(api.ingress.sent.map((message) => message.key)).toEqual([key, key]);
  });

  it('keeps a message for a paused thread', async () => {
    const api = createTestApi();
    await seedThread(api);
    await postJson(api, '/threads/thread-1/pause', {});

    const response = await postJson(api, '/threads/thread-1/messages', { message: 'for later' });

    expect(response.status).toBe(202);
    expect(api.ingress.sent).toHaveLength(1);
  });

  it('answers 409 for a cancelled thread', async () => {
    const api = createTestApi();
    await seedThread(api);
    await postJson(api, '/threads/thread-1/cancel', {});

    const response = await postJson(api, '/threads/thread-1/messages', { message: 'hello?' });

    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: 'conflict',
      message: 'thread thread-1 is cancelled: it takes no more messages',
    });
    expect(api.ingress.sent).toEqual([]);
  });

  it('answers 404 for a thread that does not exist', async () => {
    const api = createTestApi();

    const response = await postJson(api, '/threads/nope/messages', { message: 'hello?' });

    expect(response.status).toBe(404);
    expect(api.ingress.sent).toEqual([]);
  });

  it('answers 400 for a message of the wrong type', async () => {
    const api = createTestApi();
    await seedThread(api);

    const response = await postJson(api, '/threads/thread-1/messages', { message: ['a'] });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid request',
      issues: [{ path: 'message', message: 'Invalid input: expected string, received array' }],
    });
  });
});
