import type { Agent } from './agent.ts';
import { compactSpec } from './compact-schema.ts';
import { renderContext } from './context.ts';
import type { Event, NewEvent } from './events.ts';
import type { ModelRequest, ToolSpec } from './ports.ts';
import { DONE_FOR_NOW, REQUEST_HUMAN_INPUT } from './thread-state.ts';
import { ChildTaskArgs, DoneArgs, HumanInputArgs, toModelSchema } from './tools.ts';

/** The built-in intents, worded short: they are sent on every call of every thread. */
const INTENTS: readonly ToolSpec[] = [
  {
    name: REQUEST_HUMAN_INPUT,
    description: 'Ask a person one question; they see only the question.',
    inputSchema: toModelSchema(HumanInputArgs),
  },
  {
    name: DONE_FOR_NOW,
    description: 'End the turn with a message for the person who asked.',
    inputSchema: toModelSchema(DoneArgs),
  },
].map(compactSpec);

const specsByAgent = new WeakMap<Agent, ToolSpec[]>();

/**
 * The agent's tools and the built-in intents, as the model sees them: each schema compacted
 * (`compactSchema`), the tools first and in a fixed order, so the start of every request is the
 * same and a provider's prompt cache can reuse it. Built once per agent.
 */
export const toolSpecsOf = (agent: Agent): ToolSpec[] => {
  let specs = specsByAgent.get(agent);
  if (!specs) {
    const children = (agent.children ?? []).map((child) => ({
      name: child.tool,
      description: child.description,
      inputSchema: toModelSchema(ChildTaskArgs),
    }));
    specs = [...agent.tools.map((tool) => tool.spec), ...children].map(compactSpec).concat(INTENTS);
    specsByAgent.set(agent, specs);
  }
  return specs;
};

/** Exactly what the model is sent for the next step: nothing is added on the way (factor 2). */
export const buildModelRequest = (
  events: readonly (Event | NewEvent)[],
  agent: Agent,
  now: string,
): ModelRequest => {
  const tools = toolSpecsOf(agent);
  return {
    system: agent.prompt({ agent: agent.name, now, tools: tools.map((tool) => tool.name) }),
    context: renderContext(events, { budgetTokens: agent.limits.contextTokens }),
    tools,
  };
};
