import * as z from 'zod';
import { type JsonValue, parseJson } from '../core/json.ts';
import { type AwsJsonServer, AwsServiceError, startAwsJsonServer } from './aws-json-server.ts';
import { type ExecutionRecord, type LocalStepFunctions, StepFunctionsError } from './local-step-functions.ts';

const epochSeconds = (date: Date | undefined): number | undefined =>
  date === undefined ? undefined : date.getTime() / 1000;

const jsonText = (text: string | undefined, field: string): JsonValue => {
  if (text === undefined || text === '') return {};
  const parsed = parseJson(text);
  if (!parsed.ok) throw new AwsServiceError('InvalidExecutionInput', `${field} is not JSON: ${parsed.error}`);
  return parsed.value;
};

const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AwsServiceError('ValidationException', z.prettifyError(parsed.error));
  return parsed.data;
};

/** Step Functions errors keep their names on the wire; anything else is the stand-in's fault. */
const asServiceError = async <T>(work: () => T | Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StepFunctionsError) throw new AwsServiceError(error.name, error.message);
    throw error;
  }
};

const describe = (machineArn: string, record: ExecutionRecord) => ({
  executionArn: record.executionArn,
  stateMachineArn: machineArn,
  name: record.name,
  status: record.status,
  startDate: epochSeconds(record.startDate),
  stopDate: epochSeconds(record.stopDate),
  input: JSON.stringify(record.input),
  ...(record.output === undefined ? {} : { output: JSON.stringify(record.output) }),
  ...(record.error === undefined ? {} : { error: record.error }),
  ...(record.cause === undefined ? {} : { cause: record.cause }),
});

/**
 * The Step Functions API for the operations threadline uses, over the AWS JSON 1.0 wire
 * protocol, backed by local state machines keyed by ARN.
 */
export const startStepFunctionsEndpoint = (
  machines: ReadonlyMap<string, LocalStepFunctions>,
  options: { port?: number } = {},
): Promise<AwsJsonServer> => {
  const machine = (arn: string): LocalStepFunctions => {
    const found = machines.get(arn);
    if (!found)
      throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return found;
  };
  const byExecution = (executionArn: string): [string, LocalStepFunctions] => {
    for (const [arn, candidate] of machines) {
      const prefix = `${arn.replace(':stateMachine:', ':execution:')}:`;
      if (executionArn.startsWith(prefix)) return [arn, candidate];
    }
    throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
  };
  /** Task tokens are unique across machines: try each until one knows the token. */
  const withToken = (work: (candidate: LocalStepFunctions) => void): void => {
    let last: unknown;
    for (const candidate of machines.values()) {
      try {
        work(candidate);
        return;
      } catch (error) {
        last = error;
        if (!(error instanceof StepFunctionsError) || error.name !== 'InvalidToken') break;
      }
    }
    throw last ?? new StepFunctionsError('InvalidToken', 'Invalid Token');
  };

  return startAwsJsonServer({
    targetPrefix: 'AWSStepFunctions',
    port: options.port,
    operations: {
      StartExecution: (body) =>
        asServiceError(() => {
          const input = parse(
            z.object({
              stateMachineArn: z.string(),
              name: z.string().max(80).optional(),
              input: z.string().optional(),
            }),
            body,
          );
          const record = machine(input.stateMachineArn).startExecution({
            name: input.name,
            input: jsonText(input.input, 'input'),
          });
          return { executionArn: record.executionArn, startDate: epochSeconds(record.startDate) };
        }),
      DescribeExecution: (body) =>
        asServiceError(() => {
          const { executionArn } = parse(z.object({ executionArn: z.string() }), body);
          const [arn, found] = byExecution(executionArn);
          return describe(arn, found.describeExecution(executionArn));
        }),
      ListExecutions: (body) =>
        asServiceError(() => {
          const input = parse(
            z.object({
              stateMachineArn: z.string(),
              statusFilter: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']).optional(),
              maxResults: z.number().int().min(0).max(1000).optional(),
            }),
            body,
          );
          const records = machine(input.stateMachineArn).listExecutions(input.statusFilter);
          const limit = input.maxResults || 100;
          return {
            executions: records.slice(0, limit).map((record) => {
              const {
                input: _input,
                output: _output,
                error: _error,
                cause: _cause,
                ...summary
              } = describe(input.stateMachineArn, record);
              return summary;
            }),
          };
        }),
      StopExecution: (body) =>
        asServiceError(() => {
          const input = parse(
            z.object({
              executionArn: z.string(),
              error: z.string().optional(),
              cause: z.string().optional(),
            }),
            body,
          );
          byExecution(input.executionArn)[1].stopExecution(input.executionArn, input.error, input.cause);
          return { stopDate: Date.now() / 1000 };
        }),
      SendTaskSuccess: (body) =>
        asServiceError(() => {
          const input = parse(z.object({ taskToken: z.string(), output: z.string() }), body);
          const output = jsonText(input.output, 'output');
          withToken((candidate) => candidate.sendTaskSuccess(input.taskToken, output));
          return {};
        }),
      SendTaskFailure: (body) =>
        asServiceError(() => {
          const input = parse(
            z.object({ taskToken: z.string(), error: z.string().optional(), cause: z.string().optional() }),
            body,
          );
          withToken((candidate) => candidate.sendTaskFailure(input.taskToken, input.error, input.cause));
          return {};
        }),
      SendTaskHeartbeat: (body) =>
        asServiceError(() => {
          const { taskToken } = parse(z.object({ taskToken: z.string() }), body);
          withToken((candidate) => candidate.sendTaskHeartbeat(taskToken));
          return {};
        }),
    },
  });
};
