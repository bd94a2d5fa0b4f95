import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopHarness, startLoopHarness } from './loop-harness.ts';

let harness: LoopHarness;

beforeAll(async () => {
  harness = await startLoopHarness();
});

afterAll(async () => {
  await harness.close();
});

const types = (thread: { events: { type: string }[] }): string[] => thread.events.map((event) => event.type);

describe('a whole turn of the synthesized loop, with the real handlers', () => {
  it('runs tool, tool, done in one execution named after the message that started it', async () => {
    harness.reply(
      ['lookup_customer', { name: 'Terri' }],
      ['lookup_customer', { name: 'Sam' }],
      ['done_for_now', { message: 'Terri Jackson and two Sams are customers.' }],
    );

    await harness.ingest({
      kind: 'start',
      threadId: 'th-tools',
      agent: 'billing',
      text: 'who are Terri and Sam?',
      key: 'k-tools',
    });
    const execution = await harness.finished('th-tools', 1);

    expect(execution.status).toBe('SUCCEEDED');
    const thread = await harness.load('th-tools');
    expect(types(thread)).toEqual([
      'user-message',
      'model-step',
      'tool-result',
      'model-step',
      'tool-result',
      'model-step',
      'agent-done',
    ]);
    expect(thread.events[4]?.data).toMatchObject({
      tool: 'lookup_customer',
      result: [{ name: 'Sam Lee' }, { name: 'Sam Ortiz' }],
    });
    expect(harness.chat.requests).toHaveLength(3);
  });

  it('keeps a duplicate start a no-op: the same message twice is one event and one execution', async () => {
    harness.reply(['done_for_now', { message: 'Nothing to do.' }]);
    const message = {
      kind: 'start',
      threadId: 'th-dup',
      agent: 'billing',
      text: 'hello',
      key: 'k-dup',
    } as const;

    await harness.ingest(message, 'sqs-1');
    await harness.ingest(message, 'sqs-2');
    await harness.finished('th-dup', 1);

    expect(types(await harness.load('th-dup'))).toEqual(['user-message', 'model-step', 'agent-done']);
    expect(
      harness.machine.listExecutions().filter((record) => record.name.startsWith('th-dup-')),
    ).toHaveLength(1);
  });
});
