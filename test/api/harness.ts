import { ApprovalLinks, type LinkDecision } from '../../lib/adapters/approval-links.ts';
import { InMemoryIdempotencyStore } from '../../lib/adapters/memory-idempotency-store.ts';
import { InMemoryThreadStore } from '../../lib/adapters/memory-thread-store.ts';
import { InMemoryWaitStore } from '../../lib/adapters/memory-wait-store.ts';
import { createBillingAgent } from '../../lib/agents/billing/index.ts';
import { createStaticDirectory } from '../../lib/agents/billing/ledger.ts';
import { InMemoryPaymentLinks } from '../../lib/agents/billing/memory-payment-links.ts';
import { createTriageAgent } from '../../lib/agents/triage/index.ts';
import { createApp } from '../../lib/api/app.ts';
import type { ApiAuth, ApiDeps } from '../../lib/api/deps.ts';
import type { ApprovalReason, NewEvent } from '../../lib/core/events.ts';
import { hashArgs } from '../../lib/core/hash.ts';
import { FixedClock } from '../fakes/fixed-clock.ts';
import { SequentialIds } from '../fakes/sequential-ids.ts';
import { RecordingIngressQueue, RecordingOrchestrator } from './fakes.ts';

export const TOKEN = 'test-token-0123456789abcdef';
export const AUTHORIZED = { Authorization: `Bearer ${TOKEN}` };
export const SECRET = Buffer.alloc(32, 7);
export const PUBLIC_URL = 'https://api.example.com/v1/approvals/';
export const PAYMENT = { customerId: 'cus_terri', amountUsd: 120, description: 'Invoice 42' };

/** The API on real in-memory objects: a thread store, wait records, recording queue and orchestrator. */
export const createTestApi = (
  options: { auth?: ApiAuth; maxBodyBytes?: number; publicUrl?: string } = {},
) => {
  const clock = new FixedClock('2026-03-01T12:00:00.000Z');
  const store = new InMemoryThreadStore();
  const waits = new InMemoryWaitStore();
  const orchestrator = new RecordingOrchestrator();
  const ingress = new RecordingIngressQueue();
  const idempotency = new InMemoryIdempotencyStore();
  const logged: { message: string; details: Record<string, unknown> }[] = [];
  const deps: ApiDeps = {
    store,
    waits,
    orchestrator,
    ingress,
    idempotency,
    clock,
    ids: new SequentialIds(),
    agents: new Map([
      [
        'billing',
        createBillingAgent({ customers: createStaticDirectory(), paymentLinks: new InMemoryPaymentLinks() }),
      ],
      ['triage', createTriageAgent()],
    ]),
    links: new ApprovalLinks(SECRET),
    auth: options.auth ?? { kind: 'token', token: TOKEN },
    publicUrl: options.publicUrl ?? PUBLIC_URL,
    logger: { error: (message, details) => logged.push({ message, details }) },
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
  };
  const app = createApp(deps);
  return { app, deps, clock, store, waits, orchestrator, ingress, idempotency, logged };
};
export type TestApi = ReturnType<typeof createTestApi>;

/** A JSON POST with the test token. */
export const postJson = (api: TestApi, path: string, body: unknown, headers: Record<string, string> = {}) =>
  api.app.request(path, {
    method: 'POST',
    headers: { ...AUTHORIZED, 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

export const getJson = (api: TestApi, path: string) => api.app.request(path, { headers: AUTHORIZED });

const event = (api: TestApi, rest: Omit<NewEvent, 'id' | 'at'>): NewEvent =>
  ({ ...rest, id: api.deps.ids.next('ev'), at: api.clock.now() }) as NewEvent;

/** A billing thread with one message from the user, as the ingest function leaves it. */
export const seedThread = async (
  api: TestApi,
  threadId = 'thread-1',
  text = 'Bill Terri 120 USD for invoice 42',
) => {
  await api.store.create({ threadId, agent: 'billing', at: api.clock.now() });
  await api.store.append(threadId, [
    event(api, {
      type: 'user-message',
      key: `start-${threadId}`,
      data: { text, channel: 'api', untrusted: false },
    }),
  ]);
};

/** A thread waiting for approval of `create_payment_link`, and its wait record with a task token. */
export const seedApproval = async (
  api: TestApi,
  options: {
    threadId?: string;
    approvalId?: string;
    text?: string;
    args?: Record<string, string | number>;
    /** Why the approval was asked for, as the step recorded it. */
    reason?: ApprovalReason;
  } = {},
) => {
  const { threadId = 'thread-1', approvalId = 'apr_secret1', args = PAYMENT } = options;
  await seedThread(api, threadId, options.text);
  const [step] = await api.store.append(threadId, [
    event(api, {
      type: 'model-step',
      data: {
        tool: 'create_payment_link',
        args,
        model: 'scripted',
        usage: { inputTokens: 10, outputTokens: 5 },
        costUsd: 0,
      },
    }),
  ]);
  await api.store.append(threadId, [
    event(api, {
      type: 'approval-request',
      data: {
        approvalId,
        callId: step!.id,
        tool: 'create_payment_link',
        args,
        argsHash: hashArgs(args),
        ...(options.reason ? { reason: options.reason } : {}),
      },
    }),
  ]);
  await api.waits.put({
    requestId: approvalId,
    threadId,
    kind: 'approval',
    next: { kind: 'approval', tool: 'create_payment_link', callId: step!.id, approvalId },
    taskToken: 'task-token-approval',
    createdAt: api.clock.now(),
  });
  return { threadId, approvalId, callId: step!.id };
};

/** A thread whose agent asked a person a question, and its wait record. */
export const seedQuestion = async (api: TestApi, question = 'Which Sam: Sam Lee or Sam Ortiz?') => {
  const threadId = 'thread-q';
  const requestId = 'q_secret1';
  await seedThread(api, threadId, 'Bill Sam 10 USD');
  const [step] = await api.store.append(threadId, [
    event(api, {
      type: 'model-step',
      data: {
        tool: 'request_human_input',
        args: { question },
        model: 'scripted',
        usage: { inputTokens: 1, outputTokens: 1 },
        costUsd: 0,
      },
    }),
  ]);
  await api.store.append(threadId, [
    event(api, { type: 'human-input-request', data: { requestId, callId: step!.id, question } }),
  ]);
  await api.waits.put({
    requestId,
    threadId,
    kind: 'question',
    next: { kind: 'human', requestId },
    taskToken: 'task-token-question',
    createdAt: api.clock.now(),
  });
  return { threadId, requestId };
};

/**
 * A signed link's path and query, valid for an hour of the test clock, bound to what the stored
 * wait is about (a link to no wait is bound to nothing).
 */
export const linkPath = async (
  api: TestApi,
  approvalId: string,
  options: { decision?: LinkDecision; approver?: string; expiresAt?: string } = {},
): Promise<string> => {
  const wait = await api.waits.get(approvalId);
  const params = api.deps.links.sign({
    threadId: wait?.threadId ?? '',
    callId: wait?.approval?.callId ?? '',
    argsHash: wait?.approval?.argsHash ?? '',
    approvalId,
    decision: options.decision ?? 'any',
    approver: options.approver ?? 'grace@example.com',
    expiresAt: options.expiresAt ?? '2026-03-01T13:00:00.000Z',
  });
  return `/approvals/${encodeURIComponent(approvalId)}?${new URLSearchParams({ ...params })}`;
};

/** The CSRF token a page for this link carries. */
export const csrfOf = (api: TestApi, path: string): string => {
  const url = new URL(path, 'http://test');
  const approvalId = decodeURIComponent(url.pathname.split('/')[2]!);
  return api.deps.links.csrfToken(approvalId, url.searchParams.get('s') ?? '');
};

/** Posts a decision form the way a browser does. */
export const postForm = (api: TestApi, path: string, fields: Record<string, string>) =>
  api.app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

/** A thread that escalated after too many steps, parked until a person says how to go on. */
export const seedEscalation = async (api: TestApi) => {
  const threadId = 'thread-e';
  const requestId = 'esc_secret1';
  await seedThread(api, threadId, 'Bill everyone');
  await api.store.append(threadId, [
    {
      id: requestId,
      at: api.clock.now(),
      type: 'escalation',
      data: { reason: 'step-cap', detail: '20 steps <without> finishing' },
    },
  ]);
  await api.waits.put({
    requestId,
    threadId,
    kind: 'escalation',
    next: { kind: 'escalate', reason: 'step-cap' },
    taskToken: 'task-token-escalation',
    createdAt: api.clock.now(),
  });
  return { threadId, requestId };
};
