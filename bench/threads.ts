import { InMemoryThreadStore } from '../lib/adapters/memory-thread-store.ts';
import { call, ScriptedModel, type ScriptedTurn } from '../lib/adapters/scripted-model.ts';
import { createBillingAgent } from '../lib/agents/billing/index.ts';
import { type Customer, createStaticDirectory } from '../lib/agents/billing/ledger.ts';
import { InMemoryPaymentLinks } from '../lib/agents/billing/memory-payment-links.ts';
import type { Agent } from '../lib/core/agent.ts';
import { driveThread } from '../lib/core/drive.ts';
import type { Thread } from '../lib/core/events.ts';
import { CountingIds, fixedClock } from './ports.ts';
import { scenarioAgent } from './scenario.ts';

const LOOKUPS = [
  'Terri',
  'Sam',
  'Priya',
  'Lee',
  'Ortiz',
  'Jackson',
  'Raman',
  'Sam Lee',
  'Terri Jackson',
  'Nobody',
];

const LINK = call('create_payment_link', {
  customerId: 'cus_terri',
  amountUsd: 750,
  description: 'sponsorship for Terri Jackson',
});
const DONE = call('done_for_now', { message: 'Created a $750 sponsorship link for Terri Jackson.' });

/** Drives a billing thread through scripted turns; every approval is approved. */
const driveScripted = async (threadId: string, base: Agent, turns: ScriptedTurn[]): Promise<Thread> => {
  // Long threads go past the billing agent's 20-step cap, which would escalate: the cap is raised.
  const agent = { ...base, limits: { ...base.limits, maxSteps: 1_000 } };
  const store = new InMemoryThreadStore();
  const ids = new CountingIds();
  await store.create({ threadId, agent: 'billing', at: fixedClock.now() });
  await store.append(threadId, [
    {
      id: ids.next('ev'),
      at: fixedClock.now(),
      type: 'user-message',
      data: { text: 'create a $750 sponsorship link for Terri', channel: 'api', untrusted: false },
    },
  ]);
  await driveThread(threadId, agent, {
    store,
    model: new ScriptedModel(turns, { id: 'anthropic.claude-3-5-haiku-20241022-v1:0' }),
    clock: fixedClock,
    ids,
    humans: { decide: async () => ({ decision: 'approve' }), answer: async () => 'Terri Jackson' },
  });
  return store.load(threadId);
};

/**
 * A recorded billing thread, built deterministically: `lookups` customer look-ups, then (if asked)
 * a payment link a person approves, then the end of the turn. Events: 5 without the link,
 * 2 × lookups + 7 with it.
 */
export const recordThread = (lookups: number, withLink = true): Promise<Thread> => {
  const turns: ScriptedTurn[] = Array.from({ length: lookups }, (_, index) =>
    call('lookup_customer', { name: LOOKUPS[index % LOOKUPS.length] }),
  );
  if (withLink) turns.push(LINK);
  turns.push(DONE);
  return driveScripted(`th-${lookups}`, scenarioAgent(), turns);
};

const FIRST_NAMES = ['Terri', 'Sam', 'Priya', 'Alex', 'Jordan', 'Morgan', 'Casey', 'Riley'];
const SURNAMES = ['Jackson', 'Lee', 'Ortiz'];

/** Three customers share each first name, so a look-up by first name finds three. */
const crowdedDirectory: readonly Customer[] = FIRST_NAMES.flatMap((first) =>
  SURNAMES.map((surname) => ({
    id: `cus_${first.toLowerCase()}_${surname.toLowerCase()}`,
    name: `${first} ${surname}`,
    email: `${first.toLowerCase()}.${surname.toLowerCase()}@example.com`,
  })),
);

/**
 * Many short tool results: eight look-ups that find three customers each, then a payment link a
 * person approves, then the end of the turn (23 events, 10 model calls).
 */
export const recordShortResultsThread = (): Promise<Thread> => {
  const agent = createBillingAgent({
    customers: createStaticDirectory(crowdedDirectory),
    paymentLinks: new InMemoryPaymentLinks(() => fixedClock.now()),
  });
  const turns: ScriptedTurn[] = [
    ...FIRST_NAMES.map((name) => call('lookup_customer', { name })),
    call('create_payment_link', {
      customerId: 'cus_terri_jackson',
      amountUsd: 750,
      description: 'sponsorship for Terri Jackson',
    }),
    DONE,
  ];
  return driveScripted('th-short-results', agent, turns);
};

export interface RecordedThread {
  name: string;
  thread: Thread;
}

/**
 * The threads the context benchmark sends: five of growing length (5, 15, 25, 41 and 59 events)
 * and one of many short tool results.
 */
export const recordedThreads = async (): Promise<RecordedThread[]> => {
  const growing = await Promise.all(
    [recordThread(1, false), recordThread(4), recordThread(9), recordThread(17), recordThread(26)].map(
      async (recording) => {
        const thread = await recording;
        return { name: `${thread.events.length} events`, thread };
      },
    ),
  );
  const short = await recordShortResultsThread();
  return [...growing, { name: `8 look-ups × 3 customers (${short.events.length} events)`, thread: short }];
};
