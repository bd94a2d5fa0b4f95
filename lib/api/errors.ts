import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type * as z from 'zod';
import { InvalidCursorError } from '../adapters/store-errors.ts';
import { ThreadNotFoundError } from '../core/errors.ts';
import type { ApiEnv, ApiLogger } from './deps.ts';
import { messagePage, sendPage } from './pages.ts';

/** One thing wrong with a request: where (`agent`, `limit`, `Idempotency-Key`, or '' for the body) and what. */
export interface Issue {
  path: string;
  message: string;
}

/** An answer the API gives on purpose: a client error with a status and a body that says why. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly error: string,
    message: string,
    readonly issues?: readonly Issue[],
  ) {
    super(message);
  }

  static invalid(issues: readonly Issue[]): ApiError {
    return new ApiError(400, 'invalid request', issues.map(describeIssue).join('; '), issues);
  }

  static notFound(message: string): ApiError {
    return new ApiError(404, 'not found', message);
  }

  static conflict(message: string): ApiError {
    return new ApiError(409, 'conflict', message);
  }

  /** The IETF Idempotency-Key draft's answer to a key sent again with a different body. */
  static keyReused(): ApiError {
    return new ApiError(
      422,
      'idempotency key reused',
      'Idempotency-Key is already used for a different request body: send this body with a new key, or the first body again',
    );
  }

  static tooLarge(maxBytes: number): ApiError {
    return new ApiError(413, 'payload too large', `request bodies are limited to ${maxBytes} bytes`);
  }

  static unsupportedType(message: string): ApiError {
    return new ApiError(415, 'unsupported media type', message);
  }
}

export const issuesOf = (error: z.ZodError): Issue[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));

const describeIssue = (issue: Issue): string =>
  issue.path ? `${issue.path}: ${issue.message}` : issue.message;

export const errorBody = (error: ApiError) =>
  error.issues
    ? { error: error.error, issues: error.issues }
    : { error: error.error, message: error.message };

/** Approval pages are read by people: their errors are pages too. */
const isPagePath = (path: string): boolean => path.startsWith('/approvals/');

export const sendError = (c: Context<ApiEnv>, error: ApiError): Response =>
  isPagePath(c.req.path)
    ? sendPage(c, error.status, messagePage(titleOf(error.status), error.message))
    : c.json(errorBody(error), error.status);

const titleOf = (status: number): string =>
  status === 413 ? 'That was too much text' : status === 404 ? 'Not found' : 'That did not work';

/**
 * The one place unexpected errors end: logged with their stack, answered with a generic 500.
 * Errors with a known meaning (our `ApiError`, a thread that is not there, a bad cursor) are
 * mapped here too, as a net under the routes that already handle them.
 */
export const handleError =
  (logger: ApiLogger): ErrorHandler<ApiEnv> =>
  (error, c) => {
    if (error instanceof ApiError) return sendError(c, error);
    if (error instanceof ThreadNotFoundError) return sendError(c, ApiError.notFound(error.message));
    if (error instanceof InvalidCursorError)
      return sendError(c, ApiError.invalid([{ path: 'cursor', message: error.message }]));
    // A middleware's own answer, e.g. bearerAuth's 401 with its WWW-Authenticate header.
    if (error instanceof HTTPException && error.res !== undefined) return error.getResponse();
    if (error instanceof HTTPException && error.status < 500) {
      return sendError(c, new ApiError(error.status, 'request refused', error.message || 'request refused'));
    }
    logger.error('unhandled API error', { error, method: c.req.method, path: c.req.path });
    const message = 'something went wrong on our side; it has been logged';
    return isPagePath(c.req.path)
      ? sendPage(c, 500, messagePage('Something went wrong', `${message}. Try again in a minute.`))
      : c.json({ error: 'internal error', message }, 500);
  };

export const handleNotFound: NotFoundHandler<ApiEnv> = (c) =>
  sendError(c, ApiError.notFound(`no route matches ${c.req.method} ${c.req.path}`));

/** 405 with the methods the path does answer. */
export const methodNotAllowed = (c: Context<ApiEnv>, allowed: readonly string[]): Response => {
  c.header('Allow', allowed.join(', '));
  return sendError(c, new ApiError(405, 'method not allowed', `${c.req.path} answers ${allowed.join(', ')}`));
};
