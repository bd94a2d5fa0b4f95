import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTriageAgent } from '../../lib/agents/triage/index.ts';
import type { Agent } from '../../lib/core/agent.ts';
import { type RecordedThreadFile, recordedThreadCases } from '../../lib/testing/recorded-thread-cases.ts';
import { billingAgent } from '../support/recorded-threads.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'threads');

/** Runs every case, and says how each ended: `ok`, or the first line of its error. */
const outcomes = async (files: RecordedThreadFile[]) => {
  const ended: Record<string, string> = {};
  for (const file of files) {
    for (const testCase of file.cases) {
      ended[`${file.name}: ${testCase.title}`] = await testCase.check().then(
        () => 'ok',
        (error: Error) => error.message,
      );
    }
  }
  return ended;
};

const withGate = (agent: Agent, tool: string, needsApproval: boolean): Agent => ({
  ...agent,
  tools: agent.tools.map((candidate) =>
    candidate.name === tool ? { ...candidate, needsApproval } : candidate,
  ),
});

describe('the cases a folder of exported threads makes', () => {
  it('passes every step of the shipped threads with the agents as they are', async () => {
    const ended = await outcomes(await recordedThreadCases(FIXTURES, [billingAgent(), createTriageAgent()]));

    expect(Object.keys(ended)).toHaveLength(14);
    expect(Object.values(ended).every((outcome) => outcome === 'ok')).toBe(true);
  });

  it('fails exactly the steps a flipped approval gate changes, saying what changed', async () => {
    const ungated = withGate(billingAgent(), 'create_payment_link', false);

    const ended = await outcomes(await recordedThreadCases(FIXTURES, [ungated, createTriageAgent()]));

    const failed = Object.entries(ended).filter(([, outcome]) => outcome !== 'ok');
    expect(failed.map(([title]) => title)).toEqual([
      'billing-payment-link-approved.json: step #4 (create_payment_link) decides as recorded',
      'billing-payment-link-rejected.json: step #4 (create_payment_link) decides as recorded',
      'billing-question-then-link.json: step #7 (create_payment_link) decides as recorded',
    ]);
    expect(failed[0]?.[1]).toContain(
      'recorded: create_payment_link → approve create_payment_link\nnow:      create_payment_link → run create_payment_link',
    );
  });

  it('passes a changed prompt unless told to fail on benign changes too', async () => {
    const billing = billingAgent();
    const reworded: Agent = { ...billing, prompt: (input) => `${billing.prompt(input)}\nAlways be polite.` };
    const agents = [reworded, createTriageAgent()];

    const lenient = await outcomes(await recordedThreadCases(FIXTURES, agents));
    const strict = await outcomes(await recordedThreadCases(FIXTURES, agents, { failOn: 'benign' }));

    expect(Object.values(lenient).every((outcome) => outcome === 'ok')).toBe(true);
    expect(strict['billing-lookup-no-customer.json: step #2 (lookup_customer) decides as recorded']).toMatch(
      /^#2 benign\n[\s\S]*#2: system prompt changed$/,
    );
    expect(
      strict['triage-delegates-to-billing.json: step #2 (delegate_to_billing) decides as recorded'],
    ).toBe('ok');
  });

  it('makes a failing case of a file that is not an exported thread or names an unknown agent', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'threadline-cases-'));
    await writeFile(join(folder, 'broken.json'), '{"format": "threadline.thread.v1", "thread": {}');
    await writeFile(join(folder, 'not-a-thread.json'), '{"format": "something else"}');
    await cp(join(FIXTURES, 'triage-delegates-to-billing.json'), join(folder, 'triage.json'));

    const ended = await outcomes(await recordedThreadCases(folder, [billingAgent()]));

    expect(ended).toEqual({
      'broken.json: is an exported thread': `${join(folder, 'broken.json')} is not an exported thread: not JSON`,
      'not-a-thread.json: is an exported thread': expect.stringMatching(
        /not-a-thread\.json is not an exported thread: format: .*thread/,
      ),
      'triage.json: names an agent that was given':
        'triage.json names agent triage; the agents given are billing',
    });
  });
});
