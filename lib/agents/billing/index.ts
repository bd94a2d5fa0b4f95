import { type Agent, defineAgent } from '../../core/agent.ts';
import { billingPrompt } from './prompt.ts';
import { type BillingDeps, createBillingTools } from './tools.ts';

export type { BillingDeps } from './tools.ts';

/** The example agent: looks up customers, creates payment links once a person approves. */
export const createBillingAgent = (deps: BillingDeps): Agent =>
  defineAgent({
    name: 'billing',
    description: 'Creates payment links for customers, with a person approving each one.',
    prompt: billingPrompt,
    tools: createBillingTools(deps),
    limits: { maxSteps: 20, maxConsecutiveErrors: 3, budgetUsd: 0.5 },
    // Its approvers, fallback approvers and approval timeout are the deployment's (`approverEmails`,
    // `fallbackApproverEmails`, `approvalTimeoutSeconds`): who may move money is decided where the
    // agent is deployed. A payment link is asked for by email, where a reply can approve it.
    humans: { channels: ['email'] },
  });
