import { describe, expect, it } from 'vitest';
import { InMemoryThreadStore } from '../../lib/adapters/memory-thread-store.ts';
import { call, ScriptedModel } from '../../lib/adapters/scripted-model.ts';
import { type Agent, defineAgent } from '../../lib/core/agent.ts';
import { driveThread } from '../../lib/core/drive.ts';
import { step } from '../../lib/core/step.ts';
import { deriveThreadState } from '../../lib/core/thread-state.ts';
import { FixedClock } from '../fakes/fixed-clock.ts';
import { SequentialIds } from '../fakes/sequential-ids.ts';
import { aThread } from '../support/thread-builder.ts';
import { createRefundAgent, fakeDeps } from './refund-agent.ts';

const TASK = 'Find charges on INV-1001 that were made twice.';

/** The refund agent, able to hand a sub-task to a `ledger` agent through `ask_ledger`. */
const withChild = (): Agent => {
  const { agent } = createRefundAgent();
  return defineAgent({
    ...agent,
    children: [
      {
        tool: 'ask_ledger',
        agent: 'ledger',
        description: 'Hand a question about charges to the ledger agent.',
      },
    ],
  });
};

const ledger = defineAgent({
  name: 'ledger',
  description: 'Reads the ledger.',
  prompt: () => 'You read the ledger.',
  tools: [],
});

describe('step with a child agent', () => {
  it('starts a child thread when the model hands a task to a child agent', async () => {
    const model = new ScriptedModel([call('ask_ledger', { task: TASK })]);

    const result = await step(
      aThread().user('Refund the duplicate charge').build(),
      withChild(),
      fakeDeps(model),
    );

    expect(result.events[1]).toEqual({
      id: 'ev-3',
      at: '2026-01-01T00:00:02.000Z',
      type: 'child-thread-started',
      data: { callId: 'ev-1', childThreadId: 'th-2', agent: 'ledger', task: TASK },
    });
    expect(result.next).toEqual({ kind: 'child', callId: 'ev-1', childThreadId: 'th-2', agent: 'ledger' });
  });

  it('offers the child agent to the model as a tool taking a task', async () => {
    const model = new ScriptedModel([call('done_for_now', { message: 'Hi' })]);

    await step(aThread().user('hi').build(), withChild(), fakeDeps(model));

    expect(model.requests[0]?.tools.find((tool) => tool.name === 'ask_ledger')).toEqual({
      name: 'ask_ledger',
      description: 'Hand a question about charges to the ledger agent.',
      inputSchema: {
        type: 'object',
        properties: {
          task: {
            type: 'string',
            description: 'The sub-task, complete enough for an agent that has seen nothing else.',
          },
        },
        required: ['task'],
      },
    });
  });

  it('turns a child task without a task into a tool-error', async () => {
    const model = new ScriptedModel([call('ask_ledger', {}), call('done_for_now', { message: 'Hi' })]);

    const result = await step(aThread().user('hi').build(), withChild(), fakeDeps(model));

    expect(result.events[1]).toEqual(
      expect.objectContaining({
        type: 'tool-error',
        data: {
          callId: 'ev-1',
          tool: 'ask_ledger',
          message: 'invalid arguments: task: expected string, received undefined',
        },
      }),
    );
  });

  it('counts a child that did not finish as an error, and one that did as a success', () => {
    const started = (outcome: 'done' | 'escalated') =>
      aThread()
        .user('Refund the duplicate charge')
        .call('ask_ledger', { task: TASK })
        .add({
          type: 'child-thread-started',
          data: { callId: 'event-2', childThreadId: 'th-9', agent: 'ledger', task: TASK },
        })
        .add({
          type: 'child-thread-done',
          data: { callId: 'event-2', childThreadId: 'th-9', outcome, message: 'm' },
        })
        .build();

    expect(deriveThreadState(started('done').events)).toMatchObject({
      consecutiveErrors: 0,
      pendingChild: undefined,
    });
    expect(deriveThreadState(started('escalated').events)).toMatchObject({
      consecutiveErrors: 1,
      pendingChild: undefined,
    });
  });

  it('runs the child thread to its end and shows its final message to the parent model', async () => {
    const store = new InMemoryThreadStore();
    const model = new ScriptedModel([
      call('ask_ledger', { task: TASK }),
      call('done_for_now', { message: 'INV-1001 was charged twice on 2026-01-02.' }),
      call('done_for_now', { message: 'Found it.' }),
    ]);
    await store.create({ threadId: 'thread-1', agent: 'refunds', at: '2026-01-01T00:00:00.000Z' });
    await store.append('thread-1', [
      {
        id: 'm-1',
        at: '2026-01-01T00:00:00.000Z',
        type: 'user-message',
        data: { text: 'Find it', channel: 'api', untrusted: false },
      },
    ]);
    const humans = { decide: async () => ({ decision: 'approve' as const }), answer: async () => '' };
    const deps = {
      store,
      model,
      clock: new FixedClock(),
      ids: new SequentialIds(),
      humans,
      agents: new Map([['ledger', ledger]]),
    };

    const state = await driveThread('thread-1', withChild(), deps);

    expect(state.status).toBe('done');
    expect(model.requests[1]?.context).toBe(`<user>${TASK}</user>`);
    expect(model.requests[2]?.context).toContain(
      '<result>done: INV-1001 was charged twice on 2026-01-02.</result>',
    );
    expect((await store.load('th-2')).events.map((event) => event.type)).toEqual([
      'user-message',
      'model-step',
      'agent-done',
    ]);
  });
});
