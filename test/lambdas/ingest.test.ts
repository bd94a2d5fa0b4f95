import { describe, expect, it } from 'vitest';
import { createHandler } from '../../lambdas/ingest.ts';
import { createHandlerHarness, sqsEvent, sqsRecord } from './support.ts';

const body = (threadId: string, key: string, kind: 'start' | 'message' = 'start') =>
  JSON.stringify({
    kind,
    threadId,
    ...(kind === 'start' ? { agent: 'refunds' } : {}),
    text: 'Refund INV-1001',
    channel: 'api',
    key,
  });

describe('ingest handler', () => {
  it('ingests each message and reports only the bad one as failed', async () => {
    const { handlerDeps, orchestrator } = createHandlerHarness();

    const response = await createHandler(handlerDeps)(
      sqsEvent(
        sqsRecord('m-bad', '{"kind":"start","threadId":"th-1"}', 'th-1'),
        sqsRecord('m-good', body('th-2', 'k-2'), 'th-2'),
      ),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-bad' }] });
    expect(orchestrator.calls).toEqual([{ method: 'startTurn', threadId: 'th-2', seq: 1 }]);
  });

  it('fails a body that is not JSON: after maxReceiveCount the queue moves it to the DLQ', async () => {
    const { handlerDeps } = createHandlerHarness();

    const response = await createHandler(handlerDeps)(sqsEvent(sqsRecord('m-1', 'not json', 'th-1')));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  });

  it('holds back the later messages of a thread whose message failed, and only those', async () => {
    const { handlerDeps, store } = createHandlerHarness();

    const response = await createHandler(handlerDeps)(
      sqsEvent(
        sqsRecord('m-1', body('th-1', 'k-1', 'message'), 'th-1'),
        sqsRecord('m-2', body('th-2', 'k-2'), 'th-2'),
        sqsRecord('m-3', body('th-1', 'k-3', 'message'), 'th-1'),
      ),
    );

    // th-1 does not exist: its first message fails, and the next one must not overtake it.
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-3' }] });
    expect((await store.load('th-2')).events).toHaveLength(1);
  });

  it('reports an empty list when every message went through, duplicates included', async () => {
    const { handlerDeps, store } = createHandlerHarness();

    const response = await createHandler(handlerDeps)(
      sqsEvent(sqsRecord('m-1', body('th-1', 'k-1'), 'th-1'), sqsRecord('m-2', body('th-1', 'k-1'), 'th-1')),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect((await store.load('th-1')).events).toHaveLength(1);
  });
});
