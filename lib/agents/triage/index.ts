import { defineAgentModule } from '../../adapters/agent-module.ts';
import { type Agent, defineAgent } from '../../core/agent.ts';
import { triagePrompt } from './prompt.ts';

/**
 * A small, focused agent (factor 10) with no tools of its own: it hands billing work to the
 * billing agent as a child thread and reports what came back.
 */
export const createTriageAgent = (): Agent =>
  defineAgent({
    name: 'triage',
    description: 'Reads incoming requests and hands each to the agent that does that work.',
    prompt: triagePrompt,
    tools: [],
    children: [
      {
        tool: 'delegate_to_billing',
        agent: 'billing',
        description:
          'Hand a billing task (payment links, customers) to the billing agent and get its answer.',
      },
    ],
    limits: { maxSteps: 10, maxConsecutiveErrors: 3, budgetUsd: 0.25 },
  });

/** Triage keeps no state of its own: it declares no resources. */
export const triage = defineAgentModule({ name: 'triage', resources: {}, create: createTriageAgent });
