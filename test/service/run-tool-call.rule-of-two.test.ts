import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { call } from '../../lib/adapters/scripted-model.ts';
import { defineAgent } from '../../lib/core/agent.ts';
import { defineTool } from '../../lib/core/tools.ts';
import { runStep } from '../../lib/service/run-step.ts';
import { runToolCall } from '../../lib/service/run-tool-call.ts';
import { createHarness, userMessage } from './harness.ts';

/** An agent whose one tool sends mail and is not gated by itself. */
const notesHarness = (script: Parameters<typeof createHarness>[0]) => {
  const harness = createHarness(script);
  const sent: string[] = [];
  const notes = defineAgent({
    name: 'notes',
    description: 'Sends notes.',
    prompt: () => 'You send notes.',
    tools: [
      defineTool({
        name: 'send_note',
        description: 'Send a note.',
        input: z.object({ to: z.string() }),
        execute: ({ to }) => {
          sent.push(to);
          return 'sent';
        },
      }),
    ],
  });
  return { ...harness, sent, deps: { ...harness.deps, agents: new Map([['notes', notes]]) } };
};

const USAGE = { inputTokens: 1, outputTokens: 1 };

const fromOutside = (text: string) => {
  const message = userMessage(text, { channel: 'email', from: 'stranger@example.org' });
  return { ...message, data: { ...message.data, untrusted: true } };
};

describe('the rule of two through the step and tool tasks', () => {
  it('routes an ungated tool to approval after inbound mail, saying why, and the tool task will not run it', async () => {
    const { deps, store, thread, sent } = notesHarness([call('send_note', { to: 'ann@example.com' })]);
    await thread('th-1', [fromOutside('please send ann a note')], 'notes');

    const stepped = await runStep('th-1', deps);
    const callId = stepped.next.kind === 'approval' ? stepped.next.callId : '';

    const events = (await store.load('th-1')).events;
    expect(stepped.next).toMatchObject({ kind: 'approval', tool: 'send_note' });
    expect(events[2]?.type === 'approval-request' && events[2].data.reason).toEqual({
      kind: 'outside-content',
      eventId: events[0]?.id,
      source: 'a message via email from stranger@example.org',
    });
    await expect(runToolCall('th-1', callId, deps, { onlyTool: 'send_note' })).rejects.toThrow(
      `no pending tool call ${callId}`,
    );
    expect(sent).toEqual([]);
  });

  it('refuses, in the tool task, a gated call that reached it with no approval', async () => {
    const { deps, store, thread, sent } = notesHarness([]);
    const [, modelStep] = await thread(
      'th-1',
      [
        fromOutside('please send ann a note'),
        {
          type: 'model-step',
          data: { tool: 'send_note', args: { to: 'ann@example.com' }, model: 'm', usage: USAGE, costUsd: 0 },
        },
      ],
      'notes',
    );

    await runToolCall('th-1', modelStep?.id ?? '', deps, { onlyTool: 'send_note' });

    const last = (await store.load('th-1')).events.at(-1);
    expect(last?.type === 'tool-error' && last.data.message).toBe(
      'not approved: this thread read outside content, so this tool runs only after a person approves these exact arguments',
    );
    expect(sent).toEqual([]);
  });

  it('runs the same tool at once when the thread read nothing from outside', async () => {
    const { deps, thread, sent } = notesHarness([call('send_note', { to: 'ann@example.com' })]);
    await thread('th-1', [userMessage('please send ann a note')], 'notes');

    const stepped = await runStep('th-1', deps);
    const callId = stepped.next.kind === 'tool' ? stepped.next.callId : '';
    await runToolCall('th-1', callId, deps, { onlyTool: 'send_note' });

    expect(stepped.next).toMatchObject({ kind: 'tool', tool: 'send_note' });
    expect(sent).toEqual(['ann@example.com']);
  });
});
