import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideWait } from '../../lib/service/decide-wait.ts';
import { type LoopHarness, startLoopHarness } from './loop-harness.ts';

let harness: LoopHarness;

beforeAll(async () => {
  harness = await startLoopHarness();
});

afterAll(async () => {
  await harness.close();
});

const types = (thread: { events: { type: string }[] }): string[] => thread.events.map((event) => event.type);

describe('people and child agents in whole turns of the synthesized loop', () => {
  it('escalates after three tool errors in a row, waits for a person, and goes on with their answer', async () => {
    harness.reply(['fly', {}], ['fly', {}], ['fly', {}]);
    await harness.ingest({
      kind: 'start',
      threadId: 'th-errors',
      agent: 'billing',
      text: 'do something',
      key: 'k-errors',
    });
    const wait = await harness.pendingWait('th-errors');
    expect(wait.kind).toBe('escalation');
    const escalated = await harness.load('th-errors');
    expect(escalated.events.at(-1)).toMatchObject({
      type: 'escalation',
      data: { reason: 'consecutive-errors', detail: '3 tool errors in a row' },
    });

    harness.reply(['done_for_now', { message: 'Understood, stopping.' }]);
    await decideWait(
      wait.requestId,
      { decision: 'answer', text: 'stop here, thanks', by: 'ops@example.com' },
      harness.service,
    );

    expect(await harness.finished('th-errors', 1)).toMatchObject({ status: 'SUCCEEDED' });
    expect(types(await harness.load('th-errors')).slice(-3)).toEqual([
      'human-input-response',
      'model-step',
      'agent-done',
    ]);
  });

  it('answers a question with a message that arrives while the thread waits for a person', async () => {
    harness.reply(['request_human_input', { question: 'Which Sam do you mean?' }]);
    await harness.ingest({
      kind: 'start',
      threadId: 'th-ask',
      agent: 'billing',
      text: 'a link for Sam',
      key: 'k-ask',
    });
    const wait = await harness.pendingWait('th-ask');
    expect(wait.kind).toBe('question');

    harness.reply(['done_for_now', { message: 'Sam Ortiz it is.' }]);
    await harness.ingest({
      kind: 'message',
      threadId: 'th-ask',
      text: 'Sam Ortiz',
      key: 'k-ask-2',
      from: 'ops@example.com',
    });

    expect(await harness.finished('th-ask', 1)).toMatchObject({ status: 'SUCCEEDED' });
    const thread = await harness.load('th-ask');
    expect(types(thread)).toEqual([
      'user-message',
      'model-step',
      'human-input-request',
      'user-message',
      'human-input-response',
      'model-step',
      'agent-done',
    ]);
    expect(
      harness.machine.listExecutions().filter((record) => record.name.startsWith('th-ask-')),
    ).toHaveLength(1);
    expect(harness.chat.requests.at(-1)?.body).toContain('Sam Ortiz');
  });

  it('hands a sub-task to a child agent and takes its final message as the result', async () => {
    harness.reply(['delegate_to_billing', { task: 'find the customer named Priya' }]);
    harness.reply(
      ['lookup_customer', { name: 'Priya' }],
      ['done_for_now', { message: 'Priya Raman, cus_priya.' }],
    );
    harness.reply(['done_for_now', { message: 'Billing says: Priya Raman.' }]);

    await harness.ingest({
      kind: 'start',
      threadId: 'th-parent',
      agent: 'triage',
      text: 'who is Priya?',
      key: 'k-parent',
    });

    expect(await harness.finished('th-parent', 1)).toMatchObject({ status: 'SUCCEEDED' });
    const parent = await harness.load('th-parent');
    expect(types(parent)).toEqual([
      'user-message',
      'model-step',
      'child-thread-started',
      'child-thread-done',
      'model-step',
      'agent-done',
    ]);
    const started = parent.events[2];
    if (started?.type !== 'child-thread-started') throw new Error('no child started');
    expect(parent.events[3]?.data).toMatchObject({ outcome: 'done', message: 'Priya Raman, cus_priya.' });
    const child = await harness.load(started.data.childThreadId);
    expect(child.agent).toBe('billing');
    expect(types(child)).toEqual(['user-message', 'model-step', 'tool-result', 'model-step', 'agent-done']);
  });
});
