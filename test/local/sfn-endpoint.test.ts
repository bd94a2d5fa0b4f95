import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../lib/core/json.ts';
import type { AwsJsonServer } from '../../lib/local/aws-json-server.ts';
import { LocalStepFunctions } from '../../lib/local/local-step-functions.ts';
import { startStepFunctionsEndpoint } from '../../lib/local/sfn-endpoint.ts';

const MACHINE = 'arn:aws:states:local:000000000000:stateMachine:Loop';
const FN = 'arn:aws:lambda:local:000000000000:function:notify';

const definition: StateMachineDefinition = {
  StartAt: 'Wait',
  States: {
    Wait: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: FN, Payload: { 'taskToken.$': '$$.Task.Token' } },
      TimeoutSeconds: 60,
      End: true,
    },
  },
};

const tokens: string[] = [];
let server: AwsJsonServer;
let sfn: SFNClient;

beforeAll(async () => {
  const functions = new Map([
    [
      FN,
      async (payload: JsonValue) => {
        if (payload && typeof payload === 'object' && !Array.isArray(payload))
          tokens.push(String(payload.taskToken));
        return null;
      },
    ],
  ]);
  const machine = new LocalStepFunctions({ definition, stateMachineArn: MACHINE, functions });
  server = await startStepFunctionsEndpoint(new Map([[MACHINE, machine]]));
  sfn = new SFNClient({
    endpoint: server.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  sfn.destroy();
  await server.close();
});

const nextToken = async (count: number): Promise<string> => {
  while (tokens.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  return tokens[count - 1] ?? '';
};

describe('the local Step Functions endpoint, driven by the stock SDK client', () => {
  it('starts an execution, resumes its task with SendTaskSuccess and describes the result', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE, name: 'turn-1', input: '{"threadId":"t"}' }),
    );
    expect(executionArn).toBe('arn:aws:states:local:000000000000:execution:Loop:turn-1');
    const token = await nextToken(1);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    let described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    while (described.status === 'RUNNING') {
      await new Promise((resolve) => setTimeout(resolve, 5));
      described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    }
    expect(described).toMatchObject({ status: 'SUCCEEDED', name: 'turn-1', output: '{"approved":true}' });
    expect(described.startDate).toBeInstanceOf(Date);
  });

  it('answers with the service’s own error types', async () => {
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE, name: 'turn-1', input: '{}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: await nextToken(1), output: '{}' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it('lists running executions and stops them', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: MACHINE, name: 'turn-2', input: '{}' }),
    );
    await nextToken(2);
    const running = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: MACHINE, statusFilter: 'RUNNING' }),
    );
    expect(running.executions?.map((execution) => execution.name)).toEqual(['turn-2']);
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Cancelled' }));
    const stopped = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(stopped).toMatchObject({ status: 'ABORTED', error: 'Cancelled' });
  });
});
