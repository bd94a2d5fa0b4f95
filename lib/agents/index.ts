import type { Agent } from '../core/agent.ts';
import { type BillingDeps, createBillingAgent } from './billing/index.ts';
import { createTriageAgent } from './triage/index.ts';

export type AgentDeps = BillingDeps;

/** Every agent this deployment runs, by name. */
export const createAgents = (deps: AgentDeps): ReadonlyMap<string, Agent> =>
  new Map([
    ['billing', createBillingAgent(deps)],
    ['triage', createTriageAgent()],
  ]);
