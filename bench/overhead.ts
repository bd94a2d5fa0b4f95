import { type LangGraphDurability, langGraphScenario } from './overhead-langgraph.ts';
import { openAiAgentsScenario } from './overhead-openai-agents.ts';
import { inMemoryScenario, threadlineScenario, withDynaliteStore } from './overhead-threadline.ts';
import { SCENARIO_STEPS } from './scenario.ts';
import { type BenchOptions, type Section, table, verdict } from './section.ts';
import { measure, ratio, type Timing } from './stats.ts';

interface Row {
  name: string;
  timing: Timing;
}

/** Benchmark 1: orchestration overhead per agent step, the model answering instantly. */
export const runOverhead = async (options: BenchOptions): Promise<Section> => {
  const fast = options.quick ? { warmup: 20, iterations: 100 } : { warmup: 100, iterations: 600 };
  const slow = options.quick ? { warmup: 3, iterations: 15 } : { warmup: 10, iterations: 60 };
  const perStep = { unitsPerRun: SCENARIO_STEPS };
  const rows: Row[] = [];
  const add = async (name: string, once: () => Promise<void>, counts: typeof fast) =>
    rows.push({ name, timing: await measure(once, { ...counts, ...perStep }) });

  await add('threadline driveThread + InMemoryThreadStore', inMemoryScenario(), fast);
  await withDynaliteStore((store) =>
    add('threadline driveThread + DynamoThreadStore (dynalite, HTTP)', threadlineScenario(store), slow),
  );
  for (const durability of ['async', 'exit'] satisfies LangGraphDurability[]) {
    await add(
      `LangGraph.js StateGraph + MemorySaver, durability '${durability}'`,
      langGraphScenario(durability),
      fast,
    );
  }
  await add('OpenAI Agents SDK Runner + RunState string round-trip', openAiAgentsScenario(), fast);

  const peers = rows.filter((row) => !row.name.startsWith('threadline'));
  const best = peers.reduce((left, right) => (left.timing.medianMs <= right.timing.medianMs ? left : right));
  const ours = rows[0]!;
  const headline = ratio(ours.timing.medianMs, best.timing.medianMs);
  const figures = {
    scenario: `${SCENARIO_STEPS} agent steps (8 lookups, 1 approved payment link, done), zero-latency scripted model, in-process`,
    rows: rows.map((row) => ({
      ...row,
      vsBestPeerMedian: ratio(row.timing.medianMs, best.timing.medianMs),
      vsBestPeerP95: ratio(row.timing.p95Ms, best.timing.p95Ms),
    })),
    bestPeer: best.name,
    target: 'threadline in-memory ≤ 0.1× the best peer (median per step)',
    headlineRatio: headline,
  };
  const markdown = [
    `Scenario: ${figures.scenario}. Per-step time = one whole run ÷ ${SCENARIO_STEPS}; warm-up first, then ${fast.iterations} runs (${slow.iterations} on dynalite).`,
    '',
    table(
      ['implementation', 'median ms/step', 'p95 ms/step', 'median vs best peer', 'p95 vs best peer'],
      figures.rows.map((row) => [
        row.name,
        row.timing.medianMs,
        row.timing.p95Ms,
        `${row.vsBestPeerMedian}×`,
        `${row.vsBestPeerP95}×`,
      ]),
    ),
    '',
    `Best peer: ${best.name}. Target threadline (in-memory) ≤ 0.1× best peer: ${verdict(headline, 0.1, '×')}.`,
  ].join('\n');
  return { id: 'overhead', title: '1. Orchestration overhead per agent step', figures, markdown };
};
