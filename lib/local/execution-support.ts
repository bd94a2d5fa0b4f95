import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { JsonValue } from '../core/json.ts';
import type { ExecutionRecord, ExecutionStatus } from './local-step-functions.ts';

/** Node timers overflow past 2^31 - 1 ms (24.8 days): longer waits are clamped to that locally. */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** The task token a waiting task's payload carries: one this runner minted. */
export const findToken = (payload: JsonValue, minted: ReadonlySet<string>): string | undefined => {
  if (typeof payload === 'string') return minted.has(payload) ? payload : undefined;
  if (payload === null || typeof payload !== 'object') return undefined;
  for (const value of Object.values(payload)) {
    const token = findToken(value, minted);
    if (token) return token;
  }
  return undefined;
};

export const failureOf = (error: unknown): Partial<ExecutionRecord> & { status: ExecutionStatus } => {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const name = error instanceof Error ? error.name : 'Error';
  if (name === 'ExecutionAbortedError') return { status: 'ABORTED' };
  if (name === 'ExecutionTimeoutError') return { status: 'TIMED_OUT', error: 'States.Timeout' };
  return {
    status: 'FAILED',
    error: cause instanceof Error ? cause.name : 'Error',
    cause: cause instanceof Error ? cause.message : String(cause),
  };
};

export const clampTimeouts = (definition: StateMachineDefinition): StateMachineDefinition => {
  const copy: StateMachineDefinition = structuredClone(definition);
  for (const state of Object.values(copy.States)) {
    if (state.Type !== 'Task') continue;
    if ((state.TimeoutSeconds ?? 0) > MAX_TIMER_SECONDS) state.TimeoutSeconds = MAX_TIMER_SECONDS;
  }
  return copy;
};
