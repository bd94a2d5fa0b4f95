import type { AgentModule } from '../adapters/agent-module.ts';
import { billing } from './billing/index.ts';
import { triage } from './triage/index.ts';

/**
 * Every agent this deployment runs: one folder each under `lib/agents/`, listed here. The stack,
 * the handlers, the local stack and the CLI all read this list, and nothing else names an agent.
 */
export const AGENT_MODULES: readonly AgentModule[] = [billing, triage];
