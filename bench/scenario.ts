import { billingPrefetch, createBillingAgent } from '../lib/agents/billing/index.ts';
import { createStaticDirectory, DEMO_CUSTOMERS } from '../lib/agents/billing/ledger.ts';
import { InMemoryPaymentLinks } from '../lib/agents/billing/memory-payment-links.ts';
import type { Agent } from '../lib/core/agent.ts';

/**
 * The overhead scenario every framework runs: 10 agent steps with one approval. Eight read-only
 * lookups, one payment link a person approves, then the end of the turn. The model answers
 * instantly, so what is measured is the orchestration around it.
 */
export const SCENARIO_STEPS = 10;
export const SCENARIO_MESSAGE = 'create a $750 sponsorship link for Terri';

const names = ['Terri', 'Sam', 'Priya', 'Lee', 'Ortiz', 'Jackson', 'Raman', 'Terri Jackson'];

export type ScenarioCall =
  | { tool: 'lookup_customer'; args: { name: string } }
  | { tool: 'create_payment_link'; args: { customerId: string; amountUsd: number; description: string } }
  | { tool: 'done_for_now'; args: { message: string } };

export const scenarioCalls = (): ScenarioCall[] => [
  ...names.map((name): ScenarioCall => ({ tool: 'lookup_customer', args: { name } })),
  {
    tool: 'create_payment_link',
    args: { customerId: 'cus_terri', amountUsd: 750, description: 'sponsorship for Terri Jackson' },
  },
  { tool: 'done_for_now', args: { message: 'Created the payment link for Terri Jackson.' } },
];

/** The billing agent with in-memory side effects, with its pre-fetch switched on. */
export const declaredBillingAgent = (): Agent => ({
  ...createBillingAgent({
    customers: createStaticDirectory(DEMO_CUSTOMERS),
    paymentLinks: new InMemoryPaymentLinks(() => '2026-01-01T00:00:00.000Z'),
  }),
  prefetch: billingPrefetch,
});

/**
 * The billing agent as every peer runs it: the scenario scripts each lookup as a model step, so
 * its pre-fetch is left out (bench/prefetch.ts measures the pre-fetch on its own).
 */
export const scenarioAgent = (): Agent => {
  const { prefetch: _prefetch, ...agent } = declaredBillingAgent();
  return agent;
};

/** The same two tools, as plain functions, for the peers' own tool wrappers. */
export const scenarioTools = () => {
  const directory = createStaticDirectory(DEMO_CUSTOMERS);
  const links = new InMemoryPaymentLinks(() => '2026-01-01T00:00:00.000Z');
  return {
    lookupCustomer: async ({ name }: { name: string }) => {
      const found = await directory.find(name);
      return found.length > 0 ? found : `no customer matches "${name}"`;
    },
    createPaymentLink: async (
      args: { customerId: string; amountUsd: number; description: string },
      callId: string,
    ) => {
      const link = await links.create({
        customerId: args.customerId,
        amountCents: Math.round(args.amountUsd * 100),
        currency: 'usd',
        description: args.description,
        idempotencyKey: callId,
      });
      return { url: link.url, amountUsd: link.amountCents / 100 };
    },
  };
};
