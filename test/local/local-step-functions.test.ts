import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../lib/core/json.ts';
import {
  type LocalFunction,
  LocalStepFunctions,
  StepFunctionsError,
} from '../../lib/local/local-step-functions.ts';

const FN = 'arn:aws:lambda:local:000000000000:function:';
const MACHINE = 'arn:aws:states:local:000000000000:stateMachine:Loop';

/** HeartbeatSeconds is valid ASL that the library's types leave out, so this state is typed apart. */
const waitState = {
  Type: 'Task' as const,
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: { FunctionName: `${FN}notify`, Payload: { 'id.$': '$.id', 'taskToken.$': '$$.Task.Token' } },
  TimeoutSeconds: 60,
  HeartbeatSeconds: 1,
  ResultPath: '$.answer',
  Catch: [
    { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'TimedOut' },
    { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Refused' },
  ],
  Next: 'Done',
};

/** A small machine with the shapes the agent loop uses: a Lambda task, a Choice and a wait. */
const definition: StateMachineDefinition = {
  StartAt: 'Work',
  States: {
    Work: { Type: 'Task', Resource: `${FN}work`, ResultPath: '$.work', Next: 'Route' },
    Route: {
      Type: 'Choice',
      Choices: [{ Variable: '$.work.wait', BooleanEquals: true, Next: 'Wait' }],
      Default: 'Done',
    },
    Wait: waitState,
    TimedOut: { Type: 'Pass', Result: 'timed out', ResultPath: '$.outcome', End: true },
    Refused: { Type: 'Fail', Error: 'Refused', Cause: 'a person refused' },
    Done: { Type: 'Succeed' },
  },
};

const setup = (wait: boolean) => {
  const notified: JsonValue[] = [];
  const functions = new Map<string, LocalFunction>([
    [`${FN}work`, async () => ({ wait })],
    [
      `${FN}notify`,
      async (payload) => {
        notified.push(payload);
        return null;
      },
    ],
  ]);
  const sfn = new LocalStepFunctions({ definition, stateMachineArn: MACHINE, functions });
  const tokenOf = async (): Promise<string> => {
    while (notified.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const payload = notified[0];
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
      throw new Error('no payload');
    return String(payload.taskToken);
  };
  return { sfn, notified, tokenOf };
};

describe('LocalStepFunctions', () => {
  it('runs Lambda tasks in-process and succeeds with the final state', async () => {
    const { sfn } = setup(false);
    const started = sfn.startExecution({ name: 't-1', input: { id: 't' } });
    const done = await sfn.waitForExecution(started.executionArn);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { id: 't', work: { wait: false } } });
    expect(done.executionArn).toBe('arn:aws:states:local:000000000000:execution:Loop:t-1');
  });

  it('refuses a second execution with the same name', () => {
    const { sfn } = setup(false);
    sfn.startExecution({ name: 'same', input: {} });
    expect(() => sfn.startExecution({ name: 'same', input: {} })).toThrowError(
      expect.objectContaining({ name: 'ExecutionAlreadyExists' }),
    );
  });

  it('hands a task token to the waiting function and resumes on SendTaskSuccess', async () => {
    const { sfn, tokenOf } = setup(true);
    const started = sfn.startExecution({ input: { id: 'x' } });
    const token = await tokenOf();
    expect(sfn.describeExecution(started.executionArn).status).toBe('RUNNING');
    sfn.sendTaskSuccess(token, { approved: true });
    const done = await sfn.waitForExecution(started.executionArn);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { answer: { approved: true } } });
    expect(() => sfn.sendTaskSuccess(token, {})).toThrowError(
      expect.objectContaining({ name: 'TaskDoesNotExist' }),
    );
    expect(() => sfn.sendTaskSuccess('made-up', {})).toThrowError(
      expect.objectContaining({ name: 'InvalidToken' }),
    );
  });

  it('routes SendTaskFailure through the Catch by its error name', async () => {
    const { sfn, tokenOf } = setup(true);
    const started = sfn.startExecution({ input: { id: 'x' } });
    sfn.sendTaskFailure(await tokenOf(), 'Rejected', 'no');
    const done = await sfn.waitForExecution(started.executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'Refused', cause: 'a person refused' });
  });

  it('times the wait out when no heartbeat arrives, as States.Timeout', async () => {
    const { sfn, tokenOf } = setup(true);
    const started = sfn.startExecution({ input: { id: 'x' } });
    await tokenOf();
    const done = await sfn.waitForExecution(started.executionArn);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: { outcome: 'timed out' } });
  });

  it('stops a running execution and forgets its tokens', async () => {
    const { sfn, tokenOf } = setup(true);
    const started = sfn.startExecution({ input: { id: 'x' } });
    const token = await tokenOf();
    sfn.stopExecution(started.executionArn, 'Cancelled', 'by a test');
    expect(sfn.describeExecution(started.executionArn)).toMatchObject({
      status: 'ABORTED',
      error: 'Cancelled',
    });
    expect(() => sfn.sendTaskHeartbeat(token)).toThrowError(StepFunctionsError);
    expect(sfn.listExecutions('RUNNING')).toEqual([]);
  });
});
