import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { DevStack } from '../../lib/local/dev-stack.ts';
import { eventually, newHome, readThread, startStack } from './stack.ts';

let stack: DevStack;

beforeAll(async () => {
  stack = await startStack(await newHome());
});

afterAll(async () => {
  await stack?.stop();
});

interface Answer {
  status: number;
  body: unknown;
}

const post = async (path: string, body: unknown, key?: string): Promise<Answer> => {
  const response = await fetch(`${stack.endpoints.api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
};

/** The first request and its retries: a burst at once, then one after another through the queue's and ingest's work. */
const retry = async (send: () => Promise<Answer>, counts: { concurrent: number; sequential: number }) => {
  const answers = await Promise.all(Array.from({ length: counts.concurrent }, send));
  for (let index = 0; index < counts.sequential; index += 1) {
    answers.push(await send());
    // Spreads the retries over the time the message spends in the queue and in ingest.
    await delay(2);
  }
  return answers;
};

const tally = (answers: readonly Answer[]) => {
  const statuses: Record<string, number> = {};
  const bodies: Record<string, number> = {};
  for (const { status, body } of answers) {
    statuses[status] = (statuses[status] ?? 0) + 1;
    bodies[JSON.stringify(body)] = (bodies[JSON.stringify(body)] ?? 0) + 1;
  }
  return { statuses, bodies };
};

/**
 * A message without a key after everything else: a thread's messages are ingested in order, so
 * once it is in the thread, every copy the retries queued before it has been ingested too.
 */
const drain = async (threadId: string, text: string) => {
  expect((await post(`/threads/${threadId}/messages`, { message: text })).status).toBe(202);
  return eventually(`${text} in ${threadId}`, async () => {
    const thread = await readThread(stack, threadId).catch(() => undefined);
    return thread?.events.some((event) => event.type === 'user-message' && event.data.text === text)
      ? thread
      : undefined;
  });
};

const AcceptedSchema = z.object({ threadId: z.string() });

const KEY_REUSED = {
  error: 'idempotency key reused',
  message:
    'Idempotency-Key is already used for a different request body: send this body with a new key, or the first body again',
};

describe('Idempotency-Key on the local stack, over HTTP', () => {
  it('answers 50 concurrent and 200 sequential starts with one key 202 with one thread that holds one start', async () => {
    const start = { agent: 'billing', message: 'create a $750 sponsorship link for Terri' };

    const answers = await retry(() => post('/threads', start, 'soak-start'), {
      concurrent: 50,
      sequential: 200,
    });

    const seen = tally(answers);
    const [first] = answers;
    expect(first?.status, JSON.stringify(seen)).toBe(202);
    expect(seen, JSON.stringify(seen)).toEqual({
      statuses: { 202: 250 },
      bodies: { [JSON.stringify(first?.body)]: 250 },
    });
    const { threadId } = AcceptedSchema.parse(first?.body);
    const thread = await drain(threadId, 'soak start: drained');
    const starts = thread.events.filter(
      (event) => event.type === 'user-message' && event.data.text === start.message,
    );
    expect(starts.length, JSON.stringify(thread.events.map((event) => event.type))).toBe(1);
    expect(thread.events[0]).toMatchObject({ type: 'user-message', data: { text: start.message } });

    const reused = await post('/threads', { ...start, message: 'create a $5 link for Sam' }, 'soak-start');
    expect(reused).toEqual({ status: 422, body: KEY_REUSED });
  });

  it('answers 25 concurrent and 100 sequential messages with one key 202 and appends the message once', async () => {
    const started = await post('/threads', {
      agent: 'billing',
      message: 'create a $200 consulting link for Sam',
    });
    const { threadId } = AcceptedSchema.parse(started.body);
    await eventually(`${threadId} exists`, () => readThread(stack, threadId).catch(() => undefined));
    const message = { message: 'Sam Ortiz, please.' };

    const answers = await retry(() => post(`/threads/${threadId}/messages`, message, 'soak-message'), {
      concurrent: 25,
      sequential: 100,
    });

    const seen = tally(answers);
    expect(seen, JSON.stringify(seen)).toEqual({
      statuses: { 202: 125 },
      bodies: { [JSON.stringify({ threadId })]: 125 },
    });
    const thread = await drain(threadId, 'soak message: drained');
    const copies = thread.events.filter(
      (event) => event.type === 'user-message' && event.data.text === message.message,
    );
    expect(copies.length, JSON.stringify(thread.events.map((event) => event.type))).toBe(1);

    const reused = await post(`/threads/${threadId}/messages`, { message: 'Sam Lee, then.' }, 'soak-message');
    expect(reused).toEqual({ status: 422, body: KEY_REUSED });
  });
});
