import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoThreadStore } from '../lib/adapters/dynamo-thread-store.ts';
import { InMemoryThreadStore } from '../lib/adapters/memory-thread-store.ts';
import { InMemoryPayloadStore } from '../lib/adapters/payload-store.ts';
import { call, ScriptedModel } from '../lib/adapters/scripted-model.ts';
import { driveThread, type Humans } from '../lib/core/drive.ts';
import type { ThreadStore } from '../lib/core/ports.ts';
import { startDynalite } from '../test/support/dynalite.ts';
import { CountingIds, fixedClock } from './ports.ts';
import { SCENARIO_MESSAGE, scenarioAgent, scenarioCalls } from './scenario.ts';

const approveAll: Humans = {
  decide: async () => ({ decision: 'approve' }),
  answer: async () => 'n/a',
};

/** One run of the scenario through `driveThread`: the loop the CLI runs and the state machine mirrors. */
export const threadlineScenario = (store: ThreadStore): (() => Promise<void>) => {
  const agent = scenarioAgent();
  const ids = new CountingIds();
  const turns = scenarioCalls().map(({ tool, args }) => call(tool, args));
  return async () => {
    const threadId = ids.next('th');
    await store.create({ threadId, agent: 'billing', at: fixedClock.now() });
    await store.append(threadId, [
      {
        id: ids.next('ev'),
        at: fixedClock.now(),
        type: 'user-message',
        data: { text: SCENARIO_MESSAGE, channel: 'cli', untrusted: false },
      },
    ]);
    const state = await driveThread(threadId, agent, {
      store,
      model: new ScriptedModel(turns),
      clock: fixedClock,
      ids,
      humans: approveAll,
    });
    if (state.status !== 'done') throw new Error(`threadline scenario ended ${state.status}`);
  };
};

export const inMemoryScenario = () => threadlineScenario(new InMemoryThreadStore());

/** The same on DynamoDB's API (dynalite on 127.0.0.1): every append and load is an HTTP request. */
export const withDynaliteStore = async <T>(
  use: (store: DynamoThreadStore, makeStore: () => DynamoThreadStore, client: DynamoDBClient) => Promise<T>,
): Promise<T> => {
  const dynamo = await startDynalite();
  try {
    const tableName = await dynamo.createThreadTable();
    const payloads = new InMemoryPayloadStore();
    /** Another store on the same table: a different Lambda, with its own cache. */
    const makeStore = () => new DynamoThreadStore({ tableName, client: dynamo.client, payloads });
    return await use(makeStore(), makeStore, dynamo.client);
  } finally {
    await dynamo.stop();
  }
};
