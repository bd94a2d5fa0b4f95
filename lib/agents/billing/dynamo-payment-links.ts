import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TableBinding } from '../../adapters/agent-module.ts';
import { describeIssues } from '../../core/tools.ts';
import { type NewPaymentLink, type PaymentLink, PaymentLinkSchema, type PaymentLinks } from './ledger.ts';

/** The ledger's key, as the agent declares its table (`index.ts`). */
export const LEDGER_KEY = 'idempotencyKey';

/**
 * The billing agent's payment links in DynamoDB, one item per tool call. A conditional put on the
 * idempotency key makes creation single: a retried tool call gets the link the first call made.
 */
export class DynamoPaymentLinks implements PaymentLinks {
  private client: DynamoDBDocumentClient | undefined;

  /** The binding is read on first use: only the function of the tool that writes links has the table. */
  constructor(
    private readonly ledger: TableBinding,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  private get document(): DynamoDBDocumentClient {
    this.client ??= DynamoDBDocumentClient.from(this.ledger.client);
    return this.client;
  }

  async create(link: NewPaymentLink): Promise<PaymentLink> {
    const id = `plink_${randomBytes(8).toString('hex')}`;
    const created: PaymentLink = { ...link, id, url: `https://pay.example.com/${id}`, createdAt: this.now() };
    try {
      await this.document.send(
        new PutCommand({
          TableName: this.ledger.tableName,
          Item: created,
          ConditionExpression: `attribute_not_exists(${LEDGER_KEY})`,
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
          TableName: this.ledger.tableName,
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
      new GetCommand({
        TableName: this.ledger.tableName,
        Key: { [LEDGER_KEY]: idempotencyKey },
        ConsistentRead: true,
      }),
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
