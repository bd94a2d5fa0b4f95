import { type AgentModule, createAgents, type TableBinding } from '../adapters/agent-module.ts';
import { AGENT_MODULES } from '../agents/index.ts';
import type { Agent } from '../core/agent.ts';
import type { AgentResource, ResourceAccess } from '../core/resources.ts';
import { serverToolNames } from '../core/server-tools.ts';
import { hostOf } from '../core/tool-servers.ts';

/** One tool as the infrastructure sees it: its own function, whether a person approves each call, what it uses. */
export interface ToolSpec {
  name: string;
  agent: string;
  needsApproval: boolean;
  /** Only reads: the rule of two never gates it. A tool that is not read-only may be gated at run time. */
  readOnly?: boolean;
  /** Its agent's resources it uses, by name. */
  uses?: Readonly<Record<string, ResourceAccess>>;
  /** For a tool an MCP server serves: the server, and the host its function reaches (none for stdio). */
  server?: { name: string; host?: string };
}

/** A resource an agent declares: the stack creates one of each. */
export interface ResourceSpec {
  agent: string;
  name: string;
  resource: AgentResource;
}

/** What the stack builds per agent: the agents' names (schedules name one), every tool, every resource. */
export interface AgentManifest {
  agents: string[];
  tools: ToolSpec[];
  resources?: ResourceSpec[];
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
      tools.push({
        name: tool.name,
        agent: agentName,
        needsApproval: tool.needsApproval,
        ...(tool.readOnly ? { readOnly: true } : {}),
        ...(Object.keys(tool.uses).length === 0 ? {} : { uses: tool.uses }),
      });
    }
    // A server's tools are routed by the names the agent takes: the server is not asked at synth.
    for (const { name, server } of serverToolNames(agent)) {
      const owner = owners.get(name);
      if (owner !== undefined) throw new DuplicateToolError(name, [owner, agentName]);
      owners.set(name, agentName);
      const host = hostOf(server);
      tools.push({
        name,
        agent: agentName,
        needsApproval: server.tools[name]?.needsApproval ?? true,
        server: { name: server.name, ...(host === undefined ? {} : { host }) },
      });
    }
  }
  return tools;
};

/**
 * Synth only reads names, flags and declarations, so the agents are built with bindings that
 * refuse to be used: a tool that touched its table while being defined would fail synth loudly.
 */
const bindingNotAvailableAtSynth = (agent: string, name: string): TableBinding => {
  const refuse = (): never => {
    throw new Error(`agent ${agent} used its resource ${name} while the stack was being synthesized`);
  };
  return {
    get tableName() {
      return refuse();
    },
    get client() {
      return refuse();
    },
  };
};

/** The agents of `lib/agents` (or the modules given), the single source of what the stack builds. */
export const readAgentManifest = (modules: readonly AgentModule[] = AGENT_MODULES): AgentManifest => {
  const agents = createAgents(modules, bindingNotAvailableAtSynth);
  const approvalTimeouts = [...agents.values()].flatMap(
    (agent) => agent.humans?.approvalTimeoutSeconds ?? [],
  );
  const resources = modules.flatMap((module) =>
    Object.entries(module.resources).map(([name, resource]) => ({ agent: module.name, name, resource })),
  );
  return {
    agents: [...agents.keys()],
    tools: listTools(agents),
    ...(resources.length === 0 ? {} : { resources }),
    ...(approvalTimeouts.length === 0 ? {} : { approvalTimeouts }),
  };
};
