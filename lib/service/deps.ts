import type { Notifier } from '../adapters/notifier.ts';
import type { Orchestrator } from '../adapters/orchestrator.ts';
import type { WaitStore } from '../adapters/wait-store.ts';
import type { Agent } from '../core/agent.ts';
import type { HumanChannel } from '../core/humans.ts';
import type { Clock, Ids, ThreadStore } from '../core/ports.ts';
import { withServerTools } from '../core/server-tools.ts';
import type { ToolServers } from '../core/tool-servers.ts';
import { UnknownAgentError } from './errors.ts';

/** What the use cases shared by the Lambda handlers, the API and the local stack run on. */
export interface ServiceDeps {
  store: ThreadStore;
  waits: WaitStore;
  orchestrator: Orchestrator;
  agents: ReadonlyMap<string, Agent>;
  clock: Clock;
  ids: Ids;
  /** Reaches the MCP servers agents take tools from; needed only where an agent names one. */
  toolServers?: ToolServers;
}

/** What a use case that only reads and appends to threads runs on: the step and tool functions. */
export type ThreadDeps = Pick<ServiceDeps, 'store' | 'agents' | 'clock' | 'ids' | 'toolServers'>;

/** Use cases that tell people something: who to tell when nobody in particular is named. */
export interface NotifyingDeps extends ServiceDeps {
  notifier: Notifier;
  /**
   * The team's approvers: they decide approvals and hear about escalations and failures. These
   * and the settings below are the defaults; an agent's own `humans` block overrides them.
   */
  approvers: readonly string[];
  /** Asked once when nobody decides an approval in time. */
  fallbackApprovers?: readonly string[];
  /** The channels the deployment has configured: where agents that name none are heard. */
  channels?: readonly HumanChannel[];
  /** Who may write to any agent by mail (addresses and `@domain`s); anyone when unset. */
  allowedSenders?: readonly string[];
}

/** The agent a thread runs, or `UnknownAgentError`. */
export const agentOf = (deps: Pick<ServiceDeps, 'agents'>, thread: { id: string; agent: string }): Agent => {
  const agent = deps.agents.get(thread.agent);
  if (!agent) throw new UnknownAgentError(thread.id, thread.agent);
  return agent;
};

/**
 * The agent a thread runs with its MCP servers' tools as they are listed now: what a step, a tool
 * call or an edited approval is checked against. A server that cannot be reached throws.
 */
export const resolveAgent = async (
  deps: Pick<ServiceDeps, 'agents' | 'toolServers'>,
  thread: { id: string; agent: string },
): Promise<Agent> => withServerTools(agentOf(deps, thread), deps.toolServers);
