import type * as z from 'zod';
import { describeIssues } from '../lib/core/tools.ts';

/**
 * A task payload that does not match its schema: a bug in the state machine or a hand-started
 * execution. Named so the state machine's Retry never matches it: retrying cannot fix it.
 */
export class InvalidPayloadError extends Error {
  override readonly name = 'InvalidPayload';
  constructor(
    readonly handler: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`${handler}: invalid payload: ${detail}`, options);
  }
}

/** Parses a task payload, or throws `InvalidPayloadError` naming every problem. */
export const parsePayload = <T>(handler: string, schema: z.ZodType<T>, payload: unknown): T => {
  const parsed = schema.safeParse(payload);
  if (!parsed.success)
    throw new InvalidPayloadError(handler, describeIssues(parsed.error), { cause: parsed.error });
  return parsed.data;
};
