import type * as z from 'zod';
import { describeIssues } from '../core/tools.ts';
import { InvalidCursorError } from './store-errors.ts';

/** An opaque list cursor: base64url JSON, so callers pass it on without reading into it. */
export const encodeCursor = (position: unknown): string =>
  Buffer.from(JSON.stringify(position), 'utf-8').toString('base64url');

/** The position a cursor names, validated: a cursor comes back from outside like any input. */
export const decodeCursor = <T>(cursor: string, schema: z.ZodType<T>): T => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf-8'));
  } catch (error) {
    throw new InvalidCursorError('not a cursor this store handed out', { cause: error });
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new InvalidCursorError(describeIssues(result.error), { cause: result.error });
  return result.data;
};

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 1000;

/** The page size a list query asks for, checked once for both stores. */
export const listLimitOf = (limit: number | undefined): number => {
  const chosen = limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(chosen) || chosen < 1 || chosen > MAX_LIST_LIMIT) {
    throw new RangeError(`list limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${chosen}`);
  }
  return chosen;
};
