import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../lambdas/ingest.ts';
import { type LocalThreadStores, startLocalThreadStores } from '../support/local-thread-stores.ts';
import { createHandlerHarness, sqsEvent, sqsRecord } from './support.ts';

let local: LocalThreadStores;

beforeAll(async () => {
  local = await startLocalThreadStores();
});

afterAll(async () => {
  await local.stop();
});

const start = (agent: string, key: string) =>
  JSON.stringify({ kind: 'start', threadId: 'th-1', agent, text: `Hello, ${agent}`, channel: 'api', key });

/**
 * Two clients started the same `threadId` at once: the API found no thread for either and queued
 * both, in one FIFO group. The DynamoDB store's conditional create decides which start made it.
 */
describe('two starts of one thread id, on dynalite', () => {
  it('keeps the thread the first start made, and the other agent’s start out of it', async () => {
    const harness = createHandlerHarness();
    const { store } = await local.newStore();
    const handler = createHandler({ ...harness.handlerDeps, service: { ...harness.deps, store } });

    const response = await handler(
      sqsEvent(
        sqsRecord('m-1', start('refunds', 'k-1'), 'th-1'),
        sqsRecord('m-2', start('manager', 'k-2'), 'th-1'),
      ),
    );

    // Refused, not failed: a retry would be refused again, and would hold the thread's group back.
    expect(response).toEqual({ batchItemFailures: [] });
    const thread = await store.load('th-1');
    expect(thread.agent).toBe('refunds');
    expect(thread.events.map((event) => event.key)).toEqual(['k-1']);
    expect(harness.orchestrator.calls).toEqual([{ method: 'startTurn', threadId: 'th-1', seq: 1 }]);
  });

  it('lets the same agent’s second start join the thread as its next message', async () => {
    const harness = createHandlerHarness();
    const { store } = await local.newStore();
    const handler = createHandler({ ...harness.handlerDeps, service: { ...harness.deps, store } });

    await handler(
      sqsEvent(
        sqsRecord('m-1', start('refunds', 'k-1'), 'th-1'),
        sqsRecord('m-2', start('refunds', 'k-2'), 'th-1'),
      ),
    );

    expect((await store.load('th-1')).events.map((event) => event.key)).toEqual(['k-1', 'k-2']);
  });
});
