import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoIdempotencyStore } from '../../lib/adapters/dynamo-idempotency-store.ts';
import { DynamoThreadStore } from '../../lib/adapters/dynamo-thread-store.ts';
import { InMemoryIdempotencyStore } from '../../lib/adapters/memory-idempotency-store.ts';
import { InMemoryPayloadStore } from '../../lib/adapters/payload-store.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { describeIdempotencyStoreContract } from './idempotency-store.contract.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

describeIdempotencyStoreContract('InMemoryIdempotencyStore', async () => new InMemoryIdempotencyStore());
describeIdempotencyStoreContract('DynamoIdempotencyStore', async () => {
  const tableName = await dynamo.createThreadTable();
  return new DynamoIdempotencyStore({ tableName, client: dynamo.client });
});

const RECORD = {
  id: 'req-1',
  fingerprint: 'body-hash-1',
  answer: { status: 202 as const, body: { threadId: 'th-1' } },
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: 1_767_229_200,
};

describe('DynamoIdempotencyStore in the threads table', () => {
  it('never shows a record in a listing of threads, and expires it with the table TTL', async () => {
    const tableName = await dynamo.createThreadTable();
    const records = new DynamoIdempotencyStore({ tableName, client: dynamo.client });
    const threads = new DynamoThreadStore({
      tableName,
      payloads: new InMemoryPayloadStore(),
      client: dynamo.client,
    });
    await threads.create({ threadId: 'th-1', agent: 'billing', at: RECORD.createdAt });

    await records.claim(RECORD);

    expect((await threads.list()).threads.map((thread) => thread.threadId)).toEqual(['th-1']);
    expect((await threads.list({ status: 'running' })).threads).toHaveLength(1);
    const items = await dynamo.client.send(new ScanCommand({ TableName: tableName }));
    const item = items.Items?.find((candidate) => candidate.PK?.S === 'IDEM#req-1');
    expect(item).toEqual({
      PK: { S: 'IDEM#req-1' },
      SK: { S: 'IDEM' },
      id: { S: 'req-1' },
      fingerprint: { S: 'body-hash-1' },
      answerStatus: { N: '202' },
      answerBody: { S: '{"threadId":"th-1"}' },
      createdAt: { S: RECORD.createdAt },
      expiresAt: { N: String(RECORD.expiresAt) },
    });
  });

  it('names a stored record that does not parse, without replaying it', async () => {
    const tableName = await dynamo.createThreadTable();
    const records = new DynamoIdempotencyStore({ tableName, client: dynamo.client });
    await dynamo.client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          PK: { S: 'IDEM#req-1' },
          SK: { S: 'IDEM' },
          id: { S: 'req-1' },
          fingerprint: { S: 'body-hash-1' },
          answerStatus: { N: '500' },
          answerBody: { S: '{}' },
          createdAt: { S: RECORD.createdAt },
          expiresAt: { N: String(RECORD.expiresAt) },
        },
      }),
    );

    await expect(records.find('req-1', RECORD.createdAt)).rejects.toThrow(
      /^idempotency record req-1: stored record is not valid: answer\.status/,
    );
    await expect(records.claim(RECORD)).rejects.toMatchObject({ name: 'CorruptIdempotencyRecordError' });
  });
});
