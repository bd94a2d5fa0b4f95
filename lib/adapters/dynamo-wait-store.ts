import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { describeIssues } from '../core/tools.ts';
import { CorruptWaitError, WaitNotFoundError } from './wait-errors.ts';
import { type WaitRecord, WaitRecordSchema, type WaitStore } from './wait-store.ts';

export interface DynamoWaitStoreOptions {
  /** The threads table: wait records live beside the threads, under their own partition. */
  tableName: string;
  client?: DynamoDBClient;
}

export const WAIT_SK = 'WAIT';
export const waitPk = (requestId: string): string => `WAIT#${requestId}`;

/**
 * The item: `PK = WAIT#<requestId>`, `SK = WAIT`. Thread items use `THREAD#…` keys, so the two
 * never collide. The summary indexes key on `status`, `agent`, `agentStatus`, `listing` and
 * `updatedAt`: a wait has none of them (its status is `waitStatus`), so it never appears in a
 * listing of threads.
 */
const StoredWaitSchema = z.object({
  PK: z.string(),
  SK: z.literal(WAIT_SK),
  requestId: z.string(),
  threadId: z.string(),
  kind: z.string(),
  next: z.unknown(),
  taskToken: z.string(),
  waitStatus: z.string(),
  createdAt: z.string(),
  notifiedAt: z.string().optional(),
  fallbackNotifiedAt: z.string().optional(),
  decidedBy: z.string().optional(),
  decidedAt: z.string().optional(),
  decision: z.string().optional(),
  approval: z.unknown().optional(),
});

/** The `WaitStore` on DynamoDB: conditional updates make a decision single-use. */
export class DynamoWaitStore implements WaitStore {
  private readonly document: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoWaitStoreOptions) {
    if (options.tableName.length === 0) throw new Error('DynamoWaitStore needs a table name');
    this.tableName = options.tableName;
    this.document = DynamoDBDocumentClient.from(options.client ?? new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  /** One update: the token and the request always, `createdAt` and the status only the first time. */
  async put(wait: Omit<WaitRecord, 'status' | 'notifiedAt' | 'fallbackNotifiedAt'>): Promise<WaitRecord> {
    const output = await this.document.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: this.key(wait.requestId),
        UpdateExpression:
          'SET #requestId = :requestId, #threadId = :threadId, #kind = :kind, #next = :next, #taskToken = :taskToken, ' +
          '#createdAt = if_not_exists(#createdAt, :createdAt), #waitStatus = if_not_exists(#waitStatus, :pending)' +
          (wait.approval ? ', #approval = if_not_exists(#approval, :approval)' : ''),
        ExpressionAttributeNames: names(
          'requestId',
          'threadId',
          'kind',
          'next',
          'taskToken',
          'createdAt',
          'waitStatus',
          ...(wait.approval ? ['approval'] : []),
        ),
        ExpressionAttributeValues: {
          ':requestId': wait.requestId,
          ':threadId': wait.threadId,
          ':kind': wait.kind,
          ':next': wait.next,
          ':taskToken': wait.taskToken,
          ':createdAt': wait.createdAt,
          ':pending': 'pending',
          ...(wait.approval ? { ':approval': wait.approval } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return this.parse(wait.requestId, output.Attributes);
  }

  async get(requestId: string): Promise<WaitRecord | undefined> {
    const output = await this.document.send(
      new GetCommand({ TableName: this.tableName, Key: this.key(requestId), ConsistentRead: true }),
    );
    return output.Item === undefined ? undefined : this.parse(requestId, output.Item);
  }

  /** Keeps the first time: a notification is sent once, and that is when. */
  async markNotified(requestId: string, at: string, round: 'first' | 'fallback' = 'first'): Promise<void> {
    const field = round === 'first' ? 'notifiedAt' : 'fallbackNotifiedAt';
    try {
      await this.document.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(requestId),
          UpdateExpression: `SET #${field} = if_not_exists(#${field}, :at)`,
          ConditionExpression: 'attribute_exists(#PK)',
          ExpressionAttributeNames: names(field, 'PK'),
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new WaitNotFoundError(requestId, { cause: error });
      throw error;
    }
  }

  async decide(
    requestId: string,
    decision: { by: string; at: string; decision: string },
  ): Promise<{ ok: true; wait: WaitRecord } | { ok: false; already: WaitRecord | undefined }> {
    try {
      const output = await this.document.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(requestId),
          UpdateExpression:
            'SET #waitStatus = :decided, #decidedBy = :by, #decidedAt = :at, #decision = :decision',
          ConditionExpression: '#waitStatus = :pending',
          ExpressionAttributeNames: names('waitStatus', 'decidedBy', 'decidedAt', 'decision'),
          ExpressionAttributeValues: {
            ':decided': 'decided',
            ':pending': 'pending',
            ':by': decision.by,
            ':at': decision.at,
            ':decision': decision.decision,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { ok: true, wait: this.parse(requestId, output.Attributes) };
    } catch (error) {
      // DynamoDB can return the item on a failed condition; dynalite cannot. Read it back.
      if (error instanceof ConditionalCheckFailedException)
        return { ok: false, already: await this.get(requestId) };
      throw error;
    }
  }

  private key(requestId: string): { PK: string; SK: string } {
    return { PK: waitPk(requestId), SK: WAIT_SK };
  }

  private parse(requestId: string, item: Record<string, unknown> | undefined): WaitRecord {
    const stored = StoredWaitSchema.safeParse(item);
    if (!stored.success)
      throw new CorruptWaitError(requestId, describeIssues(stored.error), { cause: stored.error });
    const { PK: _pk, SK: _sk, waitStatus, ...rest } = stored.data;
    const parsed = WaitRecordSchema.safeParse({ ...rest, status: waitStatus });
    if (!parsed.success)
      throw new CorruptWaitError(requestId, describeIssues(parsed.error), { cause: parsed.error });
    return parsed.data;
  }
}

const names = (...attributes: string[]): Record<string, string> =>
  Object.fromEntries(attributes.map((attribute) => [`#${attribute}`, attribute]));
