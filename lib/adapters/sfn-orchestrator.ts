import {
  ExecutionAlreadyExists,
  InvalidToken,
  ListExecutionsCommand,
  type ListExecutionsCommandOutput,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { JsonValue } from '../core/json.ts';
import { executionName, type Orchestrator } from './orchestrator.ts';

export interface StepFunctionsOrchestratorOptions {
  /** The agent loop. Needed to start and stop turns; resuming a task needs only its token. */
  stateMachineArn?: string;
  client?: SFNClient;
}

/** SendTaskFailure allows 256 characters of error name and 32,768 of cause. */
const MAX_ERROR = 256;
const MAX_CAUSE = 32_768;

/**
 * The `Orchestrator` on Step Functions. A turn is an execution named `<threadId>-<seq>`, so a
 * duplicate start is refused by Step Functions itself; a task that no longer waits is `gone`.
 */
export class StepFunctionsOrchestrator implements Orchestrator {
  private readonly client: SFNClient;

  constructor(private readonly options: StepFunctionsOrchestratorOptions = {}) {
    this.client = options.client ?? new SFNClient({});
  }

  async startTurn(threadId: string, seq: number): Promise<'started' | 'already-started'> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn(),
          name: executionName(threadId, seq),
          input: JSON.stringify({ threadId, seq }),
        }),
      );
      return 'started';
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return 'already-started';
      throw error;
    }
  }

  async resume(taskToken: string, output: JsonValue): Promise<'resumed' | 'gone'> {
    return this.unlessGone('resumed', () =>
      this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })),
    );
  }

  async fail(taskToken: string, error: string, cause: string): Promise<'failed' | 'gone'> {
    return this.unlessGone('failed', () =>
      this.client.send(
        new SendTaskFailureCommand({
          taskToken,
          error: error.slice(0, MAX_ERROR),
          cause: cause.slice(0, MAX_CAUSE),
        }),
      ),
    );
  }

  /** Lists the running executions page by page and stops those named after this thread. */
  async stopTurns(threadId: string, cause: string): Promise<void> {
    const prefix = `${threadId}-`;
    let nextToken: string | undefined;
    do {
      const page: ListExecutionsCommandOutput = await this.client.send(
        new ListExecutionsCommand({
          stateMachineArn: this.stateMachineArn(),
          statusFilter: 'RUNNING',
          ...(nextToken === undefined ? {} : { nextToken }),
        }),
      );
      for (const execution of page.executions ?? []) {
        if (!execution.name?.startsWith(prefix) || !isTurnName(execution.name.slice(prefix.length))) continue;
        await this.client.send(
          new StopExecutionCommand({
            executionArn: execution.executionArn,
            error: 'Cancelled',
            cause: cause.slice(0, MAX_CAUSE),
          }),
        );
      }
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
  }

  private stateMachineArn(): string {
    const arn = this.options.stateMachineArn;
    if (arn === undefined || arn === '')
      throw new Error('STATE_MACHINE_ARN is not set: this function cannot start or stop turns');
    return arn;
  }

  private async unlessGone<T extends string>(done: T, send: () => Promise<unknown>): Promise<T | 'gone'> {
    try {
      await send();
      return done;
    } catch (error) {
      if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken)
        return 'gone';
      throw error;
    }
  }
}

/** `<seq>` after the thread's prefix: `th-1-12` is a turn of `th-1`, not of thread `th`. */
const isTurnName = (rest: string): boolean => /^\d+$/.test(rest);
