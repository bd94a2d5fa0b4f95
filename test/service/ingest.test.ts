import { describe, expect, it } from 'vitest';
import type { IngressMessage } from '../../lib/adapters/ingress-message.ts';
import { ingestMessage } from '../../lib/service/ingest.ts';
import { createHarness, modelStep, userMessage } from './harness.ts';

const start = (text: string, key = 'key-1'): Extract<IngressMessage, { kind: 'start' }> => ({
  kind: 'start',
  threadId: 'th-1',
  agent: 'refunds',
  text,
  channel: 'api',
  untrusted: false,
  key,
});
const message = (text: string, key: string, threadId = 'th-1'): IngressMessage => ({
  kind: 'message',
  threadId,
  text,
  channel: 'email',
  from: 'ada@example.com',
  untrusted: true,
  key,
});

describe('ingestMessage', () => {
  it('creates the thread and starts the turn named after its first message', async () => {
    const { deps, store, orchestrator } = createHarness();

    const outcome = await ingestMessage(start('Refund INV-1001'), deps);

    expect(outcome).toEqual({ action: 'started', seq: 1 });
    expect(orchestrator.calls).toEqual([{ method: 'startTurn', threadId: 'th-1', seq: 1 }]);
    const thread = await store.load('th-1');
    expect(thread.events.map((event) => [event.type, event.key])).toEqual([['user-message', 'key-1']]);
  });

  it('treats a redelivered start as the same message: nothing appended, the same turn refused', async () => {
    const { deps, store, orchestrator } = createHarness();
    await ingestMessage(start('Refund INV-1001'), deps);

    const outcome = await ingestMessage(start('Refund INV-1001'), deps);

    expect(outcome).toEqual({ action: 'already-started', seq: 1 });
    expect((await store.load('th-1')).events).toHaveLength(1);
    expect(orchestrator.calls.map((call) => call.method)).toEqual(['startTurn', 'startTurn']);
  });

  it('lets a second start of the same thread id for the same agent join it as a message', async () => {
    const { deps, store } = createHarness();
    await ingestMessage(start('Refund INV-1001'), deps);

    const outcome = await ingestMessage(start('Refund INV-1002', 'key-2'), deps);

    expect(outcome).toEqual({ action: 'appended', seq: 2 });
    expect((await store.load('th-1')).events.map((event) => event.key)).toEqual(['key-1', 'key-2']);
  });

  it('keeps a second start for another agent out of a thread the first start made', async () => {
    const { deps, store, orchestrator } = createHarness();
    await ingestMessage(start('Refund INV-1001'), deps);

    const outcome = await ingestMessage({ ...start('Plan the refunds', 'key-2'), agent: 'manager' }, deps);

    expect(outcome).toEqual({
      action: 'refused',
      detail: 'thread th-1 was started for agent refunds first; this start names agent manager',
    });
    const thread = await store.load('th-1');
    expect(thread.agent).toBe('refunds');
    expect(thread.events.map((event) => event.key)).toEqual(['key-1']);
    expect(orchestrator.calls).toHaveLength(1);
  });

  it('refuses a start for an agent this deployment does not run', async () => {
    const { deps } = createHarness();

    await expect(ingestMessage({ ...start('hi'), agent: 'nobody' }, deps)).rejects.toThrow(
      'thread th-1: no agent is named nobody',
    );
  });

  it('appends a message to a running thread and starts nothing: the next step reads it', async () => {
    const { deps, orchestrator, thread } = createHarness();
    await thread('th-1', [
      userMessage('Refund INV-1001'),
      modelStep('lookup_invoice', { invoiceId: 'INV-1001' }),
    ]);

    const outcome = await ingestMessage(message('Actually, only half', 'key-2'), deps);

    expect(outcome).toEqual({ action: 'appended', seq: 3 });
    expect(orchestrator.calls).toEqual([]);
  });

  it('appends a message to a paused thread and starts nothing: resuming does', async () => {
    const { deps, orchestrator, thread } = createHarness();
    await thread('th-1', [
      userMessage('Refund INV-1001'),
      { type: 'agent-done', data: { message: 'ok' } },
      { type: 'paused', data: {} },
    ]);

    expect(await ingestMessage(message('More', 'key-2'), deps)).toEqual({ action: 'appended', seq: 4 });
    expect(orchestrator.calls).toEqual([]);
  });

  it('starts a new turn when a message reaches a thread that is done', async () => {
    const { deps, orchestrator, thread } = createHarness();
    await thread('th-1', [
      userMessage('Refund INV-1001'),
      { type: 'agent-done', data: { message: 'Refunded.' } },
    ]);

    const outcome = await ingestMessage(message('And INV-1002?', 'key-2'), deps);

    expect(outcome).toEqual({ action: 'started', seq: 3 });
    expect(orchestrator.calls).toEqual([{ method: 'startTurn', threadId: 'th-1', seq: 3 }]);
  });

  it('keeps a message to a cancelled thread and starts nothing', async () => {
    const { deps, orchestrator, thread } = createHarness();
    await thread('th-1', [userMessage('Refund INV-1001'), { type: 'cancelled', data: {} }]);

    expect(await ingestMessage(message('Hello?', 'key-2'), deps)).toEqual({ action: 'ignored', seq: 3 });
    expect(orchestrator.calls).toEqual([]);
  });

  it('answers the pending question with the message and resumes the waiting task', async () => {
    const { deps, store, waits, orchestrator, thread } = createHarness();
    const [, asked] = await thread('th-1', [
      userMessage('Refund the invoice'),
      modelStep('request_human_input', { question: 'Which invoice?' }),
      { type: 'human-input-request', data: { requestId: 'q-1', callId: 'ev-x', question: 'Which invoice?' } },
    ]);
    await waits.put({
      requestId: 'q-1',
      threadId: 'th-1',
      kind: 'question',
      next: { kind: 'human', requestId: 'q-1' },
      taskToken: 'token-1',
      createdAt: asked!.at,
    });

    const outcome = await ingestMessage(message('INV-1001', 'key-2'), deps);

    expect(outcome).toEqual({ action: 'answered', seq: 4 });
    const events = (await store.load('th-1')).events;
    expect(events.slice(3).map((event) => event.type)).toEqual(['user-message', 'human-input-response']);
    expect(events[4]).toMatchObject({
      key: 'answer:q-1',
      data: { requestId: 'q-1', text: 'INV-1001', from: 'ada@example.com', untrusted: true },
    });
    expect(orchestrator.calls).toEqual([
      { method: 'resume', taskToken: 'token-1', output: { approved: false, next: { kind: 'step' } } },
    ]);
    expect((await waits.get('q-1'))?.status).toBe('decided');
  });

  it('answers a question whose task has not stored its token yet in the thread alone', async () => {
    const { deps, store, orchestrator, thread } = createHarness();
    await thread('th-1', [
      userMessage('Refund the invoice'),
      modelStep('request_human_input', { question: 'Which invoice?' }),
      { type: 'human-input-request', data: { requestId: 'q-1', callId: 'ev-x', question: 'Which invoice?' } },
    ]);

    const outcome = await ingestMessage(message('INV-1001', 'key-2'), deps);

    expect(outcome).toMatchObject({ action: 'answered', seq: 4 });
    expect((await store.load('th-1')).events.at(-1)).toMatchObject({
      type: 'human-input-response',
      key: 'answer:q-1',
    });
    expect(orchestrator.calls).toEqual([]);
  });

  it('releases an escalation’s wait with a message, which starts the next turn in the thread', async () => {
    const { deps, store, waits, orchestrator, thread } = createHarness();
    const events = await thread('th-1', [
      userMessage('Refund the invoice'),
      { type: 'escalation', data: { reason: 'step-cap', detail: '20 steps without finishing' } },
    ]);
    const escalationId = events[1]!.id;
    await waits.put({
      requestId: escalationId,
      threadId: 'th-1',
      kind: 'escalation',
      next: { kind: 'escalate', reason: 'step-cap' },
      taskToken: 'token-9',
      createdAt: events[1]!.at,
    });

    const outcome = await ingestMessage(message('Go on, it is fine', 'key-2'), deps);

    expect(outcome).toEqual({ action: 'answered', seq: 3 });
    expect((await store.load('th-1')).events.map((event) => event.type)).toEqual([
      'user-message',
      'escalation',
      'user-message',
    ]);
    expect(orchestrator.calls).toEqual([
      { method: 'resume', taskToken: 'token-9', output: { approved: false, next: { kind: 'step' } } },
    ]);
  });
});
