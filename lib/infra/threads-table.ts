import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { THREAD_TABLE } from '../adapters/thread-table.ts';

/**
 * The one table of threads: events, idempotency markers, summaries, wait records and the API's
 * idempotency records. Its keys, TTL attribute and indexes come from `THREAD_TABLE`, which the
 * store reads too, so the two never disagree. Every index is sparse: only summary items carry its keys.
 */
export class ThreadsTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const string = dynamodb.AttributeType.STRING;
    // TableV2: on-demand capacity unless told otherwise.
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: THREAD_TABLE.partitionKey, type: string },
      sortKey: { name: THREAD_TABLE.sortKey, type: string },
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: THREAD_TABLE.timeToLiveAttribute,
      deletionProtection: true,
      globalSecondaryIndexes: Object.entries(THREAD_TABLE.indexes).map(([indexName, index]) => ({
        indexName,
        partitionKey: { name: index.partitionKey, type: string },
        sortKey: { name: index.sortKey, type: string },
        // Summaries are small, and a listing wants all of them without a read per thread.
        projectionType: dynamodb.ProjectionType.ALL,
      })),
    });
  }
}
