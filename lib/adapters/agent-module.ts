import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Agent } from '../core/agent.ts';
import {
  type AgentResource,
  AgentResourceSchema,
  RESOURCE_NAME,
  type TableResource,
} from '../core/resources.ts';
import { describeIssues } from '../core/tools.ts';

/**
 * What a tool's code is given for a table it uses: the table's name and a client that reaches it.
 * Both are read on first use, so an agent is built in every function, and only the functions of
 * the tools that use the table ever ask for it.
 */
export interface TableBinding {
  readonly tableName: string;
  readonly client: DynamoDBClient;
}

export type BindingOf<Resource extends AgentResource> = Resource extends TableResource ? TableBinding : never;

export type Bindings<Resources extends Record<string, AgentResource>> = {
  readonly [Name in keyof Resources]: BindingOf<Resources[Name]>;
};

/**
 * One agent as the framework loads it from `lib/agents/<name>/`: its name, the resources its
 * tools keep state in, and how its agent is built from those resources once they are bound.
 */
export interface AgentModule<
  Resources extends Record<string, AgentResource> = Record<string, AgentResource>,
> {
  name: string;
  resources: Resources;
  create(bindings: Bindings<Resources>): Agent;
  /** What a laptop shows of this agent: `threadline demo`, `npm start`'s example and schedules. */
  local?: LocalShowing;
}

export interface LocalShowing {
  /** The message `threadline demo` sends and `threadline dev` suggests. */
  demoMessage?: string;
  /** Schedules the local stack's deployment runs for this agent (EventBridge Scheduler's `cron(…)`). */
  schedules?: readonly { name: string; cron: string; message: string }[];
}

/** The agent `threadline demo` runs, and its message: the first agent that has one. */
export const demoOf = (modules: readonly AgentModule[]): { agent: string; message: string } | undefined => {
  for (const module of modules) {
    const message = module.local?.demoMessage;
    if (message !== undefined) return { agent: module.name, message };
  }
  return undefined;
};

/** Declares an agent module; its resource names and declarations are checked here. */
export const defineAgentModule = <Resources extends Record<string, AgentResource>>(
  module: AgentModule<Resources>,
): AgentModule<Resources> => {
  for (const [name, resource] of Object.entries(module.resources)) {
    if (!RESOURCE_NAME.test(name)) {
      throw new Error(`agent ${module.name}: resource name "${name}" must match ${RESOURCE_NAME.source}`);
    }
    const parsed = AgentResourceSchema.safeParse(resource);
    if (!parsed.success) {
      throw new Error(`agent ${module.name}: resource ${name} is invalid: ${describeIssues(parsed.error)}`);
    }
  }
  return module;
};

/** Gives the binding of one resource of one agent: from the environment, an embedded table, … */
export type Bind = (agent: string, name: string, resource: AgentResource) => TableBinding;

export class UndeclaredResourceError extends Error {
  override readonly name = 'UndeclaredResourceError';
  constructor(
    readonly agent: string,
    readonly toolName: string,
    readonly resource: string,
  ) {
    super(`agent ${agent}: tool ${toolName} uses resource ${resource}, which the agent does not declare`);
  }
}

/**
 * Builds every agent with its resources bound, by name. Fails when a tool uses a resource its
 * agent does not declare, or two modules share a name.
 */
export const createAgents = (modules: readonly AgentModule[], bind: Bind): ReadonlyMap<string, Agent> => {
  const agents = new Map<string, Agent>();
  for (const module of modules) {
    if (agents.has(module.name)) throw new Error(`two agents are named ${module.name}`);
    const bindings = Object.fromEntries(
      Object.entries(module.resources).map(([name, resource]) => [name, bind(module.name, name, resource)]),
    );
    const agent = module.create(bindings);
    if (agent.name !== module.name) {
      throw new Error(`agent module ${module.name} built an agent named ${agent.name}`);
    }
    for (const tool of agent.tools) {
      for (const resource of Object.keys(tool.uses)) {
        if (!(resource in module.resources))
          throw new UndeclaredResourceError(agent.name, tool.name, resource);
      }
    }
    agents.set(module.name, agent);
  }
  return agents;
};
