import {
  ExecutionAlreadyExists,
  InvalidToken,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { StepFunctionsOrchestrator } from '../../lib/adapters/sfn-orchestrator.ts';

const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:loop';
const sfn = mockClient(SFNClient);
const orchestrator = () =>
  new StepFunctionsOrchestrator({ stateMachineArn: ARN, client: new SFNClient({ region: 'eu-west-1' }) });
const meta = { $metadata: {}, message: 'x' };

beforeEach(() => {
  sfn.reset();
});

describe('StepFunctionsOrchestrator', () => {
  it('starts a turn as an execution named after the thread and seq, with only the ids as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:th-1-3`, startDate: new Date() });

    expect(await orchestrator().startTurn('th-1', 3)).toBe('started');
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: ARN,
      name: 'th-1-3',
      input: '{"threadId":"th-1","seq":3}',
    });
  });

  it('answers already-started when Step Functions refuses a duplicate name', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists(meta));

    expect(await orchestrator().startTurn('th-1', 3)).toBe('already-started');
  });

  it('throws what else goes wrong when starting', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('AccessDenied'));

    await expect(orchestrator().startTurn('th-1', 3)).rejects.toThrow('AccessDenied');
  });

  it('names the missing setting when a function without the machine tries to start a turn', async () => {
    const withoutMachine = new StepFunctionsOrchestrator({ client: new SFNClient({ region: 'eu-west-1' }) });

    await expect(withoutMachine.startTurn('th-1', 1)).rejects.toThrow('STATE_MACHINE_ARN is not set');
  });

  it('resumes a task with its output as JSON', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});

    expect(await orchestrator().resume('token', { approved: true, next: { kind: 'step' } })).toBe('resumed');
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input).toEqual({
      taskToken: 'token',
      output: '{"approved":true,"next":{"kind":"step"}}',
    });
  });

  it.each([
    ['TaskDoesNotExist', new TaskDoesNotExist(meta)],
    ['TaskTimedOut', new TaskTimedOut(meta)],
    ['InvalidToken', new InvalidToken(meta)],
  ])('answers gone when resuming meets %s', async (_name, error) => {
    sfn.on(SendTaskSuccessCommand).rejects(error);
    sfn.on(SendTaskFailureCommand).rejects(error);

    expect(await orchestrator().resume('token', {})).toBe('gone');
    expect(await orchestrator().fail('token', 'Rejected', 'no')).toBe('gone');
  });

  it('fails a task with an error name and cause', async () => {
    sfn.on(SendTaskFailureCommand).resolves({});

    expect(await orchestrator().fail('token', 'Cancelled', 'by ada')).toBe('failed');
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toEqual({
      taskToken: 'token',
      error: 'Cancelled',
      cause: 'by ada',
    });
  });

  it('stops the running turns of one thread only, across pages', async () => {
    const execution = (name: string) => ({
      executionArn: `${ARN.replace('stateMachine', 'execution')}:${name}`,
      stateMachineArn: ARN,
      name,
      status: 'RUNNING' as const,
      startDate: new Date(),
    });
    sfn
      .on(ListExecutionsCommand)
      .resolvesOnce({ executions: [execution('th-1-1'), execution('th-10-1')], nextToken: 'page-2' })
      .resolvesOnce({ executions: [execution('th-1-7'), execution('th-1-x-2')] });
    sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });

    await orchestrator().stopTurns('th-1', 'cancelled by ada');

    expect(sfn.commandCalls(ListExecutionsCommand).map((call) => call.args[0].input)).toEqual([
      { stateMachineArn: ARN, statusFilter: 'RUNNING' },
      { stateMachineArn: ARN, statusFilter: 'RUNNING', nextToken: 'page-2' },
    ]);
    expect(sfn.commandCalls(StopExecutionCommand).map((call) => call.args[0].input)).toEqual([
      { executionArn: execution('th-1-1').executionArn, error: 'Cancelled', cause: 'cancelled by ada' },
      { executionArn: execution('th-1-7').executionArn, error: 'Cancelled', cause: 'cancelled by ada' },
    ]);
  });
});
