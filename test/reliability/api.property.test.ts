import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { IngressMessageSchema } from '../../lib/adapters/ingress-message.ts';
import { AUTHORIZED, createTestApi, seedThread, type TestApi } from '../api/harness.ts';
import { checkProperty, propertyTimeout } from './property-runs.ts';
import { createRecorder, serverErrorsIn } from './record.ts';

const recorder = createRecorder('api');
afterAll(() => recorder.flush());

const ROUTES = [
  '/threads',
  '/threads/{id}/messages',
  '/threads/{id}/pause',
  '/threads/{id}/resume',
  '/threads/{id}/cancel',
];

/** Visible ASCII and spaces: what a Request header may carry (others make `new Request` throw, before the app). */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 300,
});

const threadIdArb = fc.oneof(
  fc.constant('thread-1'),
  fc.constant('missing-thread'),
  fc.string({ minLength: 1, maxLength: 80 }),
);

const bodyArb = fc.oneof(
  // Bodies a route accepts, with arbitrary text in them.
  fc
    .record(
      { agent: fc.constant('billing'), message: fc.string({ maxLength: 300 }) },
      { requiredKeys: ['message'] },
    )
    .map((value) => JSON.stringify(value)),
  fc.constantFrom('', '{}'),
  fc.string({ maxLength: 400 }),
  fc.json({ maxDepth: 3 }),
  fc
    .record(
      {
        agent: fc.oneof(fc.constant('billing'), fc.string()),
        message: fc.oneof(fc.string({ maxLength: 200 }), fc.constant('   '), fc.integer()),
        threadId: fc.oneof(fc.string({ maxLength: 80 }), fc.constant('thread-1'), fc.integer()),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.uint8Array({ maxLength: 200 }),
);

const headersArb = fc
  .record(
    {
      'Content-Type': fc.oneof(
        { arbitrary: fc.constant('application/json'), weight: 4 },
        { arbitrary: fc.constant('application/x-www-form-urlencoded'), weight: 1 },
        { arbitrary: fc.constant('text/plain; charset=latin1'), weight: 1 },
        { arbitrary: headerText, weight: 1 },
      ),
      'Idempotency-Key': fc.oneof(headerText, fc.constant('retry-1'), fc.uuid()),
      Authorization: fc.oneof(fc.constant(AUTHORIZED.Authorization), headerText),
      'Content-Length': fc.nat({ max: 10_000_000 }).map(String),
    },
    { requiredKeys: [] },
  )
  .chain((headers) =>
    // Mostly authorized and without a made-up length, so the generated bodies reach the routes.
    fc
      .record({ authorized: fc.boolean(), honestLength: fc.integer({ min: 0, max: 9 }) })
      .map(({ authorized, honestLength }) => {
        const { 'Content-Length': length, Authorization, ...rest } = headers;
        return {
          ...rest,
          Authorization: authorized || Authorization === undefined ? AUTHORIZED.Authorization : Authorization,
          ...(honestLength === 0 && length !== undefined ? { 'Content-Length': length } : {}),
        };
      }),
  );

const storeSnapshot = async (api: TestApi) => JSON.stringify(await api.store.load('thread-1'));

describe('every POST route under arbitrary bodies and headers', () => {
  it(
    'answers 2xx or a clear 4xx, never a 500, and queues only valid messages, at most one per request',
    async () => {
      const statuses: Record<string, number> = {};
      const tried = await checkProperty(
        fc.asyncProperty(
          fc.constantFrom(...ROUTES),
          threadIdArb,
          bodyArb,
          headersArb,
          async (route, threadId, body, headers) => {
            const api = createTestApi({ maxBodyBytes: 4096 });
            await seedThread(api);
            const before = await storeSnapshot(api);
            const path = route.replace('{id}', encodeURIComponent(threadId));
            let request: Request;
            try {
              request = new Request(`http://test${path}`, { method: 'POST', headers, body });
            } catch {
              fc.pre(false); // a request fetch itself refuses never reaches the app
              return;
            }
            const response = await api.app.request(request);
            statuses[response.status] = (statuses[response.status] ?? 0) + 1;

            expect(response.status, await response.clone().text()).toBeLessThan(500);
            expect(api.logged).toEqual([]);
            if (response.status >= 400) {
              const text = await response.text();
              expect(text.length).toBeGreaterThan(0);
              expect(api.ingress.sent).toEqual([]);
            }
            expect(api.ingress.sent.length).toBeLessThanOrEqual(1);
            for (const message of api.ingress.sent)
              expect(IngressMessageSchema.safeParse(message).success).toBe(true);
            if (
              route !== '/threads/{id}/pause' &&
              route !== '/threads/{id}/cancel' &&
              route !== '/threads/{id}/resume'
            ) {
              expect(await storeSnapshot(api)).toBe(before); // only the ingest function writes messages
            }
          },
        ),
        250,
      );
      recorder.record('POST routes, arbitrary bodies and headers', {
        edge: 'API requests',
        inputsTried: tried,
        eventsLost: 0,
        eventsDuplicated: 0,
        serverErrors: serverErrorsIn(statuses),
        notes: { statuses },
      });
    },
    propertyTimeout(),
  );

  it(
    'queues one message key for a start retried with the same Idempotency-Key',
    async () => {
      const statuses: Record<string, number> = {};
      const tried = await checkProperty(
        fc.asyncProperty(
          fc.string({
            unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
            minLength: 1,
            maxLength: 255,
          }),
          fc.string({ minLength: 1, maxLength: 300 }).filter((text) => text.trim().length > 0),
          fc.integer({ min: 2, max: 5 }),
          async (key, message, times) => {
            const api = createTestApi();
            const post = () =>
              api.app.request('/threads', {
                method: 'POST',
                headers: { ...AUTHORIZED, 'Content-Type': 'application/json', 'Idempotency-Key': key },
                body: JSON.stringify({ agent: 'billing', message }),
              });
            const responses = await Promise.all(Array.from({ length: times }, post));
            const ids = await Promise.all(
              responses.map(async (response) => (await response.json()) as unknown),
            );
            for (const response of responses) {
              statuses[response.status] = (statuses[response.status] ?? 0) + 1;
              expect(response.status).toBe(202);
            }
            expect(new Set(ids.map((id) => JSON.stringify(id))).size).toBe(1);
            // The FIFO queue deduplicates by key: one key is one message, one thread.
            expect(new Set(api.ingress.sent.map((sent) => `${sent.threadId}/${sent.key}`)).size).toBe(1);
          },
        ),
        100,
      );
      recorder.record('POST /threads retried with one Idempotency-Key', {
        edge: 'API requests',
        inputsTried: tried,
        eventsLost: 0,
        eventsDuplicated: 0,
        serverErrors: serverErrorsIn(statuses),
        notes: { statuses },
      });
    },
    propertyTimeout(),
  );
});
