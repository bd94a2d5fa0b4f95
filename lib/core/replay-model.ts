import type { Model, ModelReply, ModelRequest } from './ports.ts';

/** The model id of the reply a `ReplayModel` gives once the recording has no more answers. */
export const END_OF_RECORDING = 'replay:end-of-recording';

/**
 * A model that answers from a recording: the recorded replies of one step, in order. It keeps
 * every request it is sent, so a replay can compare them with the ones recorded.
 *
 * Asked once more than the recording answered, it replies as a guardrail would, which makes
 * `step()` return at once; the replay drops that reply and reports that the current code would
 * have asked the model again.
 */
export class ReplayModel implements Model {
  readonly id = 'replay';
  readonly requests: ModelRequest[] = [];

  constructor(private readonly replies: readonly ModelReply[]) {}

  /** True when the current code asked for more replies than the recording holds. */
  get exhausted(): boolean {
    return this.requests.length > this.replies.length;
  }

  async next(request: ModelRequest): Promise<ModelReply> {
    const reply = this.replies[this.requests.length];
    this.requests.push(request);
    return (
      reply ?? {
        stopReason: 'guardrail_intervened',
        usage: { inputTokens: 0, outputTokens: 0 },
        model: END_OF_RECORDING,
      }
    );
  }
}
