import './polyfills.ts';
import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import * as z from 'zod';
import { type JsonValue, JsonValueSchema } from '../core/json.ts';
import { clampTimeouts, failureOf, findToken, MAX_TIMER_SECONDS } from './execution-support.ts';
import { runNestedExecution } from './nested-execution.ts';

/** A Lambda function's code, called in-process with the payload the state machine sends. */
export type LocalFunction = (payload: JsonValue) => Promise<JsonValue>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  executionArn: string;
  name: string;
  input: JsonValue;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: JsonValue;
  error?: string;
  cause?: string;
}

/** Errors named as Step Functions names them, so the wire stand-in can return them as-is. */
export class StepFunctionsError extends Error {
  constructor(
    override readonly name:
      | 'ExecutionAlreadyExists'
      | 'ExecutionDoesNotExist'
      | 'TaskDoesNotExist'
      | 'InvalidToken'
      | 'InvalidDefinition',
    message: string,
  ) {
    super(message);
  }
}

export interface LocalStepFunctionsOptions {
  definition: StateMachineDefinition;
  stateMachineArn: string;
  /** Function ARN → its code. Every Task's function must be here. */
  functions: ReadonlyMap<string, LocalFunction>;
  /** Milliseconds between retries, instead of the definition's backoff: for tests only. */
  retryIntervalMs?: number;
  /** The machines the definition's `startExecution.sync:2` tasks start, by state machine ARN. */
  nested?: ReadonlyMap<string, LocalStepFunctions>;
}

interface Waiter {
  executionArn: string;
  resolve: (output: JsonValue) => void;
  reject: (error: Error) => void;
  heartbeat: () => void;
}

const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:/;
const WAIT_FOR_TOKEN = /^arn:aws[\w-]*:states:::lambda:invoke\.waitForTaskToken$/;
const LAMBDA_INVOKE = /^arn:aws[\w-]*:states:::lambda:invoke$/;
const START_EXECUTION_SYNC = /^arn:aws[\w-]*:states:::states:startExecution\.sync:2$/;

const TaskStateSchema = z.object({
  Type: z.literal('Task'),
  Resource: z.string(),
  TimeoutSeconds: z.number().optional(),
  HeartbeatSeconds: z.number().optional(),
});
const InvokeParametersSchema = z.object({ FunctionName: z.string(), Payload: JsonValueSchema.optional() });

/**
 * Step Functions on one machine: runs the synthesized definition with aws-local-stepfunctions.
 * Lambda tasks call the functions' code in-process; `.waitForTaskToken` tasks mint a token,
 * hand it to their function like AWS does, and wait until SendTaskSuccess or SendTaskFailure
 * (or their timeout or heartbeat) settles them.
 */
export class LocalStepFunctions {
  private readonly machine: StateMachine;
  private readonly definition: StateMachineDefinition;
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly minted = new Set<string>();
  /** The nested executions each execution started, so that stopping it stops them too. */
  private readonly nestedRuns = new Map<string, { machine: LocalStepFunctions; executionArn: string }[]>();

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.definition = clampTimeouts(options.definition);
    this.machine = new StateMachine(this.definition, { validationOptions: { checkArn: false } });
  }

  startExecution(input: { name?: string; input: JsonValue }): ExecutionRecord {
    const name = input.name ?? randomUUID();
    const executionArn = `${this.options.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
    if (this.executions.has(executionArn)) {
      throw new StepFunctionsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      name,
      input: input.input,
      status: 'RUNNING',
      startDate: new Date(),
    };
    this.executions.set(executionArn, record);
    const execution = this.machine.run(input.input, {
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers(executionArn),
        ...(this.options.retryIntervalMs === undefined
          ? {}
          : { retryIntervalOverrides: this.retryOverrides(this.options.retryIntervalMs) }),
      },
      context: this.contextFor(executionArn, name, input.input),
    });
    const done = execution.result.then(
      (output) => this.finish(record, { status: 'SUCCEEDED', output: JsonValueSchema.parse(output ?? null) }),
      (error: unknown) => this.finish(record, failureOf(error)),
    );
    this.running.set(executionArn, { abort: execution.abort, done });
    return record;
  }

  describeExecution(executionArn: string): ExecutionRecord {
    const record = this.executions.get(executionArn);
    if (!record)
      throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  listExecutions(status?: ExecutionStatus): ExecutionRecord[] {
    return [...this.executions.values()].filter((record) => status === undefined || record.status === status);
  }

  stopExecution(executionArn: string, error?: string, cause?: string): void {
    const record = this.describeExecution(executionArn);
    if (record.status !== 'RUNNING') return;
    // Taken before `finish`, which forgets both.
    const running = this.running.get(executionArn);
    const nested = this.nestedRuns.get(executionArn) ?? [];
    this.finish(record, { status: 'ABORTED', error, cause });
    running?.abort();
    for (const [token, waiter] of this.waiters) {
      if (waiter.executionArn === executionArn) this.waiters.delete(token);
    }
    for (const run of nested) run.machine.stopExecution(run.executionArn);
  }

  sendTaskSuccess(taskToken: string, output: JsonValue): void {
    this.takeWaiter(taskToken).resolve(output);
  }

  sendTaskFailure(taskToken: string, error = 'TaskFailed', cause = ''): void {
    const failure = new Error(cause);
    failure.name = error;
    this.takeWaiter(taskToken).reject(failure);
  }

  sendTaskHeartbeat(taskToken: string): void {
    const waiter = this.waiters.get(taskToken);
    if (!waiter) throw this.unknownToken(taskToken);
    waiter.heartbeat();
  }

  /** Resolves when the execution has stopped, whatever its status. */
  async waitForExecution(executionArn: string): Promise<ExecutionRecord> {
    await this.running.get(executionArn)?.done;
    return this.describeExecution(executionArn);
  }

  /** Resolves once some execution waits on a task token: the token and the function's payload. */
  pendingTokens(): string[] {
    return [...this.waiters.keys()];
  }

  private takeWaiter(taskToken: string): Waiter {
    const waiter = this.waiters.get(taskToken);
    if (!waiter) throw this.unknownToken(taskToken);
    this.waiters.delete(taskToken);
    return waiter;
  }

  private unknownToken(taskToken: string): StepFunctionsError {
    return this.minted.has(taskToken)
      ? new StepFunctionsError('TaskDoesNotExist', 'Task Does Not Exist')
      : new StepFunctionsError('InvalidToken', 'Invalid Token');
  }

  private finish(
    record: ExecutionRecord,
    outcome: Partial<ExecutionRecord> & { status: ExecutionStatus },
  ): void {
    if (record.status !== 'RUNNING') return;
    Object.assign(record, outcome, { stopDate: new Date() });
    this.running.delete(record.executionArn);
    this.nestedRuns.delete(record.executionArn);
  }

  /** `$$.Task.Token` is a getter: each read mints a fresh token, as each task attempt gets on AWS. */
  private contextFor(executionArn: string, name: string, input: JsonValue): Record<string, unknown> {
    const minted = this.minted;
    return {
      Execution: { Id: executionArn, Name: name, Input: input },
      StateMachine: { Id: this.options.stateMachineArn },
      Task: {
        get Token(): string {
          const token = `local-${randomUUID()}`;
          minted.add(token);
          return token;
        },
      },
    };
  }

  private taskHandlers(executionArn: string): Record<string, (input: JsonValue) => Promise<JsonValue>> {
    const handlers: Record<string, (input: JsonValue) => Promise<JsonValue>> = {};
    for (const [stateName, state] of Object.entries(this.definition.States)) {
      const task = TaskStateSchema.safeParse(state);
      if (!task.success) continue;
      const { Resource: resource, TimeoutSeconds: timeout, HeartbeatSeconds: heartbeat } = task.data;
      if (WAIT_FOR_TOKEN.test(resource)) {
        handlers[stateName] = (input) =>
          this.waitForToken(executionArn, stateName, input, { timeout, heartbeat });
      } else if (LAMBDA_INVOKE.test(resource)) {
        handlers[stateName] = async (input) => {
          const { FunctionName, Payload } = InvokeParametersSchema.parse(input);
          return { StatusCode: 200, Payload: await this.functionFor(FunctionName)(Payload ?? null) };
        };
      } else if (START_EXECUTION_SYNC.test(resource)) {
        handlers[stateName] = (input) => this.runNested(executionArn, input);
      } else if (LAMBDA_ARN.test(resource)) {
        handlers[stateName] = (input) => this.functionFor(resource)(input);
      } else {
        throw new StepFunctionsError(
          'InvalidDefinition',
          `state ${stateName}: the local stack cannot run ${resource}`,
        );
      }
    }
    // A stopped execution starts no more work: the emulator's abort does not reach a task already
    // in flight, whose Retry would otherwise run it again after the stop, as no execution on AWS does.
    return Object.fromEntries(
      Object.entries(handlers).map(([stateName, handler]) => [
        stateName,
        async (input: JsonValue) => {
          const { status } = this.describeExecution(executionArn);
          if (status !== 'RUNNING') {
            throw new Error(`${executionArn} is ${status}: ${stateName} is not run`);
          }
          return handler(input);
        },
      ]),
    );
  }

  private async waitForToken(
    executionArn: string,
    stateName: string,
    input: JsonValue,
    limits: { timeout?: number; heartbeat?: number },
  ): Promise<JsonValue> {
    const { FunctionName, Payload } = InvokeParametersSchema.parse(input);
    const token = findToken(Payload ?? null, this.minted);
    if (!token)
      throw new StepFunctionsError('InvalidDefinition', `state ${stateName} passes no $$.Task.Token`);
    const settled = new Promise<JsonValue>((resolve, reject) => {
      let heartbeatTimer: NodeJS.Timeout | undefined;
      const armHeartbeat = (): void => {
        if (limits.heartbeat === undefined) return;
        clearTimeout(heartbeatTimer);
        heartbeatTimer = setTimeout(() => {
          this.waiters.delete(token);
          const timedOut = new Error('heartbeat timed out');
          timedOut.name = 'States.Timeout';
          reject(timedOut);
        }, Math.min(limits.heartbeat, MAX_TIMER_SECONDS) * 1000);
        heartbeatTimer.unref?.();
      };
      armHeartbeat();
      const settle =
        <T>(action: (value: T) => void) =>
        (value: T): void => {
          clearTimeout(heartbeatTimer);
          action(value);
        };
      this.waiters.set(token, {
        executionArn,
        resolve: settle(resolve),
        reject: settle(reject),
        heartbeat: armHeartbeat,
      });
    });
    // The task's own timeout (TimeoutSeconds) is enforced by aws-local-stepfunctions.
    try {
      await this.functionFor(FunctionName)(Payload ?? null);
    } catch (error) {
      this.waiters.delete(token);
      throw error;
    }
    return settled;
  }

  /** `startExecution.sync:2`: the named machine's execution, stopped with this one (nested-execution.ts). */
  private async runNested(executionArn: string, input: JsonValue): Promise<JsonValue> {
    return runNestedExecution(this.options.nested ?? new Map(), input, (machine, started) => {
      const runs = this.nestedRuns.get(executionArn) ?? [];
      runs.push({ machine, executionArn: started });
      this.nestedRuns.set(executionArn, runs);
    });
  }

  private functionFor(arn: string): LocalFunction {
    const code = this.options.functions.get(arn);
    if (!code) throw new StepFunctionsError('InvalidDefinition', `no local code for function ${arn}`);
    return code;
  }

  private retryOverrides(intervalMs: number): Record<string, number> {
    const overrides: Record<string, number> = {};
    for (const stateName of Object.keys(this.definition.States)) overrides[stateName] = intervalMs;
    return overrides;
  }
}
