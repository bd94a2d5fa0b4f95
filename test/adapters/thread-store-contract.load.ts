import { beforeEach, describe, expect, it } from 'vitest';
import type { Event, NewEvent } from '../../lib/core/events.ts';
import type { ThreadStore } from '../../lib/core/ports.ts';
import { filler, NewEvents } from '../support/new-events.ts';
import type { MakeStore, StoreSubject } from './thread-store.contract.ts';

/**
 * Reports figures worth quoting: wall time, conflict retries, the most attempts one event took.
 * The subject is made fresh for each test, so its counts are this test's alone.
 */
const report = (subject: StoreSubject, test: string, started: number): void => {
  const retries = subject.retries?.() ?? { count: 0, mostAttempts: 0 };
  const took = Math.round(performance.now() - started);
  console.info(
    `[store figures] ${test}: ${took} ms, ${retries.count} conflict retries, at most ${retries.mostAttempts + 1} attempts for one event`,
  );
};

/** A thousand contended appends on a busy machine: well past vitest's default, never unbounded. */
const LOAD_TEST_TIMEOUT_MS = 240_000;

/** A small seeded generator: the same plan every run. */
const seeded = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

const runWorkers = async (count: number, work: (worker: number) => Promise<boolean>): Promise<void> => {
  await Promise.all(
    Array.from({ length: count }, async (_, worker) => {
      while (await work(worker)) {}
    }),
  );
};

export const describeUnderLoad = (makeStore: MakeStore): void => {
  describe('under load', () => {
    let subject: StoreSubject;
    let store: ThreadStore;
    let make: NewEvents;
    beforeEach(async () => {
      subject = await makeStore();
      store = subject.store;
      make = new NewEvents();
      await store.create({ threadId: 'busy', agent: 'billing', at: make.clock.now() });
    });

    it(
      'gives 20 concurrent writers of 50 events each seqs 1..1000, with no gap and no duplicate',
      async () => {
        const started = performance.now();
        const written = await Promise.all(
          Array.from({ length: 20 }, async (_, writer) => {
            const own = subject.connect();
            const stored: Event[] = [];
            for (let index = 0; index < 50; index += 1) {
              stored.push(...(await own.append('busy', [make.message(`writer ${writer} event ${index}`)])));
            }
            return stored;
          }),
        );
        report(subject, '20 writers x 50 appends', started);

        const { events } = await store.load('busy');
        expect(events.map((event) => event.seq)).toEqual(
          Array.from({ length: 1000 }, (_, index) => index + 1),
        );
        expect(new Set(events.map((event) => event.id)).size).toBe(1000);
        expect(written.flat().sort((left, right) => left.seq - right.seq)).toEqual(events);
        for (const stored of written) {
          const seqs = stored.map((event) => event.seq);
          expect(seqs).toEqual([...seqs].sort((left, right) => left - right));
        }
      },
      LOAD_TEST_TIMEOUT_MS,
    );

    it(
      'stores each key once when 30% of 1,000 appends repeat one, some of them racing the original',
      async () => {
        const random = seeded(7);
        type Task = { kind: 'single' | 'pair'; key: string } | { kind: 'repeat' };
        const tasks: Task[] = [];
        for (let index = 0; index < 700; index += 1)
          tasks.push({ kind: index % 7 === 0 ? 'pair' : 'single', key: `key-${index}` });
        for (let index = 0; index < 200; index += 1)
          tasks.splice(150 + Math.floor(random() * 500), 0, { kind: 'repeat' });

        const originals = new Map<string, Event>();
        const checks: { key: string; repeat: Event; original: Event }[] = [];
        const racing: { key: string; results: Event[] }[] = [];
        const writers = Array.from({ length: 11 }, () => subject.connect());
        const appendOne = async (event: NewEvent, writer: number): Promise<Event> => {
          const [stored] = (await writers[writer]?.append('busy', [event])) ?? [];
          if (!stored) throw new Error('append returned nothing');
          return stored;
        };
        const started = performance.now();
        let appends = 0;
        await runWorkers(10, async (worker) => {
          const task = tasks.shift();
          if (!task) return false;
          if (task.kind === 'repeat') {
            const done = [...originals.keys()];
            const key = done[Math.floor(random() * done.length)] ?? '';
            const original = originals.get(key);
            if (!original) throw new Error('no original to repeat yet');
            checks.push({
              key,
              original,
              repeat: await appendOne(make.message(`repeat of ${key}`, key), worker),
            });
            appends += 1;
          } else if (task.kind === 'pair') {
            const results = await Promise.all([
              appendOne(make.message(`original ${task.key}`, task.key), worker),
              // Another Lambda, as a queue's redelivery would land on.
              appendOne(make.message(`racing repeat ${task.key}`, task.key), 10),
            ]);
            racing.push({ key: task.key, results });
            originals.set(task.key, results[0]);
            appends += 2;
          } else {
            originals.set(task.key, await appendOne(make.message(`original ${task.key}`, task.key), worker));
            appends += 1;
          }
          return true;
        });
        report(subject, '1,000 appends, 30% repeated keys', started);

        const { events } = await store.load('busy');
        expect(appends).toBe(1000);
        expect(events.map((event) => event.seq)).toEqual(
          Array.from({ length: 700 }, (_, index) => index + 1),
        );
        const byKey = new Map(events.map((event) => [event.key, event]));
        expect(byKey.size).toBe(700);
        for (const [key, original] of originals) expect(byKey.get(key)).toEqual(original);
        for (const check of checks) expect(check.repeat).toEqual(check.original);
        for (const race of racing) expect(race.results[1]).toEqual(race.results[0]);
        expect(checks).toHaveLength(200);
        expect(racing).toHaveLength(100);
      },
      LOAD_TEST_TIMEOUT_MS,
    );

    it('reads back a thread of more than 1 MB whole and in order', async () => {
      const appended: Event[] = [];
      for (let batch = 0; batch < 4; batch += 1) {
        const events = Array.from({ length: 10 }, (_, index) =>
          make.message(filler(30_000, batch * 10 + index)),
        );
        appended.push(...(await store.append('busy', events)));
      }

      const { events } = await store.load('busy');

      expect(JSON.stringify(events).length).toBeGreaterThan(1_100_000);
      expect(events).toEqual(appended);
      expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    });

    it('round-trips a 500 KB tool result', async () => {
      const result = {
        report: filler(500_000),
        rows: Array.from({ length: 50 }, (_, row) => ({ row, ok: row % 2 === 0 })),
      };
      const event = make.toolResult('call-1', 'export_ledger', result);

      const [stored] = await store.append('busy', [event]);
      const { events } = await store.load('busy');

      expect(stored).toEqual({ ...event, seq: 1 });
      expect(events).toEqual([{ ...event, seq: 1 }]);
    });
  });
};
