import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { THREAD_TABLE } from './thread-table.ts';

/** The threads table as `THREAD_TABLE` describes it: what the stack deploys, for local DynamoDB. */
export const threadTableDefinition = (tableName: string): CreateTableCommandInput => {
  const indexes = Object.entries(THREAD_TABLE.indexes);
  const attributes = new Set<string>([THREAD_TABLE.partitionKey, THREAD_TABLE.sortKey]);
  for (const [, index] of indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
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
    })),
  };
};
