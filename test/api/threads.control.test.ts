import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../lib/core/events.ts';
import { createTestApi, postJson, seedApproval, seedThread, type TestApi } from './harness.ts';

const eventsOf = async (api: TestApi, threadId = 'thread-1') => (await api.store.load(threadId)).events;
const typesOf = async (api: TestApi) => (await eventsOf(api)).map((event) => event.type);

const done: NewEvent = {
  id: 'ev-done',
  at: '2026-03-01T12:30:00.000Z',
  type: 'agent-done',
  data: { message: 'Sent' },
};

describe('POST /threads/{id}/pause', () => {
  it('appends a paused event with the reason and answers 202 with its seq', async () => {
    const api = createTestApi();
    await seedThread(api);

    const response = await postJson(api, '/threads/thread-1/pause', { reason: 'checking the invoice' });

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ threadId: 'thread-1', seq: 2 });
    expect((await eventsOf(api))[1]).toMatchObject({
      type: 'paused',
      data: { reason: 'checking the invoice' },
    });
    expect(api.orchestrator.calls).toEqual([]);
  });

  it('takes an empty body', async () => {
    const api = createTestApi();
    await seedThread(api);

    const response = await postJson(api, '/threads/thread-1/pause', '');

    expect(response.status).toBe(202);
  });

  it('answers 409 when the thread is already paused', async () => {
    const api = createTestApi();
    await seedThread(api);
    await postJson(api, '/threads/thread-1/pause', {});

    const response = await postJson(api, '/threads/thread-1/pause', {});

    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: 'conflict',
      message: 'cannot pause thread thread-1: it is already paused',
    });
  });

  it('treats a replay with the same Idempotency-Key as the same pause', async () => {
    const api = createTestApi();
    await seedThread(api);
    const headers = { 'Idempotency-Key': 'pause-1' };

    const first = await postJson(api, '/threads/thread-1/pause', {}, headers);
    const replay = await postJson(api, '/threads/thread-1/pause', {}, headers);

    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual(await first.json());
    expect(await typesOf(api)).toEqual(['user-message', 'paused']);
  });

  it('answers 400 for a reason that is not text', async () => {
    const api = createTestApi();
    await seedThread(api);

    const response = await postJson(api, '/threads/thread-1/pause', { reason: 7 });

    expect(response.status).toBe(400);
    expect(await typesOf(api)).toEqual(['user-message']);
  });
});

describe('POST /threads/{id}/resume', () => {
  it('answers 409 when the thread is not paused', async () => {
    const api = createTestApi();
    await seedThread(api);

    const response = await postJson(api, '/threads/thread-1/resume', {});

    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: 'conflict',
      message: 'cannot resume thread thread-1: it is not paused (it is running)',
    });
  });

  it('starts a turn named after the resumed event when the model owes the next step', async () => {
    const api = createTestApi();
    await seedThread(api);
    await postJson(api, '/threads/thread-1/pause', {});

    const response = await postJson(api, '/threads/thread-1/resume', {});

    expect(await response.json()).toEqual({ threadId: 'thread-1', seq: 3 });
    expect(api.orchestrator.calls).toEqual([{ method: 'startTurn', threadId: 'thread-1', seq: 3 }]);
  });

  it('starts no turn while the thread waits for an approval: that turn is still parked', async () => {
    const api = createTestApi();
    await seedApproval(api);
    await postJson(api, '/threads/thread-1/pause', {});

    const response = await postJson(api, '/threads/thread-1/resume', {});

    expect(response.status).toBe(202);
    expect(api.orchestrator.calls).toEqual([]);
  });

  it('starts no turn for a thread that is done: its next message will', async () => {
    const api = createTestApi();
    await seedThread(api);
    await api.store.append('thread-1', [done]);
    await postJson(api, '/threads/thread-1/pause', {});

    await postJson(api, '/threads/thread-1/resume', {});

    expect(api.orchestrator.calls).toEqual([]);
  });

  it('starts a turn for a message that arrived while the finished thread was paused', async () => {
    const api = createTestApi();
    await seedThread(api);
    await api.store.append('thread-1', [done]);
    await postJson(api, '/threads/thread-1/pause', {});
    await api.store.append('thread-1', [
      {
        id: 'ev-m',
        at: api.clock.now(),
        type: 'user-message',
        data: { text: 'one more', channel: 'api', untrusted: false },
      },
    ]);

    await postJson(api, '/threads/thread-1/resume', {});

    expect(api.orchestrator.calls).toEqual([{ method: 'startTurn', threadId: 'thread-1', seq: 5 }]);
  });

  it('starts the turn again on a replay, which the orchestrator ignores, but not once the turn has run', async () => {
    const api = createTestApi();
    await seedThread(api);
    await postJson(api, '/threads/thread-1/pause', {});
    const headers = { 'Idempotency-Key': 'resume-1' };

    await postJson(api, '/threads/thread-1/resume', {}, headers);
    await postJson(api, '/threads/thread-1/resume', {}, headers);
    await api.store.append('thread-1', [
      {
        id: 'ev-s',
        at: api.clock.now(),
        type: 'model-step',
        data: {
          tool: 'lookup_customer',
          args: { name: 'Terri' },
          model: 'scripted',
          usage: { inputTokens: 1, outputTokens: 1 },
          costUsd: 0,
        },
      },
    ]);
    const late = await postJson(api, '/threads/thread-1/resume', {}, headers);

    expect(late.status).toBe(202);
    expect(api.orchestrator.calls).toEqual([
      { method: 'startTurn', threadId: 'thread-1', seq: 3 },
      { method: 'startTurn', threadId: 'thread-1', seq: 3 },
    ]);
    expect(api.orchestrator.startedTurns).toEqual(['thread-1-3']);
  });

  it('starts one turn when two resumes race', async () => {
    const api = createTestApi();
    await seedThread(api);
    await postJson(api, '/threads/thread-1/pause', {});

    const responses = await Promise.all([
      postJson(api, '/threads/thread-1/resume', {}),
      postJson(api, '/threads/thread-1/resume', {}),
    ]);

    expect(
      responses.map((response) => response.status).every((status) => status === 202 || status === 409),
    ).toBe(true);
    expect(api.orchestrator.startedTurns).toEqual(['thread-1-3']);
  });

  it('answers 400 for a body field it does not take', async () => {
    const api = createTestApi();
    await seedThread(api);
    await postJson(api, '/threads/thread-1/pause', {});

    const response = await postJson(api, '/threads/thread-1/resume', { reason: 'done checking' });

    expect(response.status).toBe(400);
  });
});

describe('POST /threads/{id}/cancel', () => {
  it('appends a cancelled event and stops the thread’s executions', async () => {
    const api = createTestApi();
    await seedApproval(api);

    const response = await postJson(api, '/threads/thread-1/cancel', { reason: 'customer left' });

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ threadId: 'thread-1', seq: 4 });
    expect((await eventsOf(api))[3]).toMatchObject({ type: 'cancelled', data: { reason: 'customer left' } });
    expect(api.orchestrator.calls).toEqual([
      { method: 'stopTurns', threadId: 'thread-1', cause: 'cancelled through the API' },
    ]);
  });

  it('cancels a paused thread', async () => {
    const api = createTestApi();
    await seedThread(api);
    await postJson(api, '/threads/thread-1/pause', {});

    expect((await postJson(api, '/threads/thread-1/cancel', {})).status).toBe(202);
  });

  it.each(['pause', 'resume', 'cancel'])('answers 409 to %s after a cancel', async (action) => {
    const api = createTestApi();
    await seedThread(api);
    await postJson(api, '/threads/thread-1/cancel', {});

    const response = await postJson(api, `/threads/thread-1/${action}`, {});

    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: 'conflict',
      message: `cannot ${action} thread thread-1: it is cancelled, and a cancelled thread stays cancelled`,
    });
  });

  it('answers a replayed cancel with 202 and the same seq', async () => {
    const api = createTestApi();
    await seedThread(api);
    const headers = { 'Idempotency-Key': 'cancel-1' };

    const first = await postJson(api, '/threads/thread-1/cancel', {}, headers);
    const replay = await postJson(api, '/threads/thread-1/cancel', {}, headers);

    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual(await first.json());
    expect(await typesOf(api)).toEqual(['user-message', 'cancelled']);
  });

  it.each(['pause', 'resume', 'cancel'])(
    'answers 404 to %s of a thread that does not exist',
    async (action) => {
      const api = createTestApi();

      const response = await postJson(api, `/threads/nope/${action}`, {});

      expect(response.status).toBe(404);
    },
  );
});
