import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { Agent } from '../../lib/core/agent.ts';
import { exportThread, replayExported } from '../../lib/core/exported-thread.ts';
import { replayThread } from '../../lib/core/replay.ts';
import { defineTool, type Tool } from '../../lib/core/tools.ts';
import { billingAgent, PAYMENT_LINK_TURNS, recordThread } from '../support/recorded-threads.ts';

/** The agent with one tool replaced by what `change` makes of it. */
const withTool = (agent: Agent, name: string, change: (tool: Tool) => Tool): Agent => ({
  ...agent,
  tools: agent.tools.map((tool) => (tool.name === name ? change(tool) : tool)),
});

const recordedExport = async () => {
  const agent = billingAgent();
  const thread = await recordThread(agent, PAYMENT_LINK_TURNS);
  return { agent, ...(await exportThread(thread, agent)) };
};

describe('replaying a recorded billing thread', () => {
  it('reports every step identical when the agent is unchanged', async () => {
    const { agent, exported, report } = await recordedExport();

    expect(report.verdict).toBe('identical');
    const replayed = await replayExported(exported, agent);
    expect(replayed).toEqual({
      threadId: 'th_recorded',
      agent: 'billing',
      verdict: 'identical',
      steps: [
        expect.objectContaining({
          seq: 2,
          recorded: 'lookup_customer → run lookup_customer',
          verdict: 'identical',
        }),
        expect.objectContaining({
          seq: 4,
          recorded: 'create_payment_link → approve create_payment_link',
          replayed: 'create_payment_link → approve create_payment_link',
          verdict: 'identical',
          differences: [],
          requestChanges: [],
          requestsCompared: true,
        }),
        expect.objectContaining({ seq: 8, recorded: 'done_for_now → done', verdict: 'identical' }),
      ],
    });
  });

  it('reports a changed prompt as benign: the request changed, the decisions did not', async () => {
    const { agent, exported } = await recordedExport();
    const reworded: Agent = { ...agent, prompt: (input) => `${agent.prompt(input)}\nBe brief.` };

    const report = await replayExported(exported, reworded);

    expect(report.verdict).toBe('benign');
    expect(report.steps.map((step) => [step.verdict, step.requestChanges])).toEqual([
      ['benign', ['#2: system prompt changed']],
      ['benign', ['#4: system prompt changed']],
      ['benign', ['#8: system prompt changed']],
    ]);
  });

  it('reports a reworded tool description as benign and names the tool', async () => {
    const { agent, exported } = await recordedExport();
    const reworded = withTool(agent, 'lookup_customer', (tool) => ({
      ...tool,
      description: 'Find customers by any part of their name. Read-only.',
      spec: { ...tool.spec, description: 'Find customers by any part of their name. Read-only.' },
    }));

    const report = await replayExported(exported, reworded);

    expect(report.verdict).toBe('benign');
    expect(report.steps[0]?.requestChanges).toEqual([
      '#2: tool lookup_customer description or schema changed',
    ]);
  });

  it('reports a gate that no longer asks for approval as a regression', async () => {
    const { agent, exported } = await recordedExport();
    const ungated = withTool(agent, 'create_payment_link', (tool) => ({ ...tool, needsApproval: false }));

    const report = await replayExported(exported, ungated);

    expect(report.verdict).toBe('regression');
    const gated = report.steps[1];
    expect(gated).toMatchObject({
      seq: 4,
      verdict: 'regression',
      recorded: 'create_payment_link → approve create_payment_link',
      replayed: 'create_payment_link → run create_payment_link',
    });
    expect(gated?.differences).toEqual([
      expect.stringMatching(
        /^event 2: recorded approval-request .*"tool":"create_payment_link".*, now \(none\)$/,
      ),
      'next: recorded approve create_payment_link, now run create_payment_link',
    ]);
    expect(report.steps.map((step) => step.verdict)).toEqual(['identical', 'regression', 'identical']);
  });

  it('reports a read-only tool that now needs approval as a regression', async () => {
    const { agent, exported } = await recordedExport();
    const gated = withTool(agent, 'lookup_customer', (tool) => ({ ...tool, needsApproval: true }));

    const report = await replayExported(exported, gated);

    expect(report.steps[0]).toMatchObject({
      verdict: 'regression',
      replayed: 'lookup_customer → approve lookup_customer',
    });
  });

  it('reports a tool schema that refuses the recorded arguments as a regression', async () => {
    const { agent, exported } = await recordedExport();
    const capped = withTool(agent, 'create_payment_link', (tool) =>
      defineTool({
        name: tool.name,
        description: tool.description,
        needsApproval: true,
        input: z.object({ customerId: z.string(), amountUsd: z.number().max(500), description: z.string() }),
        execute: () => 'never runs in a replay',
      }),
    );

    const report = await replayExported(exported, capped);

    expect(report.steps[1]).toMatchObject({
      verdict: 'regression',
      replayed: 'create_payment_link → model again',
      requestChanges: ['#4: tool create_payment_link description or schema changed'],
    });
    expect(report.steps[1]?.differences[0]).toMatch(
      /^event 2: recorded approval-request .*, now tool-error .*amountUsd: Too big/,
    );
  });

  it('reports a step cap the recording did not hit as a regression', async () => {
    const { agent, exported } = await recordedExport();
    const capped: Agent = { ...agent, limits: { ...agent.limits, maxSteps: 2 } };

    const report = await replayExported(exported, capped);

    expect(report.steps.map((step) => [step.verdict, step.replayed])).toEqual([
      ['identical', 'lookup_customer → run lookup_customer'],
      ['identical', 'create_payment_link → approve create_payment_link'],
      ['regression', 'escalate (step-cap)'],
    ]);
  });

  it('compares decisions only when the recording holds no requests', async () => {
    const agent = billingAgent();
    const thread = await recordThread(agent, PAYMENT_LINK_TURNS);
    const reworded: Agent = { ...agent, prompt: () => 'Another prompt entirely.' };

    const { report } = await replayThread(thread, reworded);

    expect(report.verdict).toBe('identical');
    expect(report.steps.every((step) => !step.requestsCompared && step.requestChanges.length === 0)).toBe(
      true,
    );
  });
});
