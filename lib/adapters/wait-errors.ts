/** Errors the wait stores raise. */

/** A stored wait that does not parse. Never passed on: it holds a task token. */
export class CorruptWaitError extends Error {
  override readonly name = 'CorruptWaitError';
  constructor(
    readonly requestId: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`wait ${requestId}: stored record is not valid: ${detail}`, options);
  }
}

export class WaitNotFoundError extends Error {
  override readonly name = 'WaitNotFoundError';
  constructor(
    readonly requestId: string,
    options?: ErrorOptions,
  ) {
    super(`wait ${requestId} does not exist`, options);
  }
}
