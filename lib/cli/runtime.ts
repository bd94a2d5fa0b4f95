import { join } from 'node:path';
import { type AgentModule, createAgents } from '../adapters/agent-module.ts';
import { DemoModel } from '../adapters/demo-model.ts';
import { DynamoThreadStore } from '../adapters/dynamo-thread-store.ts';
import { FilePayloadStore } from '../adapters/file-payload-store.ts';
import { InMemoryThreadStore } from '../adapters/memory-thread-store.ts';
import { createModel, parseModelSetting } from '../adapters/model-setting.ts';
import { randomIds, systemClock } from '../adapters/system-clock.ts';
import { agentTableDefinition } from '../adapters/thread-table-definition.ts';
import { AGENT_MODULES } from '../agents/index.ts';
import type { Agent } from '../core/agent.ts';
import type { Clock, Ids, Model, ThreadStore } from '../core/ports.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../local/embedded-dynamo.ts';
import type { CliConfig } from './config.ts';
import { UsageError } from './io.ts';

/** The threads table's name in the embedded DynamoDB. */
export const LOCAL_THREAD_TABLE = 'threads';

export interface Runtime {
  store: ThreadStore;
  model: Model;
  clock: Clock;
  ids: Ids;
  agents: ReadonlyMap<string, Agent>;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** A `THREADLINE_MODEL` value given on the command line, which wins over the environment. */
  model?: string;
  store: 'memory' | 'dynamo';
}

/** Everything a command runs on, built from the config: the one place the CLI picks adapters. */
export const createRuntime = async (config: CliConfig, options: RuntimeOptions): Promise<Runtime> => {
  let setting: ReturnType<typeof parseModelSetting>;
  try {
    setting = parseModelSetting(options.model ?? config.model);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const memory = options.store === 'memory';
  // The agents' own tables, and with --store dynamo the threads, on an embedded DynamoDB:
  // persisted under the home folder, so they survive restarts, or in memory for a throwaway run.
  const dynamo = await startEmbeddedDynamo(memory ? {} : { path: join(config.home, 'dynamodb') });
  try {
    const agents = await localAgents(AGENT_MODULES, dynamo);
    const model = createModel(setting, { demo: () => new DemoModel(agents), apiKey: config.openaiApiKey });
    const base = { model, clock: systemClock, ids: randomIds, agents };
    const close = () => dynamo.stop();
    if (memory) return { ...base, store: new InMemoryThreadStore(), close };
    await dynamo.ensureThreadTable(LOCAL_THREAD_TABLE);
    const store = new DynamoThreadStore({
      tableName: LOCAL_THREAD_TABLE,
      client: dynamo.client,
      payloads: new FilePayloadStore(join(config.home, 'payloads')),
    });
    return { ...base, store, close };
  } catch (error) {
    await dynamo.stop();
    throw error;
  }
};

/** The name of an agent's table in the embedded DynamoDB: `<agent>-<resource>`. */
export const localTableName = (agent: string, resource: string): string => `${agent}-${resource}`;

/** The agents, each declared table created in the embedded DynamoDB and bound to it. */
const localAgents = async (
  modules: readonly AgentModule[],
  dynamo: EmbeddedDynamo,
): Promise<ReadonlyMap<string, Agent>> => {
  for (const module of modules) {
    for (const [name, resource] of Object.entries(module.resources)) {
      await dynamo.ensureTable(agentTableDefinition(localTableName(module.name, name), resource));
    }
  }
  return createAgents(modules, (agent, name) => ({
    tableName: localTableName(agent, name),
    client: dynamo.client,
  }));
};

export const agentNamed = (runtime: Runtime, name: string): Agent => {
  const agent = runtime.agents.get(name);
  if (!agent)
    throw new UsageError(`unknown agent "${name}"; agents: ${[...runtime.agents.keys()].join(', ')}`);
  return agent;
};
