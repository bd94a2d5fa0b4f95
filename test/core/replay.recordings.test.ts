import { describe, expect, it } from 'vitest';
import { replayThread } from '../../lib/core/replay.ts';
import { findReplayPoints } from '../../lib/core/replay-points.ts';
import { billingAgent, TERRI_LINK } from '../support/recorded-threads.ts';
import { aThread } from '../support/thread-builder.ts';

const TERRI = [{ id: 'cus_terri', name: 'Terri Jackson', email: 'terri@example.com' }];

const replay = async (builder: ReturnType<typeof aThread>) =>
  (await replayThread(builder.build(), billingAgent())).report;

describe('finding the steps the reducer took in a recording', () => {
  it('takes a refused reply and the retry that followed as one step', () => {
    const thread = aThread('th_1', 'billing')
      .user('create a $750 sponsorship link for Terri')
      .call('lookup_customer', { name: '' })
      .error('invalid arguments: name: Too small: expected string to have >=1 characters')
      .call('lookup_customer', { name: 'Terri' })
      .result(TERRI)
      .build();

    expect(findReplayPoints(thread.events)).toEqual([{ start: 1, end: 4, open: false, interrupted: false }]);
  });

  it('leaves out what a tool, a person or the outside wrote', () => {
    const builder = aThread('th_1', 'billing').user('create a $750 sponsorship link for Terri');
    builder.call('lookup_customer', { name: 'Terri' });
    const thread = builder
      .add({
        type: 'tool-error',
        key: `result:${builder.lastCallId}`,
        data: { callId: builder.lastCallId, tool: 'lookup_customer', message: 'directory down' },
      })
      .user('try again please')
      .call('lookup_customer', { name: 'Terri' })
      .result(TERRI)
      .build();

    expect(findReplayPoints(thread.events)).toEqual([
      { start: 1, end: 2, open: false, interrupted: false },
      { start: 4, end: 5, open: false, interrupted: false },
    ]);
  });

  it('marks a step the recording ends in the middle of as open', () => {
    const thread = aThread('th_1', 'billing')
      .user('create a link')
      .call('lookup_customer', {})
      .error('invalid arguments: name: expected string, received undefined')
      .build();

    expect(findReplayPoints(thread.events)).toEqual([{ start: 1, end: 3, open: true, interrupted: false }]);
  });
});

describe('replaying recordings with replies the reducer refused', () => {
  it('finds the same tool error and retry for a reply that broke the schema', async () => {
    const report = await replay(
      aThread('th_1', 'billing')
        .user('create a $750 sponsorship link for Terri')
        .call('create_payment_link', { ...TERRI_LINK, amountUsd: -5 })
        .error('invalid arguments: amountUsd: Too small: expected number to be >0')
        .call('lookup_customer', { name: 'Terri' }),
    );

    expect(report.steps).toEqual([
      expect.objectContaining({
        seq: 2,
        recorded: 'create_payment_link, lookup_customer → run lookup_customer',
        verdict: 'identical',
      }),
    ]);
  });

  it('finds a regression when the recorded tool error is worded differently now', async () => {
    const report = await replay(
      aThread('th_1', 'billing')
        .user('create a link')
        .call('create_payment_link', { ...TERRI_LINK, amountUsd: -5 })
        .error('amount must be positive')
        .call('done_for_now', { message: 'gave up' })
        .done('gave up'),
    );

    expect(report.steps[0]?.verdict).toBe('regression');
    expect(report.steps[0]?.differences).toEqual([
      expect.stringMatching(
        /^event 2: recorded tool-error .*amount must be positive.*, now tool-error .*Too small/,
      ),
    ]);
  });

  it('rebuilds replies that were not JSON, had no tool, or were blocked by a guardrail', async () => {
    const report = await replay(
      aThread('th_1', 'billing')
        .user('create a link')
        .call('lookup_customer', '{"name": "Terri"')
        .error('arguments are not valid JSON')
        .reply('I think Terri is a customer.')
        .error('no tool called: reply with exactly one tool call')
        .call('lookup_customer', { name: 'Terri' })
        .escalate('guardrail', 'a guardrail blocked the reply'),
    );

    expect(report.steps).toEqual([
      expect.objectContaining({
        recorded: 'lookup_customer, (no tool), lookup_customer → escalate (guardrail)',
        verdict: 'identical',
        differences: [],
      }),
    ]);
  });

  it('rebuilds replies cut off at the output limit or with a malformed tool call', async () => {
    const report = await replay(
      aThread('th_1', 'billing')
        .user('create a link')
        .reply('Let me look up')
        .error('reply cut off at the output limit: call one tool, briefly')
        .reply('{lookup')
        .error('malformed tool call: call one tool with JSON arguments')
        .call('lookup_customer', { name: 'Terri' }),
    );

    expect(report.steps).toEqual([
      expect.objectContaining({
        recorded: '(no tool), (no tool), lookup_customer → run lookup_customer',
        verdict: 'identical',
      }),
    ]);
  });

  it('replays an open step as one that asks the model again', async () => {
    const report = await replay(
      aThread('th_1', 'billing')
        .user('create a link')
        .call('lookup_customer', {})
        .error('invalid arguments: name: Invalid input: expected string, received undefined'),
    );

    expect(report.steps[0]).toMatchObject({
      recorded: 'lookup_customer → model again',
      replayed: 'lookup_customer → model again',
    });
  });

  it('reports the escalation the recorded limits wrote, and a regression when the limit moved', async () => {
    const builder = aThread('th_1', 'billing').user('create a link');
    for (let attempt = 0; attempt < 3; attempt += 1)
      builder
        .call('nope', {})
        .error(
          'unknown tool "nope"; the tools are: lookup_customer, create_payment_link, request_human_input, done_for_now',
        );
    builder.escalate('consecutive-errors', '3 tool errors in a row');
    const thread = builder.build();
    const agent = billingAgent();

    const same = (await replayThread(thread, agent)).report;
    const patient = (
      await replayThread(thread, { ...agent, limits: { ...agent.limits, maxConsecutiveErrors: 5 } })
    ).report;

    expect(same.steps.map((step) => [step.recorded, step.verdict])).toEqual([
      ['nope, nope, nope → escalate (consecutive-errors)', 'identical'],
    ]);
    expect(patient.steps[0]).toMatchObject({
      verdict: 'regression',
      replayed: 'nope, nope, nope → model again',
    });
  });
});
