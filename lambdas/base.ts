import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { createAgents, type TableBinding } from '../lib/adapters/agent-module.ts';
import { DeferredPayloadStore } from '../lib/adapters/deferred-payload-store.ts';
import { DynamoThreadStore } from '../lib/adapters/dynamo-thread-store.ts';
import { randomIds, systemClock } from '../lib/adapters/system-clock.ts';
import { AGENT_MODULES } from '../lib/agents/index.ts';
import type { Agent } from '../lib/core/agent.ts';
import type { Clock, Ids, ThreadStore } from '../lib/core/ports.ts';
import { resourceVariable } from '../lib/core/resources.ts';
import type { PeopleDefaults } from '../lib/service/agent-people.ts';
import type { ThreadDeps } from '../lib/service/deps.ts';
import { type Config, configuredChannels, MissingSettingError, readConfig, required } from './config.ts';
import { type Makers, once } from './lazy.ts';
import type { Telemetry } from './telemetry.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * What every function runs on: its environment, the threads table (DynamoDB, with large bodies in
 * S3, whose client is imported only when a body is that large: `#s3-piece`), the agents, the
 * clock and ids. Nothing is made until it is used, so a function lacking a
 * setting it never uses runs, and one lacking a setting it does use fails naming it. The other
 * pieces (the loop, people, the model, the queue) live in their own modules, which only the
 * handlers that call them import: each bundle carries the clients it uses and no more.
 */
export interface Base {
  telemetry: Telemetry;
  env: Env;
  config: () => Config;
  dynamo: () => DynamoDBClient;
  store: () => ThreadStore;
  agents: () => ReadonlyMap<string, Agent>;
  clock: Clock;
  ids: Ids;
  /** The deployment's approvers and allowed senders, the defaults for agents that name none. */
  people: () => PeopleDefaults;
}

export const createBase = (telemetry: Telemetry, env: Env = process.env): Base => {
  const config = once(() => readConfig(env));
  const dynamo = once(() => new DynamoDBClient({}));
  const store = once(() => {
    const bucket = required(config(), 'PAYLOAD_BUCKET_NAME');
    const payloads = new DeferredPayloadStore(async () => (await import('#s3-piece')).s3PayloadStore(bucket));
    return new DynamoThreadStore({ tableName: config().THREAD_TABLE_NAME, payloads, client: dynamo() });
  });
  const agents = once(() =>
    createAgents(AGENT_MODULES, (agent, name, resource) => {
      const variable = resourceVariable(agent, name, resource.kind);
      return tableFromEnvironment(env, variable, dynamo);
    }),
  );
  const people = once((): PeopleDefaults => {
    const settings = config();
    return {
      approvers: settings.APPROVER_EMAILS,
      fallbackApprovers: settings.FALLBACK_APPROVER_EMAILS,
      approvalTimeoutSeconds: settings.APPROVAL_TIMEOUT_SECONDS,
      channels: configuredChannels(settings),
      ...(settings.ALLOWED_SENDERS === undefined ? {} : { allowedSenders: settings.ALLOWED_SENDERS }),
    };
  });
  return {
    telemetry,
    env,
    config,
    dynamo,
    store,
    agents,
    clock: systemClock,
    ids: randomIds,
    people,
  };
};

/** What every use case reads threads with. */
export const threadPieces = (base: Base): Makers<ThreadDeps> => ({
  store: base.store,
  agents: base.agents,
  clock: () => base.clock,
  ids: () => base.ids,
  // Only the functions that list or call server tools add the MCP client (`mcpToolServers`).
  toolServers: () => undefined,
});

const TableNameSchema = z.string().trim().min(1).max(255);

/**
 * A table an agent declared, as the stack gave it to this function: its name in the variable
 * `resourceVariable` names. Only the functions of the tools that use it have the variable.
 */
const tableFromEnvironment = (env: Env, variable: string, dynamo: () => DynamoDBClient): TableBinding => ({
  get tableName() {
    const parsed = TableNameSchema.safeParse(env[variable]);
    if (!parsed.success) throw new MissingSettingError(variable);
    return parsed.data;
  },
  get client() {
    return dynamo();
  },
});
