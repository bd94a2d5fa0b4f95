import { describe, expect, it } from 'vitest';
import type { Event, Thread } from '../../lib/core/events.ts';
import { replayThread } from '../../lib/core/replay.ts';
import { findReplayPoints } from '../../lib/core/replay-points.ts';
import { billingAgent, PAYMENT_LINK_TURNS, recordThread } from '../support/recorded-threads.ts';

/**
 * The recorded billing thread as an interrupted AWS step leaves it: the step stored the model's
 * call of the gated tool and was cut off before its approval request, and the next step appended
 * the repair (`repairInterruptedStep` in lib/service/run-step.ts) in its place.
 */
const interruptedThread = async (): Promise<Thread> => {
  const recorded = await recordThread(billingAgent(), PAYMENT_LINK_TURNS);
  const cut = recorded.events.findIndex((event) => event.type === 'approval-request');
  const gated = recorded.events[cut - 1] as Event;
  const repair: Event = {
    id: 'ev-repair',
    seq: gated.seq + 1,
    at: gated.at,
    key: `result:${gated.id}`,
    type: 'tool-error',
    data: {
      callId: gated.id,
      tool: 'create_payment_link',
      message: 'this step was interrupted before it was recorded in full: take it again',
    },
  };
  return { ...recorded, events: [...recorded.events.slice(0, cut), repair] };
};

describe('replaying a step an interruption cut short', () => {
  it('marks the step as interrupted: the recording holds its model step and not what came of it', async () => {
    const thread = await interruptedThread();

    expect(findReplayPoints(thread.events).map(({ interrupted, open }) => ({ interrupted, open }))).toEqual([
      { interrupted: false, open: false },
      { interrupted: true, open: true },
    ]);
  });

  it('compares the model step it kept, not the follow-up the repair stands in for', async () => {
    const thread = await interruptedThread();

    const { report } = await replayThread(thread, billingAgent());

    expect(report.steps.map((step) => [step.seq, step.verdict, step.differences])).toEqual([
      [2, 'identical', []],
      [4, 'identical', []],
    ]);
    expect(report.verdict).toBe('identical');
  });

  it('reports the call running at once now as a regression: then it waited or was refused', async () => {
    const thread = await interruptedThread();
    const agent = billingAgent();
    const ungated = {
      ...agent,
      tools: agent.tools.map((tool) =>
        tool.name === 'create_payment_link' ? { ...tool, needsApproval: false } : tool,
      ),
    };

    const { report } = await replayThread(thread, ungated);

    expect(report.steps[1]).toMatchObject({
      verdict: 'regression',
      differences: [
        'next: recorded a call that could not run at once (its step was interrupted), now it runs',
      ],
    });
  });
});
