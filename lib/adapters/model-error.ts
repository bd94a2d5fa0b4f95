/** What a model adapter knows about a failed call. */
export interface ModelErrorFacts {
  /** The model the call was for, as `Model.id` reports it. */
  modelId: string;
  /** The HTTP status of the last answer, when there was one. */
  status?: number;
  /** How many calls were made before giving up. */
  attempts?: number;
  /**
   * The failure looked transient (throttling, overload, a dropped connection): a later retry, by
   * Lambda or the state machine, may succeed. False for what retrying cannot fix, such as a bad
   * request, missing access or a reply that is not a chat completion.
   */
  retryable?: boolean;
}

/**
 * A model call failed for a reason outside the agent's control. Infrastructure: it throws, so the
 * Step Lambda retries or fails the turn. Never carries credentials or request bodies.
 */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  readonly modelId: string;
  readonly status: number | undefined;
  readonly attempts: number;
  readonly retryable: boolean;

  constructor(message: string, facts: ModelErrorFacts, options?: ErrorOptions) {
    super(message, options);
    this.modelId = facts.modelId;
    this.status = facts.status;
    this.attempts = facts.attempts ?? 1;
    this.retryable = facts.retryable ?? false;
  }
}
