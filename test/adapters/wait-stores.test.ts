import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoThreadStore } from '../../lib/adapters/dynamo-thread-store.ts';
import { DynamoWaitStore } from '../../lib/adapters/dynamo-wait-store.ts';
import { InMemoryWaitStore } from '../../lib/adapters/memory-wait-store.ts';
import { InMemoryPayloadStore } from '../../lib/adapters/payload-store.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { describeWaitStoreContract } from './wait-store.contract.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

describeWaitStoreContract('InMemoryWaitStore', async () => new InMemoryWaitStore());
describeWaitStoreContract('DynamoWaitStore', async () => {
  const tableName = await dynamo.createThreadTable();
  return new DynamoWaitStore({ tableName, client: dynamo.client });
});

describe('DynamoWaitStore in the threads table', () => {
  it('never shows a wait in a listing of threads, and keeps its token out of the index keys', async () => {
    const tableName = await dynamo.createThreadTable();
    const waits = new DynamoWaitStore({ tableName, client: dynamo.client });
    const threads = new DynamoThreadStore({
      tableName,
      payloads: new InMemoryPayloadStore(),
      client: dynamo.client,
    });
    await threads.create({ threadId: 'th-1', agent: 'billing', at: '2026-01-01T00:00:00.000Z' });
    await waits.put({
      requestId: 'th-1',
      threadId: 'th-1',
      kind: 'child',
      next: { kind: 'child', callId: 'ev-1', childThreadId: 'th-1', agent: 'billing' },
      taskToken: 'secret-token',
      createdAt: '2026-01-01T00:00:00.000Z',
    });

    const listed = await threads.list({ status: 'running' });
    const all = await threads.list();

    expect(listed.threads.map((thread) => thread.threadId)).toEqual(['th-1']);
    expect(all.threads).toHaveLength(1);
    const items = await dynamo.client.send(new ScanCommand({ TableName: tableName }));
    const wait = items.Items?.find((item) => item.PK?.S === 'WAIT#th-1');
    expect(Object.keys(wait ?? {}).sort()).toEqual(
      ['PK', 'SK', 'createdAt', 'kind', 'next', 'requestId', 'taskToken', 'threadId', 'waitStatus'].sort(),
    );
    expect((await threads.load('th-1')).events).toEqual([]);
  });

  it('names a stored wait that does not parse, without passing it on', async () => {
    const tableName = await dynamo.createThreadTable();
    const waits = new DynamoWaitStore({ tableName, client: dynamo.client });
    await dynamo.client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { PK: { S: 'WAIT#apr-9' }, SK: { S: 'WAIT' }, kind: { S: 'approval' } },
      }),
    );

    await expect(waits.get('apr-9')).rejects.toMatchObject({ name: 'CorruptWaitError' });
  });
});
