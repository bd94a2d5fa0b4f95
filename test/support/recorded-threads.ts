import { InMemoryThreadStore } from '../../lib/adapters/memory-thread-store.ts';
import { ScriptedModel, type ScriptedTurn } from '../../lib/adapters/scripted-model.ts';
import { createBillingAgent } from '../../lib/agents/billing/index.ts';
import { createStaticDirectory } from '../../lib/agents/billing/ledger.ts';
import { InMemoryPaymentLinks } from '../../lib/agents/billing/memory-payment-links.ts';
import type { Agent } from '../../lib/core/agent.ts';
import type { DecisionInput } from '../../lib/core/decide.ts';
import { driveThread, type Humans } from '../../lib/core/drive.ts';
import type { Thread } from '../../lib/core/events.ts';
import { FixedClock } from '../fakes/fixed-clock.ts';
import { SequentialIds } from '../fakes/sequential-ids.ts';

/** The example billing agent on in-memory customers and links: nothing it does leaves the test. */
export const billingAgent = (): Agent =>
  createBillingAgent({ customers: createStaticDirectory(), paymentLinks: new InMemoryPaymentLinks() });

export const TERRI_LINK = { customerId: 'cus_terri', amountUsd: 750, description: 'sponsorship for Terri' };

/** The turns of a billing thread that looks Terri up, asks for a link, and ends once it is made. */
export const PAYMENT_LINK_TURNS: ScriptedTurn[] = [
  { tool: 'lookup_customer', args: { name: 'Terri' } },
  { tool: 'create_payment_link', args: TERRI_LINK },
  { tool: 'done_for_now', args: { message: 'Created the link for Terri.' } },
];

/**
 * Records a thread the way the runtime does: `driveThread` with a scripted model and people who
 * decide from a list, on the in-memory store. What it returns is a recording, as `threadline
 * export` would read it from a store.
 */
export const recordThread = async (
  agent: Agent,
  turns: ScriptedTurn[],
  options: { message?: string; decisions?: DecisionInput[] } = {},
): Promise<Thread> => {
  const decisions = [...(options.decisions ?? [{ decision: 'approve' }])];
  const humans: Humans = {
    decide: async () => {
      const decision = decisions.shift();
      if (!decision) throw new Error('recordThread: no decision left');
      return decision;
    },
    answer: async () => {
      throw new Error('recordThread: no answers scripted');
    },
  };
  const store = new InMemoryThreadStore();
  const clock = new FixedClock();
  await store.create({ threadId: 'th_recorded', agent: agent.name, at: clock.now() });
  await store.append('th_recorded', [
    {
      id: 'ev_message',
      at: clock.now(),
      type: 'user-message',
      data: {
        text: options.message ?? 'create a $750 sponsorship link for Terri',
        channel: 'cli',
        untrusted: false,
      },
    },
  ]);
  const model = new ScriptedModel(turns);
  await driveThread('th_recorded', agent, { store, model, clock, ids: new SequentialIds(), humans });
  return store.load('th_recorded');
};
