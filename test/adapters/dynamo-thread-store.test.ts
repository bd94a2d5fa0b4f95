import { afterAll, beforeAll } from 'vitest';
import { DynamoThreadStore } from '../../lib/adapters/dynamo-thread-store.ts';
import { S3PayloadStore } from '../../lib/adapters/s3-payload-store.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { type LocalS3, startS3StandIn } from '../support/s3-stand-in.ts';
import { describeThreadStoreContract } from './thread-store.contract.ts';

let dynamo: LocalDynamo;
let s3: LocalS3;
beforeAll(async () => {
  [dynamo, s3] = await Promise.all([startDynalite(), startS3StandIn()]);
});
afterAll(async () => {
  await Promise.all([dynamo.stop(), s3.stop()]);
});

describeThreadStoreContract('DynamoThreadStore on dynalite, payloads in an S3 stand-in', async () => {
  const retries = { count: 0, mostAttempts: 0 };
  const tableName = await dynamo.createThreadTable();
  const connect = () =>
    new DynamoThreadStore({
      tableName,
      client: dynamo.client,
      payloads: new S3PayloadStore({ bucket: 'thread-payloads', client: s3.client }),
      onRetry: ({ attempt }) => {
        retries.count += 1;
        retries.mostAttempts = Math.max(retries.mostAttempts, attempt);
      },
    });
  return { store: connect(), connect, retries: () => ({ ...retries }) };
});
