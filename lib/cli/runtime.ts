import { join } from 'node:path';
import { DemoModel } from '../adapters/demo-model.ts';
import { DynamoThreadStore } from '../adapters/dynamo-thread-store.ts';
import { FilePayloadStore } from '../adapters/file-payload-store.ts';
import { FilePaymentLinks } from '../adapters/file-payment-links.ts';
import { InMemoryThreadStore } from '../adapters/memory-thread-store.ts';
import { createModel, parseModelSetting } from '../adapters/model-setting.ts';
import { randomIds, systemClock } from '../adapters/system-clock.ts';
import { createStaticDirectory } from '../agents/billing/ledger.ts';
import { createAgents } from '../agents/index.ts';
import type { Agent } from '../core/agent.ts';
import type { Clock, Ids, Model, ThreadStore } from '../core/ports.ts';
import { startEmbeddedDynamo } from '../local/embedded-dynamo.ts';
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
  const model = createModel(setting, { demo: () => new DemoModel(), apiKey: config.openaiApiKey });
  const agents = createAgents({
    customers: createStaticDirectory(),
    paymentLinks: new FilePaymentLinks(join(config.home, 'payment-links.json')),
  });
  const base = { model, clock: systemClock, ids: randomIds, agents };
  if (options.store === 'memory') return { ...base, store: new InMemoryThreadStore(), close: async () => {} };
  // Threads on an embedded DynamoDB persisted under the home folder: they survive restarts.
  const dynamo = await startEmbeddedDynamo({ path: join(config.home, 'dynamodb') });
  await dynamo.ensureThreadTable(LOCAL_THREAD_TABLE);
  const store = new DynamoThreadStore({
    tableName: LOCAL_THREAD_TABLE,
    client: dynamo.client,
    payloads: new FilePayloadStore(join(config.home, 'payloads')),
  });
  return { ...base, store, close: () => dynamo.stop() };
};

export const agentNamed = (runtime: Runtime, name: string): Agent => {
  const agent = runtime.agents.get(name);
  if (!agent)
    throw new UsageError(`unknown agent "${name}"; agents: ${[...runtime.agents.keys()].join(', ')}`);
  return agent;
};
