import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import * as z from 'zod';
import type { ApiEnv } from './deps.ts';
import { ApiError, issuesOf } from './errors.ts';

const HEADER = 'Idempotency-Key';
const HeaderSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'visible ASCII characters only');

/**
 * The key a POST's event (or ingress message) carries. A client's `Idempotency-Key` is scoped by
 * what it was sent with (the route, the thread, the caller) and hashed, so the same header on two
 * different requests never makes one a replay of the other, and the result always fits an SQS
 * deduplication id and an event key. Without the header, every request gets a fresh key.
 */
export const idempotencyKeyOf = (
  c: Context<ApiEnv>,
  scope: readonly string[],
  fresh: () => string,
): string => {
  const header = clientKeyOf(c);
  return header === undefined
    ? `api-${fresh()}`
    : `idem-${digest([...scope, c.get('caller') ?? '', header])}`;
};

/**
 * Where the answer to a request with an `Idempotency-Key` is recorded: the header scoped by the
 * route (and, for a message, the thread in its path) and the caller, but not by the body, so the
 * same key sent with another body finds the first request's record. Undefined without the header.
 */
export const recordIdOf = (c: Context<ApiEnv>, scope: readonly string[]): string | undefined => {
  const header = clientKeyOf(c);
  return header === undefined ? undefined : `req-${digest([...scope, c.get('caller') ?? '', header])}`;
};

/** The client's `Idempotency-Key`, checked; undefined when it sent none. */
export const clientKeyOf = (c: Context<ApiEnv>): string | undefined => {
  const header = c.req.header(HEADER);
  if (header === undefined) return undefined;
  const parsed = HeaderSchema.safeParse(header);
  if (!parsed.success) {
    throw ApiError.invalid(issuesOf(parsed.error).map((issue) => ({ ...issue, path: HEADER })));
  }
  return parsed.data;
};

/** 32 base64url characters (192 bits) of SHA-256 over the parts, unambiguously joined. */
export const digest = (parts: readonly string[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 32);
