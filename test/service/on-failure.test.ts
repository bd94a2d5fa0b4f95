import { describe, expect, it } from 'vitest';
import { describeFailure, recordFailure } from '../../lib/service/on-failure.ts';
import { APPROVER, createHarness, userMessage } from './harness.ts';

describe('describeFailure', () => {
  it('keeps the type and message of a Lambda error envelope, never its stack trace', () => {
    const cause = JSON.stringify({
      errorType: 'ModelFailed',
      errorMessage: 'thread th-1: the model call failed: 400 bad request',
      trace: ['ModelFailed: …', '    at runStep (file:///var/task/index.mjs:1:2)'],
    });

    expect(describeFailure({ Error: 'ModelFailed', Cause: cause })).toBe(
      'ModelFailed: thread th-1: the model call failed: 400 bad request',
    );
  });

  it('reads a plain-text cause, and a bare error name', () => {
    expect(describeFailure({ Error: 'States.Timeout', Cause: 'The task timed\nout' })).toBe(
      'States.Timeout: The task timed out',
    );
    expect(describeFailure({ Error: 'Unroutable' })).toBe('Unroutable');
    expect(describeFailure({})).toBe('Error');
  });

  it('cuts a long cause to one short line', () => {
    const line = describeFailure({ Error: 'Boom', Cause: 'x'.repeat(2000) });

    expect(line).toHaveLength(500);
    expect(line.endsWith('…')).toBe(true);
  });
});

describe('recordFailure', () => {
  it('appends a failure event and tells the approvers', async () => {
    const { deps, store, notifier, thread } = createHarness();
    await thread('th-1', [userMessage('Refund INV-1001')]);

    const outcome = await recordFailure('th-1', { Error: 'Lambda.Unknown', Cause: 'out of memory' }, deps);

    expect(outcome).toEqual({ recorded: true, error: 'Lambda.Unknown: out of memory' });
    expect((await store.load('th-1')).events.at(-1)).toMatchObject({
      type: 'failure',
      key: 'failure:1',
      data: { error: 'Lambda.Unknown: out of memory' },
    });
    expect(notifier.sent).toEqual([
      { kind: 'failure', threadId: 'th-1', error: 'Lambda.Unknown: out of memory', to: [APPROVER] },
    ]);
  });

  it('records a failure once when retried', async () => {
    const { deps, store, notifier, thread } = createHarness();
    await thread('th-1', [userMessage('Refund INV-1001')]);
    await recordFailure('th-1', { Error: 'Boom' }, deps);

    expect(await recordFailure('th-1', { Error: 'Boom' }, deps)).toEqual({ recorded: false, error: 'Boom' });
    expect((await store.load('th-1')).events.filter((event) => event.type === 'failure')).toHaveLength(1);
    expect(notifier.sent).toHaveLength(1);
  });

  it('records no failure for a turn that ended because the thread was paused', async () => {
    const { deps, store, notifier, thread } = createHarness();
    await thread('th-1', [userMessage('Refund INV-1001'), { type: 'paused', data: {} }]);

    const outcome = await recordFailure('th-1', { Error: 'ThreadNotRunnableError', Cause: 'paused' }, deps);

    expect(outcome.recorded).toBe(false);
    expect((await store.load('th-1')).events.at(-1)?.type).toBe('paused');
    expect(notifier.sent).toEqual([]);
  });
});
