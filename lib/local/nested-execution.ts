import * as z from 'zod';
import { type JsonValue, JsonValueSchema } from '../core/json.ts';
import { type LocalStepFunctions, StepFunctionsError } from './local-step-functions.ts';

const StartExecutionParametersSchema = z.object({
  StateMachineArn: z.string(),
  Input: JsonValueSchema.optional(),
  Name: z.string().optional(),
});

/**
 * A `startExecution.sync:2` task on one machine: starts the named machine's own definition and
 * waits for it. Success answers as DescribeExecution does, with `Output` as JSON (what `:2`
 * adds); any other end fails the task with `States.TaskFailed`, its cause the execution's
 * description, as Step Functions does. `onStarted` learns the execution, so that stopping the
 * parent can stop it too.
 */
export const runNestedExecution = async (
  machines: ReadonlyMap<string, LocalStepFunctions>,
  input: JsonValue,
  onStarted: (machine: LocalStepFunctions, executionArn: string) => void,
): Promise<JsonValue> => {
  const parameters = StartExecutionParametersSchema.parse(input);
  const machine = machines.get(parameters.StateMachineArn);
  if (!machine)
    throw new StepFunctionsError('InvalidDefinition', `no local state machine ${parameters.StateMachineArn}`);
  const started = machine.startExecution({
    ...(parameters.Name === undefined ? {} : { name: parameters.Name }),
    input: parameters.Input ?? {},
  });
  onStarted(machine, started.executionArn);
  const record = await machine.waitForExecution(started.executionArn);
  const description = {
    ExecutionArn: record.executionArn,
    StateMachineArn: parameters.StateMachineArn,
    Name: record.name,
    Status: record.status,
    StartDate: record.startDate.toISOString(),
    ...(record.stopDate ? { StopDate: record.stopDate.toISOString() } : {}),
    Input: record.input,
    ...(record.output === undefined ? {} : { Output: record.output }),
    ...(record.error === undefined ? {} : { Error: record.error }),
    ...(record.cause === undefined ? {} : { Cause: record.cause }),
  };
  if (record.status === 'SUCCEEDED') return description;
  const failure = new Error(JSON.stringify(description));
  failure.name = 'States.TaskFailed';
  throw failure;
};
