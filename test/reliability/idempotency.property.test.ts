import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../lambdas/ingest.ts';
import { silentTelemetry } from '../../lambdas/telemetry.ts';
import { DynamoIdempotencyStore } from '../../lib/adapters/dynamo-idempotency-store.ts';
import { DynamoThreadStore } from '../../lib/adapters/dynamo-thread-store.ts';
import type { IngressMessage, IngressQueue } from '../../lib/adapters/ingress-message.ts';
import { InMemoryPayloadStore } from '../../lib/adapters/payload-store.ts';
import { createApp } from '../../lib/api/app.ts';
import { AUTHORIZED, createTestApi } from '../api/harness.ts';
import { sqsEvent, sqsRecord } from '../lambdas/support.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { checkProperty, propertyTimeout } from './property-runs.ts';
import { createRecorder, serverErrorsIn } from './record.ts';

const recorder = createRecorder('idempotency');
afterAll(() => recorder.flush());
/** Each run races a dynalite table through a scheduler: a few hundred ms, so fewer runs than elsewhere. */
const RUNS = 40;

let dynamo: LocalDynamo;
let tableName: string;
beforeAll(async () => {
  dynamo = await startDynalite();
  tableName = await dynamo.createThreadTable();
});
afterAll(async () => {
  await dynamo?.stop();
});

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Every call of the object's methods resolves (or throws) when the scheduler says so, in the order
 * it picks. The call itself starts at once; only its outcome waits, settled so that a rejection
 * the caller will catch (a thread not found yet) is never reported as unhandled meanwhile.
 */
const scheduled = <T extends object>(s: fc.Scheduler, target: T): T =>
  new Proxy(target, {
    get: (object, property) => {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      const settle = async (...args: unknown[]): Promise<Settled> => {
        try {
          return { ok: true, value: await value.apply(object, args) };
        } catch (error) {
          return { ok: false, error };
        }
      };
      Object.defineProperty(settle, 'name', { value: String(property) });
      const release = s.scheduleFunction(settle);
      return async (...args: unknown[]) => {
        const settled = await release(...args);
        if (!settled.ok) throw settled.error;
        return settled.value;
      };
    },
  });

/**
 * The FIFO ingress queue and its event source: one message group, delivered one at a time to the
 * ingest handler, a failed delivery delivered again. With `deduplicate` a deduplication id is
 * delivered once (SQS within five minutes); without it, every copy is (later than that).
 */
class RacingQueue implements IngressQueue {
  readonly sent: IngressMessage[] = [];
  failedDeliveries = 0;
  private readonly seen = new Set<string>();
  private delivering: Promise<void> = Promise.resolve();

  constructor(
    private readonly handle: ReturnType<typeof createHandler>,
    private readonly deduplicate: boolean,
  ) {}

  async send(message: IngressMessage): Promise<void> {
    this.sent.push(message);
    if (this.deduplicate && this.seen.has(message.key)) return;
    this.seen.add(message.key);
    const record = sqsRecord(`m-${this.sent.length}`, JSON.stringify(message), message.threadId);
    this.delivering = this.delivering.then(() => this.deliver(record));
  }

  /** Resolves once every message sent so far is ingested. */
  drained(): Promise<void> {
    return this.delivering;
  }

  private async deliver(record: ReturnType<typeof sqsRecord>): Promise<void> {
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const result = await this.handle(sqsEvent(record));
      if (result.batchItemFailures.length === 0) return;
      this.failedDeliveries += 1;
    }
  }
}

/**
 * The API and the ingest function on one dynalite table, each with its own store (two functions,
 * two caches), every read and write they make released in an order fast-check chooses.
 */
const createRace = (s: fc.Scheduler, deduplicate: boolean) => {
  const api = createTestApi();
  const newStore = () =>
    new DynamoThreadStore({ tableName, payloads: new InMemoryPayloadStore(), client: dynamo.client });
  const handle = createHandler({
    service: { ...api.deps, store: scheduled(s, newStore()) },
    telemetry: silentTelemetry(),
  });
  const queue = new RacingQueue(handle, deduplicate);
  const apiStore = newStore();
  const app = createApp({
    ...api.deps,
    store: scheduled(s, apiStore),
    idempotency: scheduled(s, new DynamoIdempotencyStore({ tableName, client: dynamo.client })),
    ingress: scheduled(s, queue),
  });
  const post = async (path: string, body: unknown, headers: Record<string, string>) => {
    await s.schedule(Promise.resolve(), `POST ${path}`);
    const response = await app.request(path, {
      method: 'POST',
      headers: { ...AUTHORIZED, 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  return { api, queue, post, read: newStore(), orchestrator: api.orchestrator };
};

type Variant = 'same' | 'other-text' | 'other-thread';
const variantArb = fc.constantFrom<Variant>('same', 'same', 'same', 'other-text', 'other-thread');
/** Waves run one after another; the requests of one wave run at once. */
const wavesArb = fc.array(fc.array(variantArb, { minLength: 1, maxLength: 4 }), {
  minLength: 1,
  maxLength: 4,
});

const KEY_REUSED = {
  error: 'idempotency key reused',
  message:
    'Idempotency-Key is already used for a different request body: send this body with a new key, or the first body again',
};

interface Answer {
  variant: Variant;
  status: number;
  body: unknown;
}

const countStatuses = (answers: readonly Answer[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
};

const runWaves = async (
  waves: readonly (readonly Variant[])[],
  request: (variant: Variant) => Promise<{ status: number; body: unknown }>,
): Promise<Answer[]> => {
  const answers: Answer[] = [];
  for (const wave of waves) {
    const results = await Promise.all(
      wave.map(async (variant) => ({ variant, ...(await request(variant)) })),
    );
    answers.push(...results);
  }
  return answers;
};

/** The body whose request came first was answered; every other body got 422. */
const expectOneWinner = (answers: readonly Answer[]): { winner: Variant; answer: Answer } => {
  const summary = JSON.stringify({ statuses: countStatuses(answers), answers });
  const winners = new Set(answers.filter((answer) => answer.status !== 422).map((answer) => answer.variant));
  expect(winners.size, summary).toBe(1);
  const [winner] = [...winners] as [Variant];
  const answer = answers.find((candidate) => candidate.variant === winner)!;
  for (const candidate of answers) {
    if (candidate.variant === winner)
      expect({ status: candidate.status, body: candidate.body }, summary).toEqual({
        status: answer.status,
        body: answer.body,
      });
    else
      expect({ status: candidate.status, body: candidate.body }, summary).toEqual({
        status: 422,
        body: KEY_REUSED,
      });
  }
  return { winner, answer };
};

let run = 0;
const seen = { starts: {} as Record<string, number>, messages: {} as Record<string, number> };
const tally = (into: Record<string, number>, answers: readonly Answer[]) => {
  for (const [status, count] of Object.entries(countStatuses(answers)))
    into[status] = (into[status] ?? 0) + count;
};

describe('Idempotency-Key retries racing the ingest function, on dynalite', () => {
  it(
    'answers every retry of a start the same and leaves one thread with one start, whatever the interleaving',
    async () => {
      const tried = await checkProperty(
        fc.asyncProperty(
          fc.scheduler(),
          wavesArb,
          fc.boolean(),
          fc.boolean(),
          async (s, waves, deduplicate, chosen) => {
            run += 1;
            const race = createRace(s, deduplicate);
            const headers = { 'Idempotency-Key': `order-${run}` };
            const bodies: Record<Variant, object> = {
              same: {
                agent: 'billing',
                message: 'text A',
                ...(chosen ? { threadId: `invoice-${run}` } : {}),
              },
              'other-text': { agent: 'billing', message: 'text B' },
              'other-thread': { agent: 'billing', message: 'text A', threadId: `other-${run}` },
            };

            const answers = await s.waitFor(
              (async () => {
                const all = await runWaves(waves, (variant) =>
                  race.post('/threads', bodies[variant], headers),
                );
                await race.queue.drained();
                return all;
              })(),
            );

            tally(seen.starts, answers);
            const { winner, answer } = expectOneWinner(answers);
            expect(answer.status, JSON.stringify(countStatuses(answers))).toBe(202);
            const { threadId } = answer.body as { threadId: string };
            const thread = await race.read.load(threadId);
            const text = winner === 'other-text' ? 'text B' : 'text A';
            expect(thread.events.map((event) => [event.seq, event.type, event.data])).toEqual([
              [1, 'user-message', { text, channel: 'api', untrusted: false }],
            ]);
            expect(race.orchestrator.startedTurns).toEqual([`${threadId}-1`]);
            expect(race.queue.failedDeliveries).toBe(0);
          },
        ),
        RUNS,
      );
      recorder.record('POST /threads retries racing ingest (dynalite, scheduled interleavings)', {
        edge: 'API requests',
        inputsTried: tried,
        eventsLost: 0,
        eventsDuplicated: 0,
        serverErrors: serverErrorsIn(seen.starts),
        notes: { statuses: seen.starts },
      });
    },
    propertyTimeout(),
  );

  it(
    'answers every retry of a message the same, also when a cancel lands between them, and appends it at most once',
    async () => {
      const tried = await checkProperty(
        fc.asyncProperty(
          fc.scheduler(),
          wavesArb,
          fc.boolean(),
          fc.option(fc.nat({ max: 3 }), { nil: undefined }),
          async (s, waves, deduplicate, cancelBeforeWave) => {
            run += 1;
            const race = createRace(s, deduplicate);
            const threadId = `thread-${run}`;
            const seed = new DynamoThreadStore({
              tableName,
              payloads: new InMemoryPayloadStore(),
              client: dynamo.client,
            });
            await seed.create({ threadId, agent: 'billing', at: race.api.clock.now() });
            await seed.append(threadId, [
              {
                id: `seed-${run}`,
                at: race.api.clock.now(),
                key: `seed-${run}`,
                type: 'user-message',
                data: { text: 'hi', channel: 'api', untrusted: false },
              },
            ]);
            const headers = { 'Idempotency-Key': `msg-${run}` };
            const path = `/threads/${threadId}/messages`;
            const bodies: Record<Variant, object> = {
              same: { message: 'text A' },
              'other-text': { message: 'text B' },
              'other-thread': { message: 'text C' },
            };
            const cancelAt =
              cancelBeforeWave === undefined ? -1 : Math.min(cancelBeforeWave, waves.length - 1);
            let cancelled: Promise<{ status: number }> = Promise.resolve({ status: 202 });

            const answers = await s.waitFor(
              (async () => {
                const all: Answer[] = [];
                for (const [index, wave] of waves.entries()) {
                  // The cancel races the wave it starts with.
                  if (index === cancelAt) cancelled = race.post(`/threads/${threadId}/cancel`, {}, {});
                  all.push(
                    ...(await runWaves([wave], (variant) => race.post(path, bodies[variant], headers))),
                  );
                }
                await cancelled;
                await race.queue.drained();
                return all;
              })(),
            );

            tally(seen.messages, answers);
            expect((await cancelled).status).toBe(202);
            const { winner, answer } = expectOneWinner(answers);
            const thread = await race.read.load(threadId);
            const messages = thread.events.filter(
              (event) => event.type === 'user-message' && event.key !== `seed-${run}`,
            );
            const text = { same: 'text A', 'other-text': 'text B', 'other-thread': 'text C' }[winner];
            const summary = JSON.stringify({
              statuses: countStatuses(answers),
              events: thread.events.map((event) => event.type),
            });
            if (answer.status === 202) {
              expect(answer.body).toEqual({ threadId });
              expect(
                messages.map((event) => event.data),
                summary,
              ).toEqual([{ text, channel: 'api', untrusted: false }]);
            } else {
              expect(answer, summary).toEqual({
                variant: winner,
                status: 409,
                body: {
                  error: 'conflict',
                  message: `thread ${threadId} is cancelled: it takes no more messages`,
                },
              });
              expect(messages, summary).toEqual([]);
            }
            expect(race.orchestrator.startedTurns).toEqual([]);
            expect(race.queue.failedDeliveries).toBe(0);
          },
        ),
        RUNS,
      );
      recorder.record(
        'POST /threads/{id}/messages retries racing ingest and a cancel (dynalite, scheduled interleavings)',
        {
          edge: 'API requests',
          inputsTried: tried,
          eventsLost: 0,
          eventsDuplicated: 0,
          serverErrors: serverErrorsIn(seen.messages),
          notes: { statuses: seen.messages },
        },
      );
    },
    propertyTimeout(),
  );
});
