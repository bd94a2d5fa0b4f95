import { describe, expect, it } from 'vitest';
import { call } from '../../lib/adapters/scripted-model.ts';
import { billingPrefetch, createBillingAgent } from '../../lib/agents/billing/index.ts';
import { createStaticDirectory } from '../../lib/agents/billing/ledger.ts';
import { InMemoryPaymentLinks } from '../../lib/agents/billing/memory-payment-links.ts';
import { runStep } from '../../lib/service/run-step.ts';
import { createHarness, userMessage } from './harness.ts';

const billingHarness = (script: Parameters<typeof createHarness>[0]) => {
  const harness = createHarness(script);
  const billing = {
    ...createBillingAgent({
      customers: createStaticDirectory(),
      paymentLinks: new InMemoryPaymentLinks(() => '2026-01-01T00:00:00.000Z'),
    }),
    prefetch: billingPrefetch,
  };
  return { ...harness, deps: { ...harness.deps, agents: new Map([['billing', billing]]) } };
};

describe('runStep with the billing agent pre-fetching the customer', () => {
  it('stores the lookup before the model step, and the model reads it in its first request', async () => {
    const link = { customerId: 'cus_terri', amountUsd: 750, description: 'sponsorship for Terri Jackson' };
    const { deps, store, model, thread } = billingHarness([call('create_payment_link', link)]);
    const [message] = await thread(
      'th-1',
      [userMessage('create a $750 sponsorship link for Terri')],
      'billing',
    );

    const outcome = await runStep('th-1', deps);

    const events = (await store.load('th-1')).events;
    expect(events.map((event) => [event.seq, event.type, event.key])).toEqual([
      [1, 'user-message', undefined],
      [2, 'tool-result', 'step:1:0'],
      [3, 'model-step', 'step:1:1'],
      [4, 'approval-request', 'step:1:2'],
    ]);
    expect(events[1]?.data).toEqual({
      callId: `prefetch-${message?.id}-0`,
      tool: 'lookup_customer',
      result: [{ id: 'cus_terri', name: 'Terri Jackson', email: 'terri@example.com' }],
      prefetch: { args: { name: 'Terri' } },
    });
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]?.context).toContain(
      '<lookup_customer prefetched="true">name: Terri</lookup_customer>',
    );
    expect(outcome.next).toMatchObject({ kind: 'approval', tool: 'create_payment_link' });
  });
});
