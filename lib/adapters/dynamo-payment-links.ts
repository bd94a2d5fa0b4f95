import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  type NewPaymentLink,
  type PaymentLink,
  PaymentLinkSchema,
  type PaymentLinks,
} from '../agents/billing/ledger.ts';
import { describeIssues } from '../core/tools.ts';

export interface DynamoPaymentLinksOptions {
  /** The billing ledger: partition key `idempotencyKey`. */
  tableName: string;
  client?: DynamoDBClient;
  now?: () => string;
}

/**
 * The billing agent's payment links in DynamoDB, one item per tool call. A conditional put on the
 * idempotency key makes creation single: a retried tool call gets the link the first call made.
 */
export class DynamoPaymentLinks implements PaymentLinks {
  private readonly document: DynamoDBDocumentClient;
  private readonly now: () => string;

  constructor(private readonly options: DynamoPaymentLinksOptions) {
    if (options.tableName.length === 0) throw new Error('DynamoPaymentLinks needs a table name');
    this.document = DynamoDBDocumentClient.from(options.client ?? new DynamoDBClient({}));
    this.now = options.now ?? (() => new Date().toISOString());
  }

  async create(link: NewPaymentLink): Promise<PaymentLink> {
    const id = `plink_${randomBytes(8).toString('hex')}`;
    const created: PaymentLink = { ...link, id, url: `https://pay.example.com/${id}`, createdAt: this.now() };
    try {
      await this.document.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: created,
          ConditionExpression: 'attribute_not_exists(idempotencyKey)',
        }),
      );
      return created;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.get(link.idempotencyKey);
      if (!existing) throw error;
      return existing;
    }
  }

  /** Every link: a scan, page by page. For inspection, not for a hot path. */
  async list(): Promise<PaymentLink[]> {
    const links: PaymentLink[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.document.send(
        new ScanCommand({
          TableName: this.options.tableName,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) links.push(this.parse(item));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return links;
  }

  private async get(idempotencyKey: string): Promise<PaymentLink | undefined> {
    const output = await this.document.send(
      new GetCommand({ TableName: this.options.tableName, Key: { idempotencyKey }, ConsistentRead: true }),
    );
    return output.Item === undefined ? undefined : this.parse(output.Item);
  }

  private parse(item: Record<string, unknown>): PaymentLink {
    const parsed = PaymentLinkSchema.safeParse(item);
    if (!parsed.success)
      throw new Error(`a stored payment link is not valid: ${describeIssues(parsed.error)}`);
    return parsed.data;
  }
}
