import type { DemoScript } from './demo-script.ts';
import { type AgentHumans, AgentHumansSchema } from './humans.ts';
import type { Prefetch } from './prefetch.ts';
import type { Price } from './pricing.ts';
import type { ToolServer } from './tool-servers.ts';
import { describeIssues, type Tool } from './tools.ts';

/** What an agent's prompt function is given. Everything else it needs, it owns (factor 2). */
export interface PromptInput {
  agent: string;
  now: string;
  tools: readonly string[];
}

export interface AgentLimits {
  /** Model steps per turn before the thread escalates (factor 10). */
  maxSteps: number;
  /** Tool errors in a row before the thread escalates (factor 9). */
  maxConsecutiveErrors: number;
  /** Estimated model spend per thread, US$, before the thread escalates. */
  budgetUsd: number;
  /** Estimated tokens the rendered thread may take; past it, old resolved detail is elided. */
  contextTokens: number;
}

export const DEFAULT_LIMITS: AgentLimits = {
  maxSteps: 20,
  maxConsecutiveErrors: 3,
  budgetUsd: 1,
  contextTokens: 8_000,
};

/**
 * A sub-task this agent may hand to another agent (factor 10). The model sees it as a tool
 * taking `{ task }`; the child runs as its own thread and its final message is the result.
 */
export interface ChildAgent {
  tool: string;
  agent: string;
  description: string;
}

export interface Agent {
  name: string;
  description: string;
  prompt: (input: PromptInput) => string;
  tools: readonly Tool[];
  children?: readonly ChildAgent[];
  /** MCP servers whose named tools join `tools`, listed afresh at each step (`mcpServer(…)`). */
  toolServers?: readonly ToolServer[];
  /**
   * Lookups to run before the model's first step of a turn (factor 13): given the message, the
   * read-only tool calls it calls for. Their results enter the thread as ordinary `tool-result`s.
   */
  prefetch?: Prefetch;
  limits: AgentLimits;
  /** Overrides of the shared price table, for models the team pays a different rate for. */
  prices?: Readonly<Record<string, Price>>;
  /** Its approvers, fallback approvers, approval timeout, channels and allowed mail senders. */
  humans?: AgentHumans;
  /** What the offline demo model does for this agent (`THREADLINE_MODEL=demo`); tests and demos only. */
  demo?: DemoScript;
}

export interface AgentDefinition extends Omit<Agent, 'limits'> {
  limits?: Partial<AgentLimits>;
}

/** Declares an agent: a prompt function, the tools it may call and the limits it runs under. */
export const defineAgent = (definition: AgentDefinition): Agent => {
  const names = new Set<string>();
  const toolNames = [
    ...definition.tools.map((tool) => tool.name),
    ...(definition.children ?? []).map((child) => child.tool),
    ...(definition.toolServers ?? []).flatMap((server) => Object.keys(server.tools)),
  ];
  for (const name of toolNames) {
    if (names.has(name)) throw new Error(`agent ${definition.name} declares tool ${name} twice`);
    names.add(name);
  }
  const humans = definition.humans === undefined ? undefined : AgentHumansSchema.safeParse(definition.humans);
  if (humans?.success === false) {
    throw new Error(`agent ${definition.name} declares invalid humans: ${describeIssues(humans.error)}`);
  }
  return {
    ...definition,
    limits: { ...DEFAULT_LIMITS, ...definition.limits },
    ...(humans === undefined ? {} : { humans: humans.data }),
  };
};
