import type { Context } from 'hono';
import type * as z from 'zod';
import type { ApiEnv } from './deps.ts';
import { ApiError, issuesOf } from './errors.ts';

/**
 * The body as text. `bodyLimit` has already refused a too-long Content-Length or stream; this
 * checks the bytes actually read as well, so a body that lies about its length is refused too.
 */
export const readBodyText = async (c: Context<ApiEnv>, maxBytes: number): Promise<string> => {
  let bytes: ArrayBuffer;
  try {
    bytes = await c.req.arrayBuffer();
  } catch {
    throw ApiError.invalid([{ path: '', message: 'the request body could not be read' }]);
  }
  if (bytes.byteLength > maxBytes) throw ApiError.tooLarge(maxBytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw ApiError.invalid([{ path: '', message: 'the request body is not UTF-8 text' }]);
  }
};

/** Parses a JSON body against `schema`; anything wrong is a 400 that says what. */
export const readJsonBody = async <T>(
  c: Context<ApiEnv>,
  schema: z.ZodType<T>,
  options: { maxBytes: number; optional?: boolean },
): Promise<T> => {
  const text = await readBodyText(c, options.maxBytes);
  return parseWith(schema, text.trim() === '' && options.optional ? {} : parseJsonText(text));
};

export const parseJsonText = (text: string): unknown => {
  if (text.trim() === '')
    throw ApiError.invalid([{ path: '', message: 'the body is empty: send a JSON object' }]);
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw ApiError.invalid([{ path: '', message: `the body is not JSON: ${reason}` }]);
  }
};

export const parseWith = <T>(schema: z.ZodType<T>, value: unknown): T => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw ApiError.invalid(issuesOf(parsed.error));
  return parsed.data;
};
