import { estimateTokens } from '../lib/core/context.ts';
import { buildModelRequest } from '../lib/core/request.ts';
import { countTokens, measureThread, type ThreadTokens } from './call-tokens.ts';
import { measurePrefetch } from './prefetch.ts';
import { NOW } from './renderings.ts';
import { scenarioAgent } from './scenario.ts';
import { type BenchOptions, type Section, table, verdict } from './section.ts';
import { ratio } from './stats.ts';
import { recordedThreads, recordThread } from './threads.ts';

const TARGET = 0.6;

const ratiosOf = (row: ThreadTokens) => ({
  openAI: {
    o200k: ratio(row.openAI.o200k, row.canonical.o200k),
    cl100k: ratio(row.openAI.cl100k, row.canonical.cl100k),
  },
  bedrock: {
    o200k: ratio(row.bedrock.o200k, row.canonical.o200k),
    cl100k: ratio(row.bedrock.cl100k, row.canonical.cl100k),
  },
});

/**
 * Benchmark 2: the tokens each model adapter really sends, summed over every call of recorded
 * threads, against the canonical chat-completions request for the same calls.
 */
export const runContext = async (_options: BenchOptions): Promise<Section> => {
  const agent = scenarioAgent();
  const threads = await recordedThreads();
  const measured: ThreadTokens[] = [];
  for (const recorded of threads) measured.push(await measureThread(recorded, agent));
  const rows = measured.map((row) => ({ ...row, vsCanonical: ratiosOf(row) }));
  const worst = Math.max(
    ...rows.flatMap((row) =>
      [row.vsCanonical.openAI, row.vsCanonical.bedrock].flatMap((r) => [r.o200k, r.cl100k]),
    ),
  );
  const total = (pick: (row: ThreadTokens) => number) => rows.reduce((sum, row) => sum + pick(row), 0);
  const headline = {
    openAI: ratio(
      total((row) => row.openAI.o200k),
      total((row) => row.canonical.o200k),
    ),
    bedrock: ratio(
      total((row) => row.bedrock.o200k),
      total((row) => row.canonical.o200k),
    ),
  };
  const first = buildModelRequest([], agent, NOW);
  const fixed = {
    system: countTokens(first.system).o200k,
    tools: countTokens(JSON.stringify(first.tools)).o200k,
  };

  // Context tokens as a thread grows, with the agent's budget (estimated tokens) on and off.
  const budget = agent.limits.contextTokens;
  const long = await recordThread(300);
  const lengths = [5, 15, 25, 41, 59, 101, 201, 301, 451, 601].filter(
    (length) => length <= long.events.length,
  );
  const contextAt = (length: number, contextTokens: number) =>
    buildModelRequest(
      long.events.slice(0, length),
      { ...agent, limits: { ...agent.limits, contextTokens } },
      NOW,
    ).context;
  const growth = lengths.map((length) => ({
    events: length,
    budgetOff: countTokens(contextAt(length, Number.POSITIVE_INFINITY)).o200k,
    agentBudget: countTokens(contextAt(length, budget)).o200k,
    budget1000: countTokens(contextAt(length, 1_000)).o200k,
    estimateOfAgentBudgetRendering: estimateTokens(contextAt(length, budget)),
  }));

  const prefetch = await measurePrefetch();
  const figures = {
    measured:
      'each call of each thread sent through OpenAICompatibleModel and BedrockModel to real servers on 127.0.0.1; tokens of the request bodies as received, summed over the calls',
    canonical:
      'per call, the chat-completions body {model, messages, tools, tool_choice}: full system prompt, every event as a message, full JSON Schemas, both intents as tools',
    rows,
    headlineO200k: headline,
    worstRatio: worst,
    fixedTokensPerCallO200k: fixed,
    target: `each adapter ≤ ${TARGET}× the canonical request, summed over all calls of a thread`,
    contextGrowth: { agentBudgetEstimatedTokens: budget, rows: growth },
    prefetch,
  };
  const met = (value: number) => (value <= TARGET ? 'met' : '**missed**');
  const { withPrefetch, withoutPrefetch } = prefetch;
  const markdown = [
    'Billing threads recorded with the real tools and a ScriptedModel (`bench/threads.ts`). Every model call of a thread is sent through the OpenAI-compatible and the Bedrock Converse adapter to a real server on 127.0.0.1, and the request bodies as received are counted with js-tiktoken, summed over the calls. The canonical request is the straightforward chat-completions body for the same calls: full system prompt, every event as its own message, full JSON Schemas, both intents as separate tools. Ratios are adapter ÷ canonical.',
    '',
    table(
      [
        'thread',
        'calls',
        'canonical o200k / cl100k',
        'OpenAI adapter o200k / cl100k',
        'Bedrock adapter o200k / cl100k',
        'OpenAI vs canonical',
        'Bedrock vs canonical',
      ],
      rows.map((row) => [
        row.name,
        row.calls,
        `${row.canonical.o200k} / ${row.canonical.cl100k}`,
        `${row.openAI.o200k} / ${row.openAI.cl100k}`,
        `${row.bedrock.o200k} / ${row.bedrock.cl100k}`,
        `${row.vsCanonical.openAI.o200k}× / ${row.vsCanonical.openAI.cl100k}× ${met(Math.max(row.vsCanonical.openAI.o200k, row.vsCanonical.openAI.cl100k))}`,
        `${row.vsCanonical.bedrock.o200k}× / ${row.vsCanonical.bedrock.cl100k}× ${met(Math.max(row.vsCanonical.bedrock.o200k, row.vsCanonical.bedrock.cl100k))}`,
      ]),
    ),
    '',
    `All threads together (o200k): OpenAI adapter ${headline.openAI}× — ${verdict(headline.openAI, TARGET, '×')}; Bedrock adapter ${headline.bedrock}× — ${verdict(headline.bedrock, TARGET, '×')}. Worst single thread ${worst}×.`,
    `Every call carries the agent's system prompt (${fixed.system} o200k tokens, the billing agent's own and the same in both requests) and the tool list (${perCall(rows[0]!, 'openAI')} tokens in the OpenAI body, ${perCall(rows[0]!, 'bedrock')} in the Bedrock body, per call). In a thread of a few calls these fixed parts are most of every request, so the ratio there stays above ${TARGET}× however compact the thread's rendering is; it falls as threads grow, because each event costs threadline a fraction of what a message costs the canonical request.`,
    '',
    "Where the rest goes (OpenAI adapter, o200k): the ratio as sent, then as it would be were the two intents free, then were the whole tool list free (the agent's own tools included), leaving only the system prompt and the rendered thread:",
    '',
    table(
      ['thread', 'as sent', 'intents free', 'tool list free'],
      rows.map((row) => [
        row.name,
        `${row.vsCanonical.openAI.o200k}×`,
        `${ratio(row.openAI.o200k - row.intents.openAI.o200k, row.canonical.o200k)}×`,
        `${ratio(row.openAI.o200k - row.toolList.openAI.o200k, row.canonical.o200k)}×`,
      ]),
    ),
    '',
    ...cachingNotes(rows),
    '',
    `LangGraph's message list for the same calls (JSON.stringify of the LangChain messages, without tool schemas): ${rows.map((row) => `${row.name} ${row.langGraphMessages.o200k}`).join(', ')} o200k tokens. LangChain wraps every message in \`lc\`/\`type\`/\`id\`/\`kwargs\` with empty \`additional_kwargs\`, \`response_metadata\` and \`invalid_tool_calls\`.`,
    '',
    `Context tokens (o200k, context only) as one thread grows, with the agent's budget (${budget} estimated tokens), without it, and with a 1,000-token budget:`,
    '',
    table(
      ['events', 'budget off', `agent budget (${budget})`, 'budget 1,000'],
      growth.map((row) => [row.events, row.budgetOff, row.agentBudget, row.budget1000]),
    ),
    '',
    'Pre-fetch (factor 13): the billing scenario run for real with the offline demo model (`bench/prefetch.ts`), as declared (the customer the message names is looked up before the first model step) and with the pre-fetch removed. Per thread:',
    '',
    table(
      ['variant', 'model calls', 'request tokens (o200k, summed)', 'recorded usage tokens', 'outcome'],
      [
        [
          'without pre-fetch',
          withoutPrefetch.modelCalls,
          withoutPrefetch.requestTokensO200k,
          withoutPrefetch.recordedTokens,
          withoutPrefetch.outcome,
        ],
        [
          'with pre-fetch',
          withPrefetch.modelCalls,
          withPrefetch.requestTokensO200k,
          withPrefetch.recordedTokens,
          withPrefetch.outcome,
        ],
      ],
    ),
    '',
    `Saved per thread: ${withoutPrefetch.modelCalls - withPrefetch.modelCalls} model call(s) and ${withoutPrefetch.requestTokensO200k - withPrefetch.requestTokensO200k} request tokens (${ratio(withPrefetch.requestTokensO200k, withoutPrefetch.requestTokensO200k)}× the tokens).`,
  ].join('\n');
  return {
    id: 'context',
    title: '2. Context efficiency (tokens as the adapters send them)',
    figures,
    markdown,
  };
};

const perCall = (row: ThreadTokens, adapter: 'openAI' | 'bedrock'): number =>
  Math.round(row.toolList[adapter].o200k / row.calls);

/** What a prompt cache could take off, reported apart from the tokens sent. */
const cachingNotes = (rows: readonly ThreadTokens[]): string[] => [
  `Cached tokens, reported apart (not subtracted above): the tool list opens every call and never changes, so from the second call on a provider could serve it from its prompt cache: ${rows.map((row) => `${row.name} ${row.stablePrefix.openAI.o200k} (OpenAI) / ${row.stablePrefix.bedrock.o200k} (Bedrock)`).join(', ')} o200k tokens. No provider caches a prefix this short today (OpenAI from 1,024 tokens; Claude on Bedrock from 1,024, Claude 3.5 Haiku from 2,048), and the billing prompt carries the time, so the system prompt differs on every call in production. Neither adapter sends a cache breakpoint for that reason.`,
];
