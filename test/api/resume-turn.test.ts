import { describe, expect, it } from 'vitest';
import { shouldStartTurnOnResume } from '../../lib/api/resume-turn.ts';
import { aThread } from '../support/thread-builder.ts';

describe('shouldStartTurnOnResume', () => {
  it('starts a turn when the model owes the next step', () => {
    const thread = aThread().user('hi').pause().resume().build();

    expect(shouldStartTurnOnResume(thread.events, 3)).toBe(true);
  });

  it('lets only the resume that ended the pause start it', () => {
    const thread = aThread().user('hi').pause().resume().resume().build();

    expect(shouldStartTurnOnResume(thread.events, 3)).toBe(true);
    expect(shouldStartTurnOnResume(thread.events, 4)).toBe(false);
  });

  it('starts none for an earlier resume once the thread was paused again', () => {
    const thread = aThread().user('hi').pause().resume().pause().build();

    expect(shouldStartTurnOnResume(thread.events, 3)).toBe(false);
  });

  it('starts none once a model step was taken after the resume', () => {
    const thread = aThread()
      .user('hi')
      .pause()
      .resume()
      .call('lookup_customer', { name: 'T' })
      .result('none')
      .build();

    expect(shouldStartTurnOnResume(thread.events, 3)).toBe(false);
  });

  it('starts none while a tool call is pending: the turn in flight runs it', () => {
    const thread = aThread().user('hi').call('lookup_customer', { name: 'T' }).pause().resume().build();

    expect(shouldStartTurnOnResume(thread.events, 4)).toBe(false);
  });

  it.each([
    [
      'waits for an approval',
      aThread().user('hi').call('pay', { amount: 1 }).approvalRequest().pause().resume(),
    ],
    [
      'waits for an answer',
      aThread()
        .user('hi')
        .call('request_human_input', { question: 'Which?' })
        .question('Which?')
        .pause()
        .resume(),
    ],
    ['is done', aThread().user('hi').done('ok').pause().resume()],
    ['failed', aThread().user('hi').fail('boom').pause().resume()],
    ['escalated', aThread().user('hi').escalate('step-cap').pause().resume()],
  ])('starts none when the thread %s', (_what, builder) => {
    const thread = builder.build();

    expect(shouldStartTurnOnResume(thread.events, thread.events.length)).toBe(false);
  });
});
