import { mkdir } from 'node:fs/promises';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { threadTableDefinition } from '../adapters/thread-table-definition.ts';
import { startDynaliteThread } from './dynalite-thread.ts';

export interface EmbeddedDynamo {
  endpoint: string;
  client: DynamoDBClient;
  /** Creates the threads table, laid out as the stack lays it out, unless it exists already. */
  ensureThreadTable(tableName: string): Promise<void>;
  /** Creates a table unless one of its name exists already, and waits until it is ACTIVE. */
  ensureTable(definition: CreateTableCommandInput): Promise<void>;
  stop(): Promise<void>;
}

/** A new table is CREATING for a moment (dynalite's too), and answers nothing until it is ACTIVE. */
export const untilActive = async (client: DynamoDBClient, tableName: string | undefined): Promise<void> => {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
};

/**
 * DynamoDB on this machine: dynalite on 127.0.0.1, in a worker thread of its own (see
 * `dynalite-thread.ts`), persisted under `path` (LevelDB) so threads survive restarts, or in memory
 * without one.
 */
export const startEmbeddedDynamo = async (
  options: { path?: string; port?: number } = {},
): Promise<EmbeddedDynamo> => {
  if (options.path) await mkdir(options.path, { recursive: true });
  const server = await startDynaliteThread({
    ...(options.path ? { path: options.path } : {}),
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const ensureTable = async (definition: CreateTableCommandInput): Promise<void> => {
    const tableName = definition.TableName;
    try {
      await client.send(new DescribeTableCommand({ TableName: tableName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
      await client.send(new CreateTableCommand(definition));
    }
    await untilActive(client, tableName);
  };
  return {
    endpoint,
    client,
    ensureTable,
    ensureThreadTable: (tableName) => ensureTable(threadTableDefinition(tableName)),
    stop: async () => {
      client.destroy();
      await server.close();
    },
  };
};
