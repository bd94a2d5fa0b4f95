import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AUTHORIZED,
  createTestApi,
  csrfOf,
  linkPath,
  postJson,
  seedApproval,
  seedThread,
} from './harness.ts';

const SMALL = 1024;

describe('request bodies over the limit', () => {
  it('answers 413 when the Content-Length is over the limit', async () => {
    const api = createTestApi();

    const response = await postJson(api, '/threads', { agent: 'billing', message: 'x'.repeat(256 * 1024) });

    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: 'payload too large',
      message: 'request bodies are limited to 262144 bytes',
    });
    expect(api.ingress.sent).toEqual([]);
  });

  it('answers 413 when the body is longer than its Content-Length says', async () => {
    const api = createTestApi({ maxBodyBytes: SMALL });

    const response = await api.app.request('/threads', {
      method: 'POST',
      headers: { ...AUTHORIZED, 'Content-Type': 'application/json', 'Content-Length': '20' },
      body: JSON.stringify({ agent: 'billing', message: 'x'.repeat(2 * SMALL) }),
    });

    expect(response.status).toBe(413);
    expect(api.ingress.sent).toEqual([]);
  });

  it('answers 413 to a streamed body without a Content-Length once it passes the limit', async () => {
    const api = createTestApi({ maxBodyBytes: SMALL });
    const chunk = new TextEncoder().encode('x'.repeat(512));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        if (sent > 100) controller.close();
        else controller.enqueue(chunk);
      },
    });

    const response = await api.app.request('/threads', {
      method: 'POST',
      headers: { ...AUTHORIZED, 'Content-Type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);

    expect(response.status).toBe(413);
    expect(sent).toBeLessThan(10);
  });

  it('answers 413 with a page on an approval link', async () => {
    const api = createTestApi({ maxBodyBytes: SMALL });
    const { approvalId } = await seedApproval(api);
    const path = await linkPath(api, approvalId);

    const response = await api.app.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        csrf: csrfOf(api, path),
        decision: 'reject',
        feedback: 'x'.repeat(2 * SMALL),
      }).toString(),
    });

    expect(response.status).toBe(413);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(response.headers.get('Content-Security-Policy')).toMatch(/^default-src 'none';/);
    expect((await api.waits.get(approvalId))?.status).toBe('pending');
  });
});

describe('methods and paths', () => {
  it.each([
    ['DELETE', '/threads', 'GET, POST, HEAD'],
    ['PUT', '/threads/thread-1', 'GET, HEAD'],
    ['POST', '/threads/thread-1', 'GET, HEAD'],
    ['GET', '/threads/thread-1/messages', 'POST'],
    ['GET', '/threads/thread-1/pause', 'POST'],
    ['GET', '/threads/thread-1/resume', 'POST'],
    ['DELETE', '/threads/thread-1/cancel', 'POST'],
    ['PUT', '/approvals/apr_1', 'GET, POST, HEAD'],
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allowed) => {
    const api = createTestApi();
    await seedThread(api);

    const response = await api.app.request(path, { method, headers: AUTHORIZED });

    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe(allowed);
  });

  it.each(['/', '/nope', '/threads/thread-1/archive', '/threads/', '/approvals'])(
    'answers 404 in JSON for %s',
    async (path) => {
      const api = createTestApi();

      const response = await api.app.request(path, { headers: AUTHORIZED });

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'not found', message: `no route matches GET ${path}` });
    },
  );
});

describe('unexpected errors', () => {
  it('answers 500 with a generic message and logs the error', async () => {
    const api = createTestApi();
    api.store.list = async () => {
      throw new Error('the table is on fire at arn:aws:dynamodb:eu-west-1:123:table/x');
    };

    const response = await api.app.request('/threads', { headers: AUTHORIZED });

    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: 'internal error',
      message: 'something went wrong on our side; it has been logged',
    });
    expect(text).not.toContain('fire');
    expect(api.logged).toEqual([
      {
        message: 'unhandled API error',
        details: { error: expect.any(Error), method: 'GET', path: '/threads' },
      },
    ]);
  });

  it('answers 500 with a page on an approval link', async () => {
    const api = createTestApi();
    const path = await linkPath(api, 'apr_1');
    api.waits.get = async () => {
      throw new Error('secret detail');
    };

    const response = await api.app.request(path);

    expect(response.status).toBe(500);
    const page = await response.text();
    expect(page).toContain('Something went wrong');
    expect(page).not.toContain('secret detail');
  });
});

describe('bad input never reaches a 500', () => {
  const routes = [
    '/threads',
    '/threads/thread-1/messages',
    '/threads/thread-1/pause',
    '/threads/thread-1/resume',
    '/threads/thread-1/cancel',
  ];

  it('answers every JSON value and every string below 500', async () => {
    const api = createTestApi();
    await seedThread(api);
    let answered = 0;
    const bodies = fc.oneof(
      fc.json(),
      fc.string(),
      fc.jsonValue().map((value) => JSON.stringify({ agent: 'billing', message: value })),
    );

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        bodies,
        fc.option(fc.string(), { nil: undefined }),
        async (path, body, key) => {
          const headers: Record<string, string> =
            key === undefined ? {} : { 'Idempotency-Key': key.replace(/[\r\n\0]/g, '') };
          const response = await Promise.resolve()
            .then(() => postJson(api, path, body, headers))
            .catch(() => undefined);
          // A header value fetch itself refuses never reaches the app: that is not ours to answer.
          if (response) expect(response.status).toBeLessThan(500);
          if (response) answered += 1;
        },
      ),
      { numRuns: 200 },
    );
    expect(answered).toBeGreaterThan(150);
    expect(api.logged).toEqual([]);
  });

  it('answers odd paths and queries below 500', async () => {
    const api = createTestApi();
    for (const path of [
      '/threads/%E0%A4%A',
      '/threads?limit=%FF',
      '/approvals/%E0%A4%A?s=%FF',
      '/threads/..%2F..%2Fetc',
      '/approvals/x?a=&d=&e=&s=',
    ]) {
      const response = await api.app.request(path, { headers: AUTHORIZED });
      expect(response.status, path).toBeLessThan(500);
    }
    expect(api.logged).toEqual([]);
  });
});
