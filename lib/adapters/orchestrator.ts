import type { JsonValue } from '../core/json.ts';

/**
 * The agent loop's runner, as the rest of the system sees it: Step Functions on AWS, the
 * local stand-in on a laptop. Tokens are opaque and never leave the server.
 */
export interface Orchestrator {
  /** Starts the turn that the event at `seq` begins. A second start of the same turn is a no-op. */
  startTurn(threadId: string, seq: number): Promise<'started' | 'already-started'>;
  /** Resumes a waiting task. `gone` when the task no longer waits (timed out, or answered). */
  resume(taskToken: string, output: JsonValue): Promise<'resumed' | 'gone'>;
  /** Fails a waiting task with an error name the state machine can catch. */
  fail(taskToken: string, error: string, cause: string): Promise<'failed' | 'gone'>;
  /** Stops every running turn of a thread (cancel). */
  stopTurns(threadId: string, cause: string): Promise<void>;
}

/** Execution names allow 80 characters of `[A-Za-z0-9-_]`; thread ids are made to fit. */
export const executionName = (threadId: string, seq: number): string => `${threadId}-${seq}`.slice(0, 80);
