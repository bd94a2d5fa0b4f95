/** Errors the core raises. Each carries the facts needed to act on it. */

export class ThreadNotRunnableError extends Error {
  override readonly name = 'ThreadNotRunnableError';
  constructor(
    readonly threadId: string,
    readonly status: string,
  ) {
    super(`thread ${threadId} is ${status}: it takes no step until it is resumed or restarted`);
  }
}

export class ThreadNotFoundError extends Error {
  override readonly name = 'ThreadNotFoundError';
  constructor(readonly threadId: string) {
    super(`thread ${threadId} does not exist`);
  }
}

/** A stored item that is not a valid event: never passed on, always named. */
export class CorruptEventError extends Error {
  override readonly name = 'CorruptEventError';
  constructor(
    readonly threadId: string,
    readonly seq: number | string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`thread ${threadId} seq ${seq}: stored event is not valid: ${detail}`, options);
  }
}

/** Appends kept losing the race for the next seq. Infrastructure: the caller retries. */
export class ThreadConflictError extends Error {
  override readonly name = 'ThreadConflictError';
  constructor(
    readonly threadId: string,
    readonly attempts: number,
    options?: ErrorOptions,
  ) {
    super(`thread ${threadId}: append lost the race ${attempts} times`, options);
  }
}

/** The state machine asked for something the thread does not hold, such as an unknown call. */
export class ThreadStateError extends Error {
  override readonly name = 'ThreadStateError';
  constructor(
    readonly threadId: string,
    message: string,
  ) {
    super(`thread ${threadId}: ${message}`);
  }
}
