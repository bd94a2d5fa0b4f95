/** Errors the thread stores raise beside the core's own (`ThreadNotFoundError`, `CorruptEventError`…). */

export class ThreadExistsError extends Error {
  override readonly name = 'ThreadExistsError';
  constructor(
    readonly threadId: string,
    options?: ErrorOptions,
  ) {
    super(`thread ${threadId} already exists`, options);
  }
}

/** A fork point outside the parent thread: forks hold events 1..atSeq, 0 ≤ atSeq ≤ last seq. */
export class InvalidForkPointError extends Error {
  override readonly name = 'InvalidForkPointError';
  constructor(
    readonly threadId: string,
    readonly atSeq: number,
    readonly lastSeq: number,
  ) {
    super(`thread ${threadId}: cannot fork at seq ${atSeq}: the thread holds seqs 1..${lastSeq}`);
  }
}

/** A list cursor that this store did not hand out, or handed out for another query. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor(detail: string, options?: ErrorOptions) {
    super(`invalid list cursor: ${detail}`, options);
  }
}

/** A thread's summary item that does not parse: it holds the agent and the parent, so it cannot be guessed. */
export class CorruptSummaryError extends Error {
  override readonly name = 'CorruptSummaryError';
  constructor(
    readonly threadId: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`thread ${threadId}: stored summary is not valid: ${detail}`, options);
  }
}

export class PayloadNotFoundError extends Error {
  override readonly name = 'PayloadNotFoundError';
  constructor(
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(`payload ${key} does not exist`, options);
  }
}
