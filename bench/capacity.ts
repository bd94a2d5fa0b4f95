import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface CapacityTally {
  requests: number;
  readUnits: number;
  writeUnits: number;
}

const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand', 'BatchGetItemCommand']);

interface Consumed {
  CapacityUnits?: number;
}

const unitsOf = (consumed: unknown): number => {
  const list: Consumed[] = Array.isArray(consumed) ? consumed : consumed ? [consumed as Consumed] : [];
  return list.reduce((sum, item) => sum + (item.CapacityUnits ?? 0), 0);
};

/**
 * Asks DynamoDB (here dynalite) for the capacity every request consumed, and adds it up: the
 * read and write request units an on-demand table bills.
 */
export const tallyCapacity = (client: DynamoDBClient): CapacityTally => {
  const tally: CapacityTally = { requests: 0, readUnits: 0, writeUnits: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const output = result.output as { ConsumedCapacity?: unknown };
      const units = unitsOf(output.ConsumedCapacity);
      tally.requests += 1;
      if (READS.has(context.commandName ?? '')) tally.readUnits += units;
      else tally.writeUnits += units;
      return result;
    },
    { step: 'initialize', name: 'benchCapacityTally' },
  );
  return tally;
};
