import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../lib/core/json.ts';
import { type LocalFunction, LocalStepFunctions } from '../../lib/local/local-step-functions.ts';

const FN = 'arn:aws:lambda:local:000000000000:function:';
const PARENT = 'arn:aws:states:local:000000000000:stateMachine:Parent';
const CHILD = 'arn:aws:states:local:000000000000:stateMachine:Child';

const child: StateMachineDefinition = {
  StartAt: 'Work',
  States: { Work: { Type: 'Task', Resource: `${FN}work`, ResultPath: '$.work', End: true } },
};
const parent: StateMachineDefinition = {
  StartAt: 'Nested',
  States: {
    Nested: {
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: { StateMachineArn: CHILD, Input: { 'id.$': '$.id' } },
      OutputPath: '$.Output',
      Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'ChildFailed' }],
      End: true,
    },
    ChildFailed: { Type: 'Pass', End: true },
  },
};

const setup = (work: LocalFunction) => {
  const functions = new Map<string, LocalFunction>([[`${FN}work`, work]]);
  const childMachine = new LocalStepFunctions({ definition: child, stateMachineArn: CHILD, functions });
  const parentMachine = new LocalStepFunctions({
    definition: parent,
    stateMachineArn: PARENT,
    functions,
    nested: new Map([[CHILD, childMachine]]),
  });
  const execution = parentMachine.startExecution({ name: 'p1', input: { id: 'x' } });
  return {
    childMachine,
    parentMachine,
    execution,
    done: () => parentMachine.waitForExecution(execution.executionArn),
  };
};

describe('a startExecution.sync:2 task, locally', () => {
  it('runs the named machine’s own definition and hands its output back as JSON', async () => {
    const run = setup(async (payload) => ({ saw: payload }));
    expect(await run.done()).toMatchObject({
      status: 'SUCCEEDED',
      output: { id: 'x', work: { saw: { id: 'x' } } },
    });
    expect(run.childMachine.listExecutions().map((record) => record.status)).toEqual(['SUCCEEDED']);
  });

  it('fails the task with States.TaskFailed, the child’s description as its cause, when the child fails', async () => {
    const run = setup(async () => {
      throw new Error('the work broke');
    });
    const record = await run.done();
    expect(record.status).toBe('SUCCEEDED');
    const error = (record.output as { error: { Error: string; Cause: string } }).error;
    expect(error.Error).toBe('States.TaskFailed');
    expect(JSON.parse(error.Cause)).toMatchObject({ Status: 'FAILED', StateMachineArn: CHILD });
  });

  it('stops the child when the parent is stopped', async () => {
    let release: ((value: JsonValue) => void) | undefined;
    const run = setup(() => new Promise<JsonValue>((resolve) => (release = resolve)));
    for (
      let attempt = 0;
      attempt < 200 && run.childMachine.listExecutions('RUNNING').length === 0;
      attempt += 1
    )
      await new Promise((resolve) => setTimeout(resolve, 5));
    run.parentMachine.stopExecution(run.execution.executionArn);
    release?.({});
    expect((await run.done()).status).toBe('ABORTED');
    expect(run.childMachine.listExecutions().map((record) => record.status)).toEqual(['ABORTED']);
  });

  it('fails the task when the named machine is not one it was given', async () => {
    const functions = new Map<string, LocalFunction>();
    const lonely = new LocalStepFunctions({ definition: parent, stateMachineArn: PARENT, functions });
    const execution = lonely.startExecution({ name: 'p2', input: { id: 'y' } });
    // States.TaskFailed matches every task error but a timeout, as ASL says: the Catch takes it.
    const record = await lonely.waitForExecution(execution.executionArn);
    expect(record.output).toMatchObject({
      error: { Error: 'InvalidDefinition', Cause: `no local state machine ${CHILD}` },
    });
  });
});
