import { getEncoding } from 'js-tiktoken';
import { estimateTokens } from '../lib/core/context.ts';
import { buildModelRequest } from '../lib/core/request.ts';
import { measurePrefetch } from './prefetch.ts';
import { chatCompletionsRequest, langGraphMessages, threadlineRequest } from './renderings.ts';
import { scenarioAgent } from './scenario.ts';
import { type BenchOptions, type Section, table, verdict } from './section.ts';
import { ratio } from './stats.ts';
import { recordedThreads, recordThread } from './threads.ts';

/** Benchmark 2: tokens a step sends, three renderings of the same recorded threads. */
export const runContext = async (_options: BenchOptions): Promise<Section> => {
  const encodings = { o200k_base: getEncoding('o200k_base'), cl100k_base: getEncoding('cl100k_base') };
  const count = (text: string) => ({
    o200k: encodings.o200k_base.encode(text).length,
    cl100k: encodings.cl100k_base.encode(text).length,
  });
  const agent = scenarioAgent();
  const threads = await recordedThreads();
  const rows = threads.map((thread) => {
    const ours = count(threadlineRequest(thread.events, agent));
    const chat = count(chatCompletionsRequest(thread.events, agent));
    const langGraph = count(langGraphMessages(thread.events, agent));
    return {
      events: thread.events.length,
      threadline: ours,
      chatCompletions: chat,
      langGraphMessages: langGraph,
      vsChatCompletions: { o200k: ratio(ours.o200k, chat.o200k), cl100k: ratio(ours.cl100k, chat.cl100k) },
      langGraphVsChatCompletions: ratio(langGraph.o200k, chat.o200k),
    };
  });
  const worst = Math.max(
    ...rows.map((row) => Math.max(row.vsChatCompletions.o200k, row.vsChatCompletions.cl100k)),
  );
  const totals = rows.reduce(
    (sum, row) => ({ ours: sum.ours + row.threadline.o200k, chat: sum.chat + row.chatCompletions.o200k }),
    { ours: 0, chat: 0 },
  );

  // Context tokens as a thread grows, with the agent's budget (estimated tokens) on and off.
  const budget = agent.limits.contextTokens;
  const long = await recordThread(300);
  const lengths = [5, 15, 25, 41, 59, 101, 201, 301, 451, 601].filter(
    (length) => length <= long.events.length,
  );
  const growth = lengths.map((length) => {
    const events = long.events.slice(0, length);
    const on = buildModelRequest(events, agent, '2026-01-01T00:00:00.000Z').context;
    const off = buildModelRequest(
      events,
      { ...agent, limits: { ...agent.limits, contextTokens: Number.POSITIVE_INFINITY } },
      '2026-01-01T00:00:00.000Z',
    ).context;
    const tight = buildModelRequest(
      events,
      { ...agent, limits: { ...agent.limits, contextTokens: 1_000 } },
      '2026-01-01T00:00:00.000Z',
    ).context;
    return {
      events: length,
      budgetOff: count(off).o200k,
      agentBudget: count(on).o200k,
      budget1000: count(tight).o200k,
      estimateOfAgentBudgetRendering: estimateTokens(on),
    };
  });
  const prefetch = await measurePrefetch();
  const headline = ratio(totals.ours, totals.chat);
  const fixed = count(threadlineRequest([], agent)).o200k;
  const first = rows[0]!;
  const last = rows.at(-1)!;
  const span = last.events - first.events;
  const perEvent = {
    ours: Math.round(((last.threadline.o200k - first.threadline.o200k) / span) * 10) / 10,
    chat: Math.round(((last.chatCompletions.o200k - first.chatCompletions.o200k) / span) * 10) / 10,
  };
  const figures = {
    renderings: {
      threadline:
        'system + rendered context + JSON.stringify(tool specs), as buildModelRequest makes it (agent budget on)',
      chatCompletions:
        'JSON body {model, messages, tools}: tool calls as assistant tool_calls, results as JSON tool messages, approvals out of band',
      langGraphMessages:
        'JSON.stringify of the LangChain message list (system, human, AI with tool_calls, tool), without tool schemas',
    },
    rows,
    headlineRatioO200k: headline,
    worstRatio: worst,
    fixedTokensO200k: fixed,
    marginalTokensPerEventO200k: perEvent,
    target: 'threadline ≤ 0.6× the chat-completions request, every thread, both encodings',
    contextGrowth: { agentBudgetEstimatedTokens: budget, rows: growth },
    prefetch,
  };
  const { withPrefetch, withoutPrefetch } = prefetch;
  const markdown = [
    'Five billing threads recorded with the real tools and a ScriptedModel (`bench/threads.ts`). Token counts by js-tiktoken; "vs chat" is threadline ÷ chat-completions.',
    '',
    table(
      [
        'events',
        'threadline o200k / cl100k',
        'chat-completions o200k / cl100k',
        'LangGraph messages o200k / cl100k',
        'threadline vs chat (o200k / cl100k)',
      ],
      rows.map((row) => [
        row.events,
        `${row.threadline.o200k} / ${row.threadline.cl100k}`,
        `${row.chatCompletions.o200k} / ${row.chatCompletions.cl100k}`,
        `${row.langGraphMessages.o200k} / ${row.langGraphMessages.cl100k}`,
        `${row.vsChatCompletions.o200k}× / ${row.vsChatCompletions.cl100k}×`,
      ]),
    ),
    '',
    `All five together (o200k): ${headline}× — ${verdict(headline, 0.6, '×')}. Per thread: ${rows.map((row) => `${row.events} events ${row.vsChatCompletions.o200k <= 0.6 ? 'met' : '**missed**'}`).join(', ')}; worst ${worst}×.`,
    `Where we miss: short threads. The system prompt and the tool schemas (${fixed} o200k tokens, identical in both requests) dominate a 5-event request, so the ratio there cannot fall far below 1 whatever the rendering; per event, threadline's rendering costs ${perEvent.ours} tokens against chat-completions' ${perEvent.chat} (${ratio(perEvent.ours, perEvent.chat)}×).`,
    "The LangGraph column is the message list alone (no tool schemas), yet from 15 events on it is larger than the whole chat-completions request: LangChain's serialization wraps every message in `lc`/`type`/`id`/`kwargs` with empty `additional_kwargs`, `response_metadata` and `invalid_tool_calls`.",
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
  return { id: 'context', title: '2. Context efficiency (tokens per request)', figures, markdown };
};
