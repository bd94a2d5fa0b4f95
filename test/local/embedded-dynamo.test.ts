import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { DynaliteThreadError, startDynaliteThread } from '../../lib/local/dynalite-thread.ts';
import { startEmbeddedDynamo } from '../../lib/local/embedded-dynamo.ts';

const homes: string[] = [];
const freshHome = async (): Promise<string> => {
  const home = await mkdtemp(join(tmpdir(), 'threadline-embedded-dynamo-'));
  homes.push(home);
  return home;
};

afterAll(async () => {
  for (const home of homes) await rm(home, { recursive: true, force: true });
});

const item = { PK: { S: 'THREAD#t1' }, SK: { S: 'SUMMARY' }, agent: { S: 'billing' } };

describe('the embedded DynamoDB', () => {
  it('answers a stock client from its own thread, conditional writes included', async () => {
    const dynamo = await startEmbeddedDynamo();
    try {
      await dynamo.ensureThreadTable('threads');
      const put = (condition?: string) =>
        dynamo.client.send(
          new PutItemCommand({ TableName: 'threads', Item: item, ConditionExpression: condition }),
        );
      await put('attribute_not_exists(PK)');
      await expect(put('attribute_not_exists(PK)')).rejects.toMatchObject({
        name: 'ConditionalCheckFailedException',
      });
      const read = await dynamo.client.send(
        new GetItemCommand({ TableName: 'threads', Key: { PK: item.PK, SK: item.SK }, ConsistentRead: true }),
      );
      expect(read.Item).toEqual(item);
    } finally {
      await dynamo.stop();
    }
  });

  it('keeps its tables and items on disk across a restart', async () => {
    const path = join(await freshHome(), 'dynamodb');
    const first = await startEmbeddedDynamo({ path });
    await first.ensureThreadTable('threads');
    await first.client.send(new PutItemCommand({ TableName: 'threads', Item: item }));
    await first.stop();

    const second = await startEmbeddedDynamo({ path });
    try {
      await second.ensureThreadTable('threads');
      const read = await second.client.send(
        new GetItemCommand({ TableName: 'threads', Key: { PK: item.PK, SK: item.SK }, ConsistentRead: true }),
      );
      expect(read.Item).toEqual(item);
    } finally {
      await second.stop();
    }
  });

  it('stops once, and a second stop does nothing', async () => {
    const dynamo = await startEmbeddedDynamo();
    await dynamo.stop();
    await expect(dynamo.stop()).resolves.toBeUndefined();
  });

  it('fails to start with the system error code when its port is taken', async () => {
    const holder = await startDynaliteThread();
    try {
      const attempt = startDynaliteThread({ port: holder.port });
      await expect(attempt).rejects.toBeInstanceOf(DynaliteThreadError);
      await expect(attempt).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await holder.close();
    }
  });
});
