import { InMemoryThreadStore } from '../../lib/adapters/memory-thread-store.ts';
import type { Thread } from '../../lib/core/events.ts';
import { estimateCostUsd } from '../../lib/core/pricing.ts';
import { createUiApp } from '../../lib/ui/app.ts';
import type { OutboxMessage } from '../../lib/ui/deps.ts';
import { aThread, timeOf } from '../support/thread-builder.ts';

export const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
export const APPROVALS_BASE = 'http://127.0.0.1:8787/approvals/';

/** A model step on Claude 3.5 Haiku, priced as the runtime prices it. */
const haiku = (inputTokens: number, outputTokens: number) => ({
  model: HAIKU,
  inputTokens,
  outputTokens,
  costUsd: estimateCostUsd(HAIKU, { inputTokens, outputTokens }),
});

/**
 * The README's billing thread: a lookup, a payment link rejected with feedback, the revised link
 * approved and created, and done. Six model steps (one per tool choice), two approval ids.
 */
export const billingThread = (threadId = 'thread-terri'): Thread => {
  const link = { customerId: 'cus_terri', amountUsd: 750, description: 'sponsorship for Terri Jackson' };
  const builder = aThread(threadId, 'billing')
    .user('create a $750 sponsorship link for Terri')
    .call('lookup_customer', { name: 'Terri' }, haiku(412, 9))
    .result([{ id: 'cus_terri', name: 'Terri Jackson', email: 'terri@example.com' }])
    .call('create_payment_link', link, haiku(530, 41))
    .approvalRequest({ approvalId: 'apr_9f1c2b7e5d' });
  builder.add({
    type: 'approval-decision',
    data: {
      decision: 'reject',
      feedback: 'make it $500',
      approvalId: builder.lastApprovalId,
      by: 'finance@example.com',
    },
  });
  builder
    .call('create_payment_link', { ...link, amountUsd: 500 }, haiku(601, 40))
    .approvalRequest({ approvalId: 'apr_4d8e0a6c1b' });
  builder.add({
    type: 'approval-decision',
    data: { decision: 'approve', approvalId: builder.lastApprovalId, by: 'ops@example.com' },
  });
  return builder
    .result({ url: 'https://pay.example.com/l/pl_1', amountUsd: 500 })
    .call('lookup_customer', '{"name": ', haiku(700, 5))
    .error('the arguments are not JSON: Unexpected end of JSON input')
    .call('request_human_input', { question: 'Send the link to Terri now?' }, haiku(720, 18))
    .question('Send the link to Terri now?')
    .answer('yes, by email')
    .call('done_for_now', { message: 'Created a $500 sponsorship link for Terri Jackson.' }, haiku(760, 22))
    .done('Created a $500 sponsorship link for Terri Jackson.')
    .build();
};

/** A thread that waits for a person to approve a payment link. */
export const waitingThread = (threadId = 'thread-waiting'): Thread =>
  aThread(threadId, 'billing')
    .user('bill Sam $200 for consulting')
    .call(
      'create_payment_link',
      { customerId: 'cus_sam', amountUsd: 200, description: 'consulting' },
      haiku(480, 30),
    )
    .approvalRequest({ approvalId: 'apr_secret_waiting' })
    .build();

/** Every id a page must not show: event ids, call ids, approval and request ids, keys. */
export const internalIdsOf = (thread: Thread): string[] =>
  thread.events.flatMap((event) => {
    const ids = [event.id, ...(event.key === undefined ? [] : [event.key])];
    const data: Record<string, unknown> = event.data;
    for (const name of ['callId', 'approvalId', 'requestId', 'argsHash']) {
      const value = data[name];
      if (typeof value === 'string') ids.push(value);
    }
    return ids;
  });

export const approvalMail = (overrides: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id: 'msg-1',
  file: '.threadline/outbox/2026-01-01T00-00-05-000Z-msg-1.eml',
  date: '2026-01-01T00:00:05.000Z',
  from: 'agents@example.com',
  to: ['ops@example.com'],
  subject: 'Approve create_payment_link for the billing agent?',
  text: 'The billing agent wants to run create_payment_link.\nApprove: http://127.0.0.1:8787/approvals/apr_9f1c2b7e5d?a=ops%40example.com&d=approve&e=1767312000&s=sig',
  links: ['http://127.0.0.1:8787/approvals/apr_9f1c2b7e5d?a=ops%40example.com&d=approve&e=1767312000&s=sig'],
  ...overrides,
});

/** The UI on a real in-memory store, an outbox of plain values, and a recording `startThread`. */
export const createTestUi = (
  options: { threads?: readonly Thread[]; mail?: readonly OutboxMessage[] } = {},
) => {
  const store = new InMemoryThreadStore();
  const started: { agent: string; message: string }[] = [];
  const app = createUiApp({
    store,
    agents: ['billing', 'triage'],
    outbox: { list: async () => [...(options.mail ?? [])] },
    startThread: async (input) => {
      started.push(input);
      return { threadId: `thread-new-${started.length}` };
    },
    approvalsBase: APPROVALS_BASE,
  });
  const seed = async (thread: Thread, createdAt = timeOf(0)): Promise<void> => {
    await store.create({ threadId: thread.id, agent: thread.agent, at: createdAt });
    // The store gives each event its seq again, in the same order.
    await store.append(thread.id, thread.events);
  };
  const page = async (path: string): Promise<{ status: number; body: string; headers: Headers }> => {
    const response = await app.request(path);
    return { status: response.status, body: await response.text(), headers: response.headers };
  };
  return { app, store, started, seed, page };
};

/** Occurrences of `text` in `body`. */
export const countOf = (body: string, text: string): number => body.split(text).length - 1;
