import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentTableDefinition } from '../../../lib/adapters/thread-table-definition.ts';
import { DynamoPaymentLinks, LEDGER_KEY } from '../../../lib/agents/billing/dynamo-payment-links.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

/** The ledger as the agent declares it: partition key `idempotencyKey`. */
const createLedger = async (): Promise<string> => {
  const tableName = `links-${randomUUID()}`;
  await dynamo.createTable(agentTableDefinition(tableName, { partitionKey: LEDGER_KEY }));
  return tableName;
};

const link = {
  customerId: 'cus_terri',
  amountCents: 5000,
  currency: 'usd' as const,
  description: 'March invoice',
  idempotencyKey: 'ev-7',
};

describe('DynamoPaymentLinks', () => {
  it('creates a link and lists it', async () => {
    const links = new DynamoPaymentLinks(
      { tableName: await createLedger(), client: dynamo.client },
      () => '2026-01-01T00:00:00.000Z',
    );

    const created = await links.create(link);

    expect(created).toMatchObject({ ...link, createdAt: '2026-01-01T00:00:00.000Z' });
    expect(created.url).toBe(`https://pay.example.com/${created.id}`);
    expect(await links.list()).toEqual([created]);
  });

  it('returns the first link when a retried call creates with the same key', async () => {
    const links = new DynamoPaymentLinks({ tableName: await createLedger(), client: dynamo.client });
    const first = await links.create(link);

    const again = await links.create({ ...link, amountCents: 9999 });

    expect(again).toEqual(first);
    expect(await links.list()).toHaveLength(1);
  });

  it('creates one link when two calls with one key race', async () => {
    const links = new DynamoPaymentLinks({ tableName: await createLedger(), client: dynamo.client });

    const [left, right] = await Promise.all([links.create(link), links.create(link)]);

    expect(left).toEqual(right);
    expect(await links.list()).toHaveLength(1);
  });
});
