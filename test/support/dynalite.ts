import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { threadTableDefinition } from '../../lib/adapters/thread-table-definition.ts';
import { untilActive } from '../../lib/local/embedded-dynamo.ts';

export interface LocalDynamo {
  client: DynamoDBClient;
  endpoint: string;
  /** Creates a fresh threads table, laid out as the stack lays it out, and returns its name. */
  createThreadTable(): Promise<string>;
  /** Creates a table and waits until it is ACTIVE. */
  createTable(definition: CreateTableCommandInput): Promise<void>;
  stop(): Promise<void>;
}

/** A real DynamoDB API in this process: dynalite on 127.0.0.1, in memory, no mocks. */
export const startDynalite = async (): Promise<LocalDynamo> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const createTable = async (definition: CreateTableCommandInput): Promise<void> => {
    await client.send(new CreateTableCommand(definition));
    await untilActive(client, definition.TableName);
  };
  return {
    client,
    endpoint,
    createTable,
    createThreadTable: async () => {
      const tableName = `threads-${randomUUID()}`;
      await createTable(threadTableDefinition(tableName));
      return tableName;
    },
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
};
