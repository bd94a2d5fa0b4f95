import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../lambdas/ingest.ts';
import { parseIngressBody } from '../../lib/service/ingress-body.ts';
import { createHandlerHarness, sqsEvent, sqsRecord } from '../lambdas/support.ts';
import { userMessage } from '../service/harness.ts';
import { checkProperty, propertyTimeout } from './property-runs.ts';
import { createRecorder } from './record.ts';

const recorder = createRecorder('ingress queue');
afterAll(() => recorder.flush());

/** A well-formed ingress message for a thread that exists or one that starts, with arbitrary text. */
const validArb = fc
  .record({
    kind: fc.constantFrom('start', 'message'),
    // Messages go to threads that exist; starts to those or to new ones (with characters the schema rewrites).
    threadId: fc.constantFrom('th-a', 'th-b', 'th c/with:odd.chars'),
    agent: fc.constant('refunds'),
    text: fc.string({ minLength: 1, maxLength: 200 }),
    channel: fc.constantFrom('api', 'email', 'schedule'),
    from: fc.option(fc.emailAddress(), { nil: undefined }),
    untrusted: fc.boolean(),
  })
  .map((message) =>
    message.kind === 'message' && message.threadId.includes(' ') ? { ...message, threadId: 'th-a' } : message,
  );

/** Anything a queue might carry: junk, near-misses (a valid message with one field broken), and valid ones. */
const bodyArb = fc.oneof(
  { arbitrary: fc.string({ maxLength: 300 }).map((text) => ({ valid: false, body: text })), weight: 2 },
  { arbitrary: fc.json({ maxDepth: 3 }).map((text) => ({ valid: false, body: text })), weight: 2 },
  {
    arbitrary: fc
      .tuple(validArb, fc.constantFrom('kind', 'threadId', 'text', 'channel', 'key', 'agent'), fc.jsonValue())
      .map(([message, field, value]) => ({
        valid: false,
        body: JSON.stringify({ ...message, key: 'KEY', [field]: value }),
      })),
    weight: 2,
  },
  {
    arbitrary: validArb.map((message) => ({ valid: true, body: JSON.stringify({ ...message, key: 'KEY' }) })),
    weight: 3,
  },
);

describe('the ingest handler under arbitrary queue messages', () => {
  it(
    'parseIngressBody never throws',
    async () => {
      const tried = await checkProperty(
        fc.property(fc.oneof(fc.string(), fc.json()), (body) => {
          const parsed = parseIngressBody(body);
          expect(typeof parsed.ok).toBe('boolean');
        }),
        300,
      );
      recorder.record('parseIngressBody on arbitrary strings and JSON', {
        edge: 'SQS ingress messages',
        inputsTried: tried,
        eventsLost: 0,
        eventsDuplicated: 0,
      });
    },
    propertyTimeout(),
  );

  it(
    'reports each invalid message as a batch item failure and appends each valid one exactly once, delivered twice',
    async () => {
      let messages = 0;
      let invalid = 0;
      let appended = 0;
      const tried = await checkProperty(
        fc.asyncProperty(fc.array(bodyArb, { minLength: 1, maxLength: 8 }), async (bodies) => {
          const { handlerDeps, store, thread, orchestrator } = createHandlerHarness();
          await thread('th-a', [userMessage('an earlier message')]);
          await thread('th-b', [userMessage('an earlier message')]);
          const handle = createHandler(handlerDeps);
          // Each record gets its own key and group, so no failure holds another record back.
          const records = bodies.map(({ body }, index) =>
            sqsRecord(`m-${index}`, body.replace('"key":"KEY"', `"key":"key-${index}"`), `group-${index}`),
          );
          messages += records.length;
          // The schema is the oracle for validity; a valid message still fails, clearly, when it names a
          // thread that does not exist or an agent nobody runs (the queue retries it, then dead-letters it).
          const outcomes = records.map((record) => {
            const parsed = parseIngressBody(record.body);
            if (!parsed.ok) return { fails: true, invalid: true } as const;
            const { message } = parsed;
            const fails =
              message.kind === 'start'
                ? !handlerDeps.service.agents.has(message.agent)
                : !['th-a', 'th-b'].includes(message.threadId);
            return { fails, invalid: false, message } as const;
          });
          const expectedFailures = outcomes.flatMap((outcome, index) =>
            outcome.fails ? [`m-${index}`] : [],
          );

          const first = await handle(sqsEvent(...records));
          const second = await handle(sqsEvent(...[...records].reverse()));

          for (const response of [first, second]) {
            expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(
              [...expectedFailures].sort(),
            );
          }
          const threadIds = new Set(
            outcomes.flatMap((outcome) => (outcome.message ? [outcome.message.threadId] : [])),
          );
          const threads = await Promise.all(
            [...threadIds].map((id) => store.load(id).catch(() => undefined)),
          );
          const keys = threads.flatMap(
            (loaded) => loaded?.events.flatMap((event) => (event.key ? [event.key] : [])) ?? [],
          );
          outcomes.forEach((outcome, index) => {
            const count = keys.filter((key) => key === outcome.message?.key).length;
            expect(count, `record m-${index}`).toBe(outcome.fails ? 0 : 1);
          });
          // One execution per turn: a turn is started at most once per <thread>-<seq>.
          const starts = orchestrator.calls.flatMap((call) =>
            call.method === 'startTurn' ? [`${call.threadId}-${call.seq}`] : [],
          );
          const expectedFailuresCount = expectedFailures.length;
          expect(new Set(starts).size).toBeLessThanOrEqual(records.length - expectedFailuresCount);
          invalid += outcomes.filter((outcome) => outcome.invalid).length;
          appended += records.length - expectedFailuresCount;
        }),
        150,
      );
      recorder.record('SQS batches of arbitrary messages, each batch delivered twice', {
        edge: 'SQS ingress messages',
        inputsTried: tried,
        eventsLost: 0,
        eventsDuplicated: 0,
        notes: { messages, invalidReported: invalid, validAppendedOnce: appended },
      });
    },
    propertyTimeout(),
  );
});
