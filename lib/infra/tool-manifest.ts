import { type AgentDeps, createAgents } from '../agents/index.ts';
import type { Agent } from '../core/agent.ts';

/** One tool as the infrastructure sees it: its own function, and whether a person approves each call. */
export interface ToolSpec {
  name: string;
  agent: string;
  needsApproval: boolean;
}

/** What the stack builds per agent: the agents' names (schedules name one) and every tool. */
export interface AgentManifest {
  agents: string[];
  tools: ToolSpec[];
  /** The approval timeouts agents declare (`humans.approvalTimeoutSeconds`); absent when none does. */
  approvalTimeouts?: number[];
}

export class DuplicateToolError extends Error {
  override readonly name = 'DuplicateToolError';
  constructor(
    readonly toolName: string,
    readonly agents: [string, string],
  ) {
    super(
      `agents ${agents[0]} and ${agents[1]} both declare a tool named ${toolName}: each tool runs in its own ` +
        'Lambda function with its own permissions and state, so tool names must be unique across agents',
    );
  }
}

/** Every tool of every agent; throws when two agents share a tool name. */
export const listTools = (agents: ReadonlyMap<string, Agent>): ToolSpec[] => {
  const owners = new Map<string, string>();
  const tools: ToolSpec[] = [];
  for (const [agentName, agent] of agents) {
    for (const tool of agent.tools) {
      const owner = owners.get(tool.name);
      if (owner !== undefined) throw new DuplicateToolError(tool.name, [owner, agentName]);
      owners.set(tool.name, agentName);
      tools.push({ name: tool.name, agent: agentName, needsApproval: tool.needsApproval });
    }
  }
  return tools;
};

/**
 * Synth only reads names and flags, so the agents are built with dependencies that refuse to be
 * used: a tool that touched one while being defined would fail synth loudly, not deploy a stub.
 */
const depsNotAvailableAtSynth = (): AgentDeps =>
  new Proxy({} as AgentDeps, {
    get: (_target, property) => {
      throw new Error(`agent dependency ${String(property)} was used while synthesizing the stack`);
    },
  });

/** The agents of `lib/agents`, the single source of the tools the stack builds functions for. */
export const readAgentManifest = (): AgentManifest => {
  const agents = createAgents(depsNotAvailableAtSynth());
  const approvalTimeouts = [...agents.values()].flatMap(
    (agent) => agent.humans?.approvalTimeoutSeconds ?? [],
  );
  return {
    agents: [...agents.keys()],
    tools: listTools(agents),
    ...(approvalTimeouts.length === 0 ? {} : { approvalTimeouts }),
  };
};
