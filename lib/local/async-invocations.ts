import { randomUUID } from 'node:crypto';
import type { FailedInvocation } from '../adapters/lambda-replay.ts';
import type { JsonValue } from '../core/json.ts';

export interface AsyncInvocationsOptions {
  /** Runs a function by its logical id, as the function host does. */
  invoke: (functionLogicalId: string, event: JsonValue) => Promise<unknown>;
  /** What the template's EventInvokeConfig says per function; Lambda's defaults for the others. */
  configs: readonly { functionLogicalId: string; retryAttempts: number; onFailureQueue?: string }[];
  /** Where a failed event's record goes: the local SQS. */
  sendToQueue: (queueName: string, body: string) => void;
  functionArnOf: (functionLogicalId: string) => string;
  /** Told about an event that failed every attempt and has no destination; stderr by default. */
  onLost?: (functionLogicalId: string, error: unknown) => void;
}

/**
 * Lambda's asynchronous invocation on one machine: the caller gets 202 at once, the function runs
 * in the background, a failure is tried again up to the configured retries (at once here, where
 * Lambda waits a minute and then two), and an event that failed every attempt goes to the
 * on-failure queue as the record Lambda writes (`requestPayload` is the event, unchanged).
 */
export class AsyncInvocations {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: AsyncInvocationsOptions) {}

  /** Starts the invocation; the promise resolves when it and its retries are over, and never rejects. */
  invoke(functionLogicalId: string, event: JsonValue): Promise<void> {
    const run = this.attempt(functionLogicalId, event);
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
    return run;
  }

  /** Resolves when every invocation so far has finished, retries and destinations included. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async attempt(functionLogicalId: string, event: JsonValue): Promise<void> {
    const config = this.options.configs.find(
      (candidate) => candidate.functionLogicalId === functionLogicalId,
    );
    const attempts = 1 + (config?.retryAttempts ?? 2);
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        await this.options.invoke(functionLogicalId, event);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    if (config?.onFailureQueue === undefined) {
      (
        this.options.onLost ??
        ((name, error) => console.error(`[lambda] ${name} failed every attempt`, error))
      )(functionLogicalId, lastError);
      return;
    }
    const record: FailedInvocation & Record<string, unknown> = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: randomUUID(),
        functionArn: `${this.options.functionArnOf(functionLogicalId)}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: attempts,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: {
        errorType: lastError instanceof Error ? lastError.name : 'Error',
        errorMessage: lastError instanceof Error ? lastError.message : String(lastError),
      },
    };
    this.options.sendToQueue(config.onFailureQueue, JSON.stringify(record));
  }
}
