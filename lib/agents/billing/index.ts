import { defineAgentModule } from '../../adapters/agent-module.ts';
import { type Agent, defineAgent } from '../../core/agent.ts';
import { table } from '../../core/resources.ts';
import { billingDemo } from './demo.ts';
import { DynamoPaymentLinks, LEDGER_KEY } from './dynamo-payment-links.ts';
import { createStaticDirectory } from './ledger.ts';
import { billingPrompt } from './prompt.ts';
import { type BillingDeps, createBillingTools } from './tools.ts';

/**
 * Its pre-fetch, to switch on with `{ ...createBillingAgent(deps), prefetch: billingPrefetch }`:
 * the customer a message names is looked up before the model's first step. It is off by default,
 * so the example threads (and the scripted tests over them) keep their lookup as a model step.
 */
export { billingPrefetch } from './prefetch.ts';
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
    demo: billingDemo,
  });

/**
 * The billing agent as the framework deploys it: its ledger is a DynamoDB table of its own, which
 * only `create_payment_link` may read and write (tools.ts says so with `uses`).
 */
export const billing = defineAgentModule({
  name: 'billing',
  resources: { ledger: table({ partitionKey: LEDGER_KEY }) },
  create: ({ ledger }) =>
    createBillingAgent({ customers: createStaticDirectory(), paymentLinks: new DynamoPaymentLinks(ledger) }),
  local: {
    demoMessage: 'create a $750 sponsorship link for Terri',
    schedules: [
      {
        name: 'monthly-retainer',
        cron: 'cron(0 9 1 * ? *)',
        message: 'create a $1,200 retainer link for Priya',
      },
    ],
  },
});
