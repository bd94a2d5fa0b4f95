/**
 * Errors the use cases throw for the state machine to match by name: `ModelThrottled` is in its
 * Retry list, `ModelFailed` and `WrongTool` go straight to the catch-all. Each keeps its cause.
 */

export class ModelThrottledError extends Error {
  override readonly name = 'ModelThrottled';
  constructor(
    readonly threadId: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`thread ${threadId}: the model is throttled or unavailable, retry later: ${message}`, options);
  }
}

export class ModelFailedError extends Error {
  override readonly name = 'ModelFailed';
  constructor(
    readonly threadId: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`thread ${threadId}: the model call failed: ${message}`, options);
  }
}

/** A tool function was asked to run another tool's call: the state machine routed wrongly. */
export class WrongToolError extends Error {
  override readonly name = 'WrongTool';
  constructor(
    readonly threadId: string,
    readonly callId: string,
    readonly toolName: string,
    readonly onlyTool: string,
  ) {
    super(
      `thread ${threadId}: call ${callId} is for tool ${toolName}, but this function runs only ${onlyTool}`,
    );
  }
}

/** A thread names an agent this deployment does not run. */
export class UnknownAgentError extends Error {
  override readonly name = 'UnknownAgent';
  constructor(
    readonly threadId: string,
    readonly agent: string,
  ) {
    super(`thread ${threadId}: no agent is named ${agent}`);
  }
}
