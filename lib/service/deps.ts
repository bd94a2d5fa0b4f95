import type { Orchestrator } from '../adapters/orchestrator.ts';
import type { WaitStore } from '../adapters/wait-store.ts';
import type { Agent } from '../core/agent.ts';
import type { Clock, Ids, ThreadStore } from '../core/ports.ts';

/** What the use cases shared by the Lambda handlers, the API and the local stack run on. */
export interface ServiceDeps {
  store: ThreadStore;
  waits: WaitStore;
  orchestrator: Orchestrator;
  agents: ReadonlyMap<string, Agent>;
  clock: Clock;
  ids: Ids;
}
