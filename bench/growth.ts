import { performance } from 'node:perf_hooks';
import type { DynamoThreadStore } from '../lib/adapters/dynamo-thread-store.ts';
import type { NewEvent } from '../lib/core/events.ts';
import { buildModelRequest } from '../lib/core/request.ts';
import { withDynaliteStore } from './overhead-threadline.ts';
import { CountingIds, fixedClock } from './ports.ts';
import { scenarioAgent } from './scenario.ts';
import { type BenchOptions, type Section, table } from './section.ts';
import { ratio, summarize, type Timing } from './stats.ts';

const SIZES = [10, 100, 1_000];

/** A lookup and its result: two events, as a tool step appends them. */
const lookupPair = (ids: CountingIds): NewEvent[] => {
  const callId = ids.next('ev');
  return [
    {
      id: callId,
      at: fixedClock.now(),
      type: 'model-step',
      data: {
        tool: 'lookup_customer',
        args: { name: 'Terri' },
        model: 'anthropic.claude-3-5-haiku-20241022-v1:0',
        usage: { inputTokens: 1200, outputTokens: 20 },
        costUsd: 0.00104,
      },
    },
    {
      id: ids.next('ev'),
      at: fixedClock.now(),
      key: `result:${callId}`,
      type: 'tool-result',
      data: {
        callId,
        tool: 'lookup_customer',
        result: [{ id: 'cus_terri', name: 'Terri Jackson', email: 'terri@example.com' }],
      },
    },
  ];
};

/** One step as a Lambda runs it: load the thread, render the request, append what happened. */
const timedStep = async (store: DynamoThreadStore, threadId: string, ids: CountingIds) => {
  const agent = scenarioAgent();
  const started = performance.now();
  const thread = await store.load(threadId);
  buildModelRequest(thread.events, agent, fixedClock.now());
  await store.append(threadId, lookupPair(ids));
  return performance.now() - started;
};

/** Benchmark 3: load + render + append per step as the thread grows, DynamoDB API on dynalite. */
export const runGrowth = async (options: BenchOptions): Promise<Section> => {
  const iterations = options.quick ? 8 : 30;
  const rows = await withDynaliteStore(async (_store, makeStore) => {
    const ids = new CountingIds();
    const results: { events: number; warm: Timing; cold: Timing }[] = [];
    for (const size of SIZES) {
      const writer = makeStore();
      const threadId = `th-growth-${size}`;
      await writer.create({ threadId, agent: 'billing', at: fixedClock.now() });
      const events: NewEvent[] = [
        {
          id: ids.next('ev'),
          at: fixedClock.now(),
          type: 'user-message',
          data: { text: 'create a $750 sponsorship link for Terri', channel: 'api', untrusted: false },
        },
      ];
      while (events.length < size - 1) events.push(...lookupPair(ids));
      for (let start = 0; start < events.length; start += 100)
        await writer.append(threadId, events.slice(start, start + 100));
      // Warm: one store across steps, as a warm Lambda keeps its cache. Cold: a new store each step.
      const warmStore = makeStore();
      await timedStep(warmStore, threadId, ids);
      const warm: number[] = [];
      const cold: number[] = [];
      for (let run = 0; run < iterations; run += 1) {
        warm.push(await timedStep(warmStore, threadId, ids));
        cold.push(await timedStep(makeStore(), threadId, ids));
      }
      results.push({ events: size, warm: summarize(warm), cold: summarize(cold) });
    }
    return results;
  });
  const at = (events: number) => rows.find((row) => row.events === events)!;
  const coldGrowth = ratio(at(1_000).cold.medianMs, at(100).cold.medianMs);
  const warmGrowth = ratio(at(1_000).warm.medianMs, at(100).warm.medianMs);
  const perThousand = Math.round((at(1_000).cold.medianMs - at(10).cold.medianMs) * (1_000 / 990) * 10) / 10;
  const figures = {
    coldMsPer1000Events: perThousand,
    what: 'one step = load the thread + buildModelRequest + append a model-step and a tool-result, DynamoThreadStore on dynalite over HTTP',
    rows,
    growth1000vs100: { cold: coldGrowth, warm: warmGrowth, linearWouldBe: 10 },
  };
  const markdown = [
    `${figures.what}. ${iterations} steps per size after a warm-up. *Warm*: one store across steps (a warm Lambda: only events after its cache are queried). *Cold*: a new store per step (a cold Lambda, or another function: the whole thread is queried and decoded).`,
    '',
    table(
      ['events', 'warm median ms', 'warm p95 ms', 'cold median ms', 'cold p95 ms'],
      rows.map((row) => [row.events, row.warm.medianMs, row.warm.p95Ms, row.cold.medianMs, row.cold.p95Ms]),
    ),
    '',
    `From 100 to 1,000 events (10× the events) a cold step takes ${coldGrowth}× as long and a warm one ${warmGrowth}×: growth is ${coldGrowth <= 12 && warmGrowth <= 12 ? 'sub-linear at these sizes (linear at worst)' : '**worse than linear**'}. A step is dominated by its fixed cost, a handful of HTTP round trips (load: summary + query; append: head reads and conditional puts, then the summary update); the part that grows with the thread (querying, decoding and rendering every event, cold only) costs about ${perThousand} ms per 1,000 events. A warm store queries only the events after its cache, so its step does not grow at all.`,
  ].join('\n');
  return { id: 'growth', title: '3. Step cost as a thread grows (DynamoDB store)', figures, markdown };
};
