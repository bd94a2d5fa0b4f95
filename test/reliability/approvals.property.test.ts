import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApi, csrfOf, linkPath, seedApproval, type TestApi } from '../api/harness.ts';
import { checkProperty, propertyTimeout } from './property-runs.ts';
import { createRecorder, serverErrorsIn } from './record.ts';

const recorder = createRecorder('approvals');
afterAll(() => recorder.flush());

/** HTTP statuses seen, status → count. */
const tally = (statuses: Record<string, number>, ...responses: Response[]) => {
  for (const { status } of responses) statuses[status] = (statuses[status] ?? 0) + 1;
};

const fieldArb = fc.dictionary(
  fc.oneof(fc.constantFrom('decision', 'csrf', 'feedback', 'args', 'text'), fc.string({ maxLength: 12 })),
  fc.oneof(
    fc.constantFrom('approve', 'reject', 'edit', 'answer', '{"amountUsd":1}', ''),
    fc.string({ maxLength: 200 }),
  ),
  { maxKeys: 6 },
);
const queryArb = fc.dictionary(
  fc.oneof(fc.constantFrom('a', 'd', 'e', 's'), fc.string({ maxLength: 6 })),
  fc.string({ maxLength: 120 }),
  { maxKeys: 6 },
);

const post = (api: TestApi, path: string, fields: Record<string, string>, json: boolean) =>
  api.app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': json ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
  });

/** The decisions that happened: resumed tasks and decided wait records. */
const decisionsOf = async (api: TestApi, approvalId: string) => ({
  resumed: api.orchestrator.calls.filter((call) => call.method === 'resume').length,
  decided: (await api.waits.get(approvalId))?.status === 'decided',
  events: (await api.store.load('thread-1')).events.filter(
    (event) => event.type === 'approval-decision' || event.type === 'tool-error',
  ).length,
});

describe('POST /approvals/{id} under arbitrary form fields and query params', () => {
  it(
    'refuses with a 4xx and decides nothing without a valid signature',
    async () => {
      const statuses: Record<string, number> = {};
      const tried = await checkProperty(
        fc.asyncProperty(
          queryArb,
          fieldArb,
          fc.boolean(),
          fc.boolean(),
          async (query, fields, json, realId) => {
            const api = createTestApi();
            const { approvalId } = await seedApproval(api);
            const id = realId ? approvalId : 'apr_other';
            const response = await post(api, `/approvals/${id}?${new URLSearchParams(query)}`, fields, json);
            tally(statuses, response);

            expect(response.status).toBeGreaterThanOrEqual(400);
            expect(response.status).toBeLessThan(500);
            expect(await decisionsOf(api, approvalId)).toEqual({ resumed: 0, decided: false, events: 0 });
            expect(api.logged).toEqual([]);
          },
        ),
        200,
      );
      recorder.record('forged or missing signatures', {
        edge: 'approval POSTs',
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
    'refuses a signed link whose form lacks the CSRF token, or whose signature was altered',
    async () => {
      const statuses: Record<string, number> = {};
      const tried = await checkProperty(
        fc.asyncProperty(
          fieldArb,
          fc.string({ maxLength: 80 }),
          fc.nat(),
          fc.boolean(),
          async (fields, csrf, flip, json) => {
            const api = createTestApi();
            const { approvalId } = await seedApproval(api);
            const path = await linkPath(api, approvalId);
            const real = csrfOf(api, path);
            fc.pre(csrf !== real);
            const url = new URL(path, 'http://test');
            const signature = url.searchParams.get('s') ?? '';
            // One character of the signature changed: the CSRF token of the real link no longer fits.
            const position = flip % Math.max(signature.length, 1);
            const altered = `${signature.slice(0, position)}${signature[position] === 'A' ? 'B' : 'A'}${signature.slice(position + 1)}`;
            url.searchParams.set('s', altered);

            const withBadCsrf = await post(api, path, { ...fields, csrf }, json);
            const withBadSignature = await post(
              api,
              `${url.pathname}${url.search}`,
              { ...fields, csrf: real },
              json,
            );

            tally(statuses, withBadCsrf, withBadSignature);
            for (const response of [withBadCsrf, withBadSignature]) {
              expect(response.status).toBeGreaterThanOrEqual(400);
              expect(response.status).toBeLessThan(500);
            }
            expect(await decisionsOf(api, approvalId)).toEqual({ resumed: 0, decided: false, events: 0 });
          },
        ),
        150,
      );
      recorder.record('signed links without their CSRF token or with an altered signature', {
        edge: 'approval POSTs',
        inputsTried: tried,
        eventsLost: 0,
        eventsDuplicated: 0,
        serverErrors: serverErrorsIn(statuses),
        notes: { statuses, postsPerInput: 2 },
      });
    },
    propertyTimeout(),
  );

  it(
    'with a valid link and CSRF token, arbitrary fields give a 4xx or exactly one decision',
    async () => {
      const statuses: Record<string, number> = {};
      let decisions = 0;
      const tried = await checkProperty(
        fc.asyncProperty(
          fieldArb,
          fc.boolean(),
          fc.integer({ min: 1, max: 3 }),
          async (fields, json, times) => {
            const api = createTestApi();
            const { approvalId } = await seedApproval(api);
            const path = await linkPath(api, approvalId);
            const form = { ...fields, csrf: csrfOf(api, path) };
            const responses = await Promise.all(
              Array.from({ length: times }, () => post(api, path, form, json)),
            );

            tally(statuses, ...responses);
            for (const response of responses) expect(response.status).toBeLessThan(500);
            expect(api.logged).toEqual([]);
            const after = await decisionsOf(api, approvalId);
            // "Already decided" is a 200 page too (a second click is not an error): count decisions by effect.
            expect(after.resumed).toBeLessThanOrEqual(1);
            expect(after.decided).toBe(after.resumed === 1);
            expect(after.events).toBeLessThanOrEqual(1);
            if (after.resumed === 1) expect(responses.some((response) => response.status === 200)).toBe(true);
            else expect(responses.every((response) => response.status >= 400)).toBe(true);
            decisions += after.resumed;
          },
        ),
        200,
      );
      recorder.record('valid links with arbitrary fields, posted up to 3 times at once', {
        edge: 'approval POSTs',
        inputsTried: tried,
        eventsLost: 0,
        eventsDuplicated: 0,
        serverErrors: serverErrorsIn(statuses),
        notes: { statuses, decisions },
      });
    },
    propertyTimeout(),
  );
});
