import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ThreadSummary } from '../core/ports.ts';
import { describeIssues } from '../core/tools.ts';
import { CorruptSummaryError } from './store-errors.ts';
import {
  agentStatusKey,
  eventSk,
  type StoredSummaryItem,
  StoredSummaryItemSchema,
  SUMMARY_SK,
  threadPk,
} from './thread-table.ts';

export type Item = Record<string, unknown>;

/** A page of raw items and where the next one starts. */
export interface ItemPage {
  items: Item[];
  lastEvaluatedKey?: Item;
}

const BATCH_WRITE_ITEMS = 25;

/**
 * The reads and writes the DynamoDB store makes, one method per request shape. It knows the key
 * layout, not the append algorithm. All reads of a thread are strongly consistent: an append must
 * see the write that beat it.
 */
export class ThreadTableClient {
  private readonly document: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly tableName: string,
    /** Counts requests by operation: tests check that reads really paginate. */
    readonly requests: Map<string, number> = new Map(),
  ) {
    this.document = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /**
   * Writes the item unless one with its key exists (or, with `orExpiredAt`, exists and has expired
   * by then, in epoch seconds). False when one did.
   */
  async putIfAbsent(item: Item, options: { orExpiredAt?: number } = {}): Promise<boolean> {
    const expired = options.orExpiredAt;
    const condition =
      expired === undefined
        ? { ConditionExpression: 'attribute_not_exists(PK)' }
        : {
            ConditionExpression: 'attribute_not_exists(PK) OR expiresAt <= :now',
            ExpressionAttributeValues: { ':now': expired },
          };
    return this.unlessConditionFails(() =>
      this.document.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition })),
    );
  }

  async get(threadId: string, sk: string): Promise<Item | undefined> {
    this.count('GetItem');
    const output = await this.document.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: threadPk(threadId), SK: sk },
        ConsistentRead: true,
      }),
    );
    return output.Item;
  }

  /** The summary item, parsed; undefined when the thread has none. */
  async getSummary(threadId: string): Promise<StoredSummaryItem | undefined> {
    const item = await this.get(threadId, SUMMARY_SK);
    if (item === undefined) return undefined;
    const parsed = StoredSummaryItemSchema.safeParse(item);
    if (!parsed.success)
      throw new CorruptSummaryError(threadId, describeIssues(parsed.error), { cause: parsed.error });
    return parsed.data;
  }

  /** The highest seq with an event item, expired or not: seqs are never reused. 0 when there is none. */
  async lastEventSeq(threadId: string): Promise<number> {
    const page = await this.query({
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :last',
      ExpressionAttributeValues: {
        ':pk': threadPk(threadId),
        ':first': eventSk(1),
        ':last': eventSk(9_999_999_999),
      },
      ProjectionExpression: 'seq',
      ScanIndexForward: false,
      Limit: 1,
    });
    const seq = page.items[0]?.seq;
    return typeof seq === 'number' ? seq : 0;
  }

  /** Every event item from `fromSeq` to `toSeq`, in order, page after 1 MB page. */
  async eventItems(threadId: string, fromSeq = 1, toSeq = 9_999_999_999): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.query({
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :last',
        ExpressionAttributeValues: {
          ':pk': threadPk(threadId),
          ':first': eventSk(fromSeq),
          ':last': eventSk(toSeq),
        },
        ...(start === undefined ? {} : { ExclusiveStartKey: start }),
      });
      items.push(...page.items);
      start = page.lastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<ItemPage> {
    this.count('Query');
    const output = await this.document.send(
      new QueryCommand({
        TableName: this.tableName,
        ConsistentRead: input.IndexName === undefined,
        ...input,
      }),
    );
    return {
      items: output.Items ?? [],
      ...(output.LastEvaluatedKey === undefined ? {} : { lastEvaluatedKey: output.LastEvaluatedKey }),
    };
  }

  /** Moves a key marker to another seq, if it still names `fromSeq`. False when someone moved it first. */
  async moveKeyMarker(threadId: string, sk: string, fromSeq: number, toSeq: number): Promise<boolean> {
    return this.unlessConditionFails(() =>
      this.document.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: threadPk(threadId), SK: sk },
          UpdateExpression: 'SET seq = :to',
          ConditionExpression: 'seq = :from',
          ExpressionAttributeValues: { ':from': fromSeq, ':to': toSeq },
        }),
      ),
    );
  }

  /**
   * Writes a summary unless the stored one is as far along already: a summary never goes back.
   * False when it was.
   */
  async advanceSummary(summary: ThreadSummary, expiresAt: number | undefined): Promise<boolean> {
    const values: Item = {
      ':status': summary.status,
      ':agentStatus': agentStatusKey(summary.agent, summary.status),
      ':updatedAt': summary.updatedAt,
      ':lastSeq': summary.lastSeq,
      ':inputTokens': summary.inputTokens,
      ':outputTokens': summary.outputTokens,
      ':costUsd': summary.costUsd,
    };
    const set = Object.keys(values).map((name) => `#${name.slice(1)} = ${name}`);
    const remove: string[] = [];
    if (summary.waitingFor === undefined) remove.push('#waitingFor');
    else {
      values[':waitingFor'] = summary.waitingFor;
      set.push('#waitingFor = :waitingFor');
    }
    if (expiresAt !== undefined) {
      values[':expiresAt'] = expiresAt;
      set.push('#expiresAt = :expiresAt');
    }
    const names = Object.fromEntries(
      [...Object.keys(values), ':waitingFor'].map((name) => [`#${name.slice(1)}`, name.slice(1)]),
    );
    return this.unlessConditionFails(() =>
      this.document.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: threadPk(summary.threadId), SK: SUMMARY_SK },
          UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(PK) AND #lastSeq < :lastSeq',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  /** Clears a fork's pending flag once its events are all copied. */
  async finishFork(threadId: string): Promise<void> {
    await this.document.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { PK: threadPk(threadId), SK: SUMMARY_SK },
        UpdateExpression: 'REMOVE forkPending',
      }),
    );
  }

  /** Writes items unconditionally, 25 to a request, until DynamoDB has taken every one. */
  async putAll(items: readonly Item[]): Promise<void> {
    for (let start = 0; start < items.length; start += BATCH_WRITE_ITEMS) {
      let requests = items
        .slice(start, start + BATCH_WRITE_ITEMS)
        .map((item) => ({ PutRequest: { Item: item } }));
      for (let round = 0; requests.length > 0; round += 1) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 10 * 2 ** round)));
        this.count('BatchWriteItem');
        const output = await this.document.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (output.UnprocessedItems?.[this.tableName] ?? []).flatMap((request) =>
          request.PutRequest?.Item === undefined ? [] : [{ PutRequest: { Item: request.PutRequest.Item } }],
        );
      }
    }
  }

  private async unlessConditionFails(write: () => Promise<unknown>): Promise<boolean> {
    this.count('Write');
    try {
      await write();
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private count(operation: string): void {
    this.requests.set(operation, (this.requests.get(operation) ?? 0) + 1);
  }
}
