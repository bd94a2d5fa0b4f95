import {
  type AttemptResult,
  describeError,
  parseRetryAfter,
  type RetryOptions,
  resolveRetry,
  withRetry,
} from './model-retry.ts';

/** How a notifier posts: retries, a per-attempt timeout, and the fetch to use (tests pass none). */
export interface DeliveryOptions {
  retry?: RetryOptions;
  /** One attempt's limit. Default 10 s: a notifier runs inside a Lambda task with its own timeout. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * A notification a channel did not accept. It names the channel, never the URL: a Slack webhook
 * URL is a credential, and a webhook's may be. It carries no `cause` for the same reason (fetch's
 * errors quote the URL they were given).
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly channel: string,
    message: string,
    readonly facts: { attempts: number; retryable: boolean; status?: number },
  ) {
    super(message);
  }
}

const BODY_EXCERPT = 200;

/**
 * POSTs one JSON body until the server takes it (2xx). A 429, a 5xx or a dropped connection is
 * tried again with the model adapters' backoff (`withRetry`, Retry-After honoured); any other
 * answer fails at once. `headers` is called per attempt, so a signature can carry a fresh time.
 */
export const postJson = async (
  /** `secrets`: more text no error may show (a signing key), beside the URL. */
  target: { channel: string; url: string; secrets?: readonly string[] },
  body: string,
  headers: () => Record<string, string>,
  options: DeliveryOptions = {},
): Promise<{ attempts: number }> => {
  if (!isHttpUrl(target.url)) {
    throw new DeliveryError(target.channel, `the ${target.channel} URL is not an http(s) URL`, {
      attempts: 0,
      retryable: false,
    });
  }
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 10_000;
  let attempts = 0;
  const attempt = async (count: number): Promise<AttemptResult<true>> => {
    attempts = count;
    let response: Response;
    try {
      response = await send(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers() },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      const detail = timedOut
        ? `no answer within ${timeoutMs} ms`
        : `could not reach it: ${describeError(error)}`;
      return { ok: false, error: detail, transient: !timedOut };
    }
    const text = await response.text().catch(() => '');
    if (response.ok) return { ok: true, value: true };
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return {
      ok: false,
      error: `answered ${response.status}: ${excerpt(text)}`,
      transient: response.status === 429 || response.status >= 500,
      status: response.status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  };
  const outcome = await withRetry(attempt, resolveRetry({ attempts: 4, baseDelayMs: 250, ...options.retry }));
  if (outcome.ok) return { attempts };
  const tries = outcome.attempts > 1 ? ` (gave up after ${outcome.attempts} attempts)` : '';
  throw new DeliveryError(
    target.channel,
    redact(
      `the ${target.channel} notification was not delivered${tries}: ${String(outcome.error)}`,
      target.url,
      ...(target.secrets ?? []),
    ),
    {
      attempts: outcome.attempts,
      retryable: outcome.transient,
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
    },
  );
};

const isHttpUrl = (url: string): boolean => {
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
};

const excerpt = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length === 0) return '(empty body)';
  return flat.length > BODY_EXCERPT ? `${flat.slice(0, BODY_EXCERPT)}…` : flat;
};

/** Takes the URL out of a message, and its path too: servers echo it ("Cannot POST /services/…"). */
export const redact = (text: string, url: string, ...others: string[]): string => {
  const secrets = [url, ...others.filter((secret) => secret.length >= 8)];
  try {
    const parsed = new URL(url);
    const path = `${parsed.pathname}${parsed.search}`;
    if (path.length > 1) secrets.push(path);
  } catch {
    // Not a URL: the whole string is all there is to hide.
  }
  return secrets.reduce((redacted, secret) => redacted.split(secret).join('[redacted]'), text);
};
