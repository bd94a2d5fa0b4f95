import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoThreadStore, type DynamoThreadStoreOptions } from '../../lib/adapters/dynamo-thread-store.ts';
import { S3PayloadStore } from '../../lib/adapters/s3-payload-store.ts';
import { type LocalDynamo, startDynalite } from './dynalite.ts';
import { type LocalS3, startS3StandIn } from './s3-stand-in.ts';

export const PAYLOAD_BUCKET = 'thread-payloads';

type Item = Record<string, unknown>;

/** Raw access to one table, for tests that look under the store or damage what it wrote. */
export interface RawTable {
  tableName: string;
  put(item: Item): Promise<void>;
  get(pk: string, sk: string): Promise<Item | undefined>;
  scan(): Promise<Item[]>;
}

export interface LocalThreadStores {
  dynamo: LocalDynamo;
  s3: LocalS3;
  /** A store on a fresh table (or on `tableName`), with its payloads in the S3 stand-in. */
  newStore(options?: Partial<DynamoThreadStoreOptions>): Promise<{ store: DynamoThreadStore; raw: RawTable }>;
  stop(): Promise<void>;
}

/** dynalite and the S3 stand-in, both on 127.0.0.1, for the DynamoDB store's own tests. */
export const startLocalThreadStores = async (): Promise<LocalThreadStores> => {
  const [dynamo, s3] = await Promise.all([startDynalite(), startS3StandIn()]);
  const document = DynamoDBDocumentClient.from(dynamo.client);
  return {
    dynamo,
    s3,
    newStore: async (options = {}) => {
      const tableName = options.tableName ?? (await dynamo.createThreadTable());
      const store = new DynamoThreadStore({
        client: dynamo.client,
        payloads: new S3PayloadStore({ bucket: PAYLOAD_BUCKET, client: s3.client }),
        ...options,
        tableName,
      });
      const raw: RawTable = {
        tableName,
        put: async (item) => {
          await document.send(new PutCommand({ TableName: tableName, Item: item }));
        },
        get: async (pk, sk) =>
          (await document.send(new GetCommand({ TableName: tableName, Key: { PK: pk, SK: sk } }))).Item,
        scan: async () => {
          const items: Item[] = [];
          let start: Item | undefined;
          do {
            const page = await document.send(
              new ScanCommand({
                TableName: tableName,
                ...(start === undefined ? {} : { ExclusiveStartKey: start }),
              }),
            );
            items.push(...(page.Items ?? []));
            start = page.LastEvaluatedKey;
          } while (start !== undefined);
          return items;
        },
      };
      return { store, raw };
    },
    stop: async () => {
      await Promise.all([dynamo.stop(), s3.stop()]);
    },
  };
};
