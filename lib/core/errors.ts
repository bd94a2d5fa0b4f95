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

/** Where a stored event sits and what it is: the facts every error about reading one carries. */
export interface StoredEventPlace {
  threadId: string;
  seq: number;
  eventId: string;
  type: string;
}

/** An error about one stored event: its message starts with where the event sits. */
abstract class StoredEventError extends Error {
  readonly threadId: string;
  readonly seq: number;
  readonly eventId: string;
  readonly type: string;
  constructor(place: StoredEventPlace, detail: string, options?: ErrorOptions) {
    super(
      `thread ${place.threadId} seq ${place.seq} (event ${place.eventId}, ${place.type}): ${detail}`,
      options,
    );
    ({ threadId: this.threadId, seq: this.seq, eventId: this.eventId, type: this.type } = place);
  }
}

/**
 * A stored event written at a schema version newer than this deployment knows: a newer deploy
 * wrote it (or this one was rolled back). It is never guessed at; the newer code reads it.
 */
export class FutureEventVersionError extends StoredEventError {
  override readonly name = 'FutureEventVersionError';
  constructor(
    place: StoredEventPlace,
    readonly storedVersion: number,
    readonly currentVersion: number,
  ) {
    super(
      place,
      `stored at schema version ${storedVersion}, but this deployment reads ${place.type} only up to version ${currentVersion}`,
    );
  }
}

/** An older stored event that its upcasters could not bring to the current schema. */
export class UpcastError extends StoredEventError {
  override readonly name = 'UpcastError';
  constructor(
    place: StoredEventPlace,
    readonly storedVersion: number,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(place, `cannot upcast from schema version ${storedVersion}: ${detail}`, options);
  }
}
