import { getEncoding } from 'js-tiktoken';
import * as z from 'zod';
import type { Agent } from '../lib/core/agent.ts';
import type { Event } from '../lib/core/events.ts';
import { buildModelRequest } from '../lib/core/request.ts';
import { isIntent } from '../lib/core/thread-state.ts';
import { chatCompletionsRequest, langGraphMessages, NOW } from './renderings.ts';
import { bedrockBodies, openAIBodies } from './sent-bodies.ts';
import type { RecordedThread } from './threads.ts';

const encodings = { o200k: getEncoding('o200k_base'), cl100k: getEncoding('cl100k_base') };

export interface Tokens {
  o200k: number;
  cl100k: number;
}

export const countTokens = (text: string): Tokens => ({
  o200k: encodings.o200k.encode(text).length,
  cl100k: encodings.cl100k.encode(text).length,
});

const sum = (counts: readonly Tokens[]): Tokens =>
  counts.reduce(
    (total, count) => ({ o200k: total.o200k + count.o200k, cl100k: total.cl100k + count.cl100k }),
    {
      o200k: 0,
      cl100k: 0,
    },
  );

/** Each model call of a thread is made with the events before its `model-step`. */
export const callInputsOf = (events: readonly Event[]): Event[][] =>
  events.flatMap((event, index) => (event.type === 'model-step' ? [events.slice(0, index)] : []));

export interface ThreadTokens {
  name: string;
  events: number;
  calls: number;
  /** Summed over every call of the thread. */
  canonical: Tokens;
  openAI: Tokens;
  bedrock: Tokens;
  langGraphMessages: Tokens;
  /** The tool list inside the bodies as sent (`tools`, `toolConfig`), summed over the calls. */
  toolList: { openAI: Tokens; bedrock: Tokens };
  /** The two built-in intents' entries inside that tool list, summed over the calls. */
  intents: { openAI: Tokens; bedrock: Tokens };
  /**
   * The tool list opens every call and is the same on every call: what a provider's prompt cache
   * could serve on the calls after the first, had the prefix reached its minimum.
   */
  stablePrefix: { openAI: Tokens; bedrock: Tokens };
}

const OpenAIBodySchema = z.object({
  tools: z.array(z.object({ function: z.object({ name: z.string() }).loose() }).loose()),
});
const BedrockBodySchema = z.object({
  toolConfig: z
    .object({ tools: z.array(z.object({ toolSpec: z.object({ name: z.string() }).loose() }).loose()) })
    .loose(),
});

/** The tool list of a sent body, and its intents' entries, each as the JSON text they were sent as. */
const toolParts = (body: string, adapter: 'openAI' | 'bedrock'): { list: string; intents: string } => {
  const json: unknown = JSON.parse(body);
  if (adapter === 'openAI') {
    const { tools } = OpenAIBodySchema.parse(json);
    const intents = tools.filter((tool) => isIntent(tool.function.name));
    return { list: JSON.stringify(tools), intents: JSON.stringify(intents) };
  }
  const { toolConfig } = BedrockBodySchema.parse(json);
  const intents = toolConfig.tools.filter((tool) => isIntent(tool.toolSpec.name));
  return { list: JSON.stringify(toolConfig), intents: JSON.stringify(intents) };
};

/**
 * Every call of a thread, sent through both model adapters to real servers on 127.0.0.1, counted
 * on the bodies as sent; beside them the canonical chat-completions request for the same calls.
 */
export const measureThread = async (recorded: RecordedThread, agent: Agent): Promise<ThreadTokens> => {
  const inputs = callInputsOf(recorded.thread.events);
  const requests = inputs.map((events) => buildModelRequest(events, agent, NOW));
  const [openAI, bedrock] = [await openAIBodies(requests), await bedrockBodies(requests)];
  const parts = (bodies: string[], adapter: 'openAI' | 'bedrock') => {
    const lists = bodies.map((body) => toolParts(body, adapter));
    return {
      list: sum(lists.map((part) => countTokens(part.list))),
      intents: sum(lists.map((part) => countTokens(part.intents))),
      later: sum(lists.slice(1).map((part) => countTokens(part.list))),
    };
  };
  const sentParts = { openAI: parts(openAI, 'openAI'), bedrock: parts(bedrock, 'bedrock') };
  return {
    name: recorded.name,
    events: recorded.thread.events.length,
    calls: inputs.length,
    canonical: sum(inputs.map((events) => countTokens(chatCompletionsRequest(events, agent)))),
    openAI: sum(openAI.map(countTokens)),
    bedrock: sum(bedrock.map(countTokens)),
    langGraphMessages: sum(inputs.map((events) => countTokens(langGraphMessages(events, agent)))),
    toolList: { openAI: sentParts.openAI.list, bedrock: sentParts.bedrock.list },
    intents: { openAI: sentParts.openAI.intents, bedrock: sentParts.bedrock.intents },
    stablePrefix: { openAI: sentParts.openAI.later, bedrock: sentParts.bedrock.later },
  };
};
