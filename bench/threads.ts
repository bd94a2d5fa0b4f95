import { InMemoryThreadStore } from '../lib/adapters/memory-thread-store.ts';
import { call, ScriptedModel, type ScriptedTurn } from '../lib/adapters/scripted-model.ts';
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

/**
 * A recorded billing thread, built deterministically: `lookups` customer look-ups, then (if asked)
 * a payment link a person approves, then the end of the turn. Events: 5 without the link,
 * 2 × lookups + 7 with it.
 */
export const recordThread = async (lookups: number, withLink = true): Promise<Thread> => {
  // Long threads go past the billing agent's 20-step cap, which would escalate: the cap is raised.
  const base = scenarioAgent();
  const agent = { ...base, limits: { ...base.limits, maxSteps: 1_000 } };
  const store = new InMemoryThreadStore();
  const ids = new CountingIds();
  const turns: ScriptedTurn[] = Array.from({ length: lookups }, (_, index) =>
    call('lookup_customer', { name: LOOKUPS[index % LOOKUPS.length] }),
  );
  if (withLink) {
    turns.push(
      call('create_payment_link', {
        customerId: 'cus_terri',
        amountUsd: 750,
        description: 'sponsorship for Terri Jackson',
      }),
    );
  }
  turns.push(call('done_for_now', { message: 'Created a $750 sponsorship link for Terri Jackson.' }));
  const threadId = `th-${lookups}`;
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

/** The five recorded threads the context benchmark renders: 5, 15, 25, 41 and 59 events. */
export const recordedThreads = (): Promise<Thread[]> =>
  Promise.all([recordThread(1, false), recordThread(4), recordThread(9), recordThread(17), recordThread(26)]);
