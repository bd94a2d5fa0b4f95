import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { THREAD_TABLE } from './thread-table.ts';

export const LOCAL_THROUGHPUT = { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } as const;

/**
 * The threads table as `THREAD_TABLE` describes it, for the CLI's embedded DynamoDB (dynalite) and
 * tests. dynalite wants a capacity mode and enforces none, so the placeholder throughput below
 * limits nothing; the deployed table is on-demand (the stack's `TableV2`), and the local stack
 * creates its tables from the template.
 */
export const threadTableDefinition = (tableName: string): CreateTableCommandInput => {
  const indexes = Object.entries(THREAD_TABLE.indexes);
  const attributes = new Set<string>([THREAD_TABLE.partitionKey, THREAD_TABLE.sortKey]);
  for (const [, index] of indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    TableName: tableName,
    ProvisionedThroughput: LOCAL_THROUGHPUT,
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: THREAD_TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: THREAD_TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: indexes.map(([name, index]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
      ProvisionedThroughput: LOCAL_THROUGHPUT,
    })),
  };
};

/** A table an agent declared, for the CLI's embedded DynamoDB: its keys, strings both. */
export const agentTableDefinition = (
  tableName: string,
  keys: { partitionKey: string; sortKey?: string | undefined },
): CreateTableCommandInput => {
  const names = keys.sortKey === undefined ? [keys.partitionKey] : [keys.partitionKey, keys.sortKey];
  return {
    TableName: tableName,
    ProvisionedThroughput: LOCAL_THROUGHPUT,
    AttributeDefinitions: names.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: names.map((name, index) => ({ AttributeName: name, KeyType: index === 0 ? 'HASH' : 'RANGE' })),
  };
};
