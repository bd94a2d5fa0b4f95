import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { parseJson } from '../core/json.ts';
import { describeIssues } from '../core/tools.ts';
import {
  type ClaimResult,
  epochSecondsOf,
  type IdempotencyRecord,
  IdempotencyRecordSchema,
  type IdempotencyStore,
} from './idempotency-store.ts';

export interface DynamoIdempotencyStoreOptions {
  /** The threads table: the records live beside the threads, under their own partition. */
  tableName: string;
  client?: DynamoDBClient;
}

export const IDEMPOTENCY_SK = 'IDEM';
export const idempotencyPk = (id: string): string => `IDEM#${id}`;

/**
 * The item: `PK = IDEM#<id>`, `SK = IDEM`. It carries none of the attributes the summary indexes
 * key on (`status`, `agent`, `agentStatus`, `listing`, `updatedAt`; hence `answerStatus`), so it
 * never appears in a listing of threads. `expiresAt` is the table's TTL attribute: DynamoDB
 * deletes old records, and until it does they count as absent.
 */
const StoredRecordSchema = z.object({
  PK: z.string(),
  SK: z.literal(IDEMPOTENCY_SK),
  id: z.string(),
  fingerprint: z.string(),
  answerStatus: z.number(),
  answerBody: z.string(),
  createdAt: z.string(),
  expiresAt: z.number(),
});

/** A claim that lost to a record which then expired before it was read: rare, and tried again. */
const CLAIM_ATTEMPTS = 3;

/** A stored record that does not parse: the answer it holds cannot be replayed. */
export class CorruptIdempotencyRecordError extends Error {
  override readonly name = 'CorruptIdempotencyRecordError';
  constructor(
    readonly id: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`idempotency record ${id}: stored record is not valid: ${detail}`, options);
  }
}

/** The `IdempotencyStore` on DynamoDB: a conditional put decides which request came first. */
export class DynamoIdempotencyStore implements IdempotencyStore {
  private readonly document: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoIdempotencyStoreOptions) {
    if (options.tableName.length === 0) throw new Error('DynamoIdempotencyStore needs a table name');
    this.tableName = options.tableName;
    this.document = DynamoDBDocumentClient.from(options.client ?? new DynamoDBClient({}));
  }

  async claim(record: IdempotencyRecord): Promise<ClaimResult> {
    const valid = IdempotencyRecordSchema.parse(record);
    for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt += 1) {
      if (await this.putIfAbsent(valid)) return { claimed: true };
      // DynamoDB can return the item on a failed condition; dynalite cannot. Read it back.
      const existing = await this.find(valid.id, valid.createdAt);
      if (existing) return { claimed: false, existing };
    }
    throw new Error(
      `idempotency record ${valid.id}: neither claimed nor found in ${CLAIM_ATTEMPTS} attempts`,
    );
  }

  async find(id: string, at: string): Promise<IdempotencyRecord | undefined> {
    const output = await this.document.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { PK: idempotencyPk(id), SK: IDEMPOTENCY_SK },
        ConsistentRead: true,
      }),
    );
    if (output.Item === undefined) return undefined;
    const record = this.parse(id, output.Item);
    return record.expiresAt <= epochSecondsOf(at) ? undefined : record;
  }

  private async putIfAbsent(record: IdempotencyRecord): Promise<boolean> {
    try {
      await this.document.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            PK: idempotencyPk(record.id),
            SK: IDEMPOTENCY_SK,
            id: record.id,
            fingerprint: record.fingerprint,
            answerStatus: record.answer.status,
            answerBody: JSON.stringify(record.answer.body),
            createdAt: record.createdAt,
            expiresAt: record.expiresAt,
          },
          ConditionExpression: 'attribute_not_exists(PK) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': epochSecondsOf(record.createdAt) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private parse(id: string, item: Record<string, unknown>): IdempotencyRecord {
    const stored = StoredRecordSchema.safeParse(item);
    if (!stored.success)
      throw new CorruptIdempotencyRecordError(id, describeIssues(stored.error), { cause: stored.error });
    const body = parseJson(stored.data.answerBody);
    if (!body.ok) throw new CorruptIdempotencyRecordError(id, `answerBody: ${body.error}`);
    const { PK: _pk, SK: _sk, answerStatus, answerBody: _body, ...rest } = stored.data;
    const parsed = IdempotencyRecordSchema.safeParse({
      ...rest,
      answer: { status: answerStatus, body: body.value },
    });
    if (!parsed.success)
      throw new CorruptIdempotencyRecordError(id, describeIssues(parsed.error), { cause: parsed.error });
    return parsed.data;
  }
}
