import { setTimeout as wait } from 'node:timers/promises';

/** How a model adapter retries transient failures. Every field has a default. */
export interface RetryOptions {
  /** Calls in all, the first one included. Default 5. */
  attempts?: number;
  /** The ceiling of the first backoff; it doubles with each retry. Default 500 ms. */
  baseDelayMs?: number;
  /** No single wait is longer than this, a server's Retry-After included. Default 20 s. */
  maxDelayMs?: number;
  /** Injected by tests so that they do not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) that picks the jitter. Injected by tests to pin delays. */
  random?: () => number;
}

type RetrySettings = Required<RetryOptions>;

/** What one call produced: a value, or a failure that says whether trying again may help. */
export type AttemptResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: unknown; transient: boolean; retryAfterMs?: number; status?: number };

export type RetryOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: unknown; transient: boolean; attempts: number; status?: number };

const DEFAULTS: RetrySettings = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  sleep: async (ms) => {
    await wait(ms);
  },
  random: Math.random,
};

export const resolveRetry = (options: RetryOptions = {}): RetrySettings => {
  const settings = { ...DEFAULTS, ...options };
  return { ...settings, attempts: Math.max(1, Math.floor(settings.attempts)) };
};

/**
 * Calls `attempt` until it succeeds, fails for good, or the attempts run out. Between tries it
 * waits the server's Retry-After when given, else exponential backoff with full jitter, so that
 * many Lambdas throttled together do not come back together.
 */
export const withRetry = async <T>(
  attempt: (count: number) => Promise<AttemptResult<T>>,
  settings: RetrySettings,
): Promise<RetryOutcome<T>> => {
  for (let count = 1; ; count += 1) {
    const result = await attempt(count);
    if (result.ok) return result;
    if (!result.transient || count >= settings.attempts) {
      const { retryAfterMs: _hint, ...failure } = result;
      return { ...failure, attempts: count };
    }
    await settings.sleep(delayBeforeRetry(count, result.retryAfterMs, settings));
  }
};

/** The wait after failed attempt number `count` (1-based). */
export const delayBeforeRetry = (
  count: number,
  retryAfterMs: number | undefined,
  settings: RetrySettings,
): number => {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), settings.maxDelayMs);
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (count - 1));
  return Math.floor(settings.random() * ceiling);
};

/** Retry-After in seconds, as milliseconds. The HTTP-date form is rare on these APIs and falls back to backoff. */
export const parseRetryAfter = (value: string | null): number | undefined => {
  if (value === null || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Math.round(Number(value) * 1000);
};

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** A dropped or refused connection, on the error itself or on its cause (fetch wraps them). */
export const networkErrorCode = (error: unknown): string | undefined => {
  for (let current = error, depth = 0; current instanceof Error && depth < 3; depth += 1) {
    if ('code' in current && typeof current.code === 'string' && NETWORK_CODES.has(current.code)) {
      return current.code;
    }
    current = current.cause;
  }
  return undefined;
};

/** `name: message` of anything thrown, on one line. */
export const describeError = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const code = networkErrorCode(error);
  const text = `${error.name}: ${error.message}${code && !error.message.includes(code) ? ` (${code})` : ''}`;
  return text.replace(/\s+/g, ' ').trim();
};
