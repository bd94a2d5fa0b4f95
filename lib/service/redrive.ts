/** One message as a dead-letter queue gave it back. */
export interface DeadLetter {
  /** The queue's id for the message. */
  id: string;
  body: string;
  /** FIFO queues: the message's group, kept on the way back so its thread stays in order. */
  groupId?: string;
}

/** A dead-letter queue: read a batch (each message hidden while it is replayed), and remove one. */
export interface DeadLetterQueue {
  readonly name: string;
  receive(max: number): Promise<{ letter: DeadLetter; receipt: string }[]>;
  remove(receipt: string): Promise<void>;
}

/** Puts one dead letter back where it failed: a queue to send it to, a function to invoke again. */
export type Replay = (letter: DeadLetter) => Promise<void>;

export interface RedriveSource {
  queue: DeadLetterQueue;
  replay: Replay;
}

export interface RedriveResult {
  queue: string;
  moved: number;
  /** Letters that could not go back: each stays in its queue, visible again after a while. */
  failed: { id: string; error: string }[];
}

/** The most a redrive moves from one queue in one run, unless told otherwise. */
export const DEFAULT_REDRIVE_LIMIT = 100;
const BATCH = 10;

/**
 * Moves dead-lettered messages back, queue by queue: each is replayed first and removed only
 * once the replay succeeded, so a crash in between replays it again rather than losing it. That
 * is safe because every path back is idempotent: ingress messages carry their key, which the
 * thread store appends once, and mail is keyed by its Message-ID on the way in.
 */
export const redrive = async (
  sources: readonly RedriveSource[],
  options: { limit?: number } = {},
): Promise<RedriveResult[]> => {
  const limit = options.limit ?? DEFAULT_REDRIVE_LIMIT;
  const results: RedriveResult[] = [];
  for (const { queue, replay } of sources) {
    const result: RedriveResult = { queue: queue.name, moved: 0, failed: [] };
    // A letter that fails stays hidden for this run, so the loop ends when the queue reads empty.
    while (result.moved + result.failed.length < limit) {
      const batch = await queue.receive(Math.min(BATCH, limit - result.moved - result.failed.length));
      if (batch.length === 0) break;
      for (const { letter, receipt } of batch) {
        try {
          await replay(letter);
        } catch (error) {
          result.failed.push({
            id: letter.id,
            error: error instanceof Error ? error.message : String(error),
          });
          continue;
        }
        await queue.remove(receipt);
        result.moved += 1;
      }
    }
    results.push(result);
  }
  return results;
};

/** One queue's redrive in a line: what the CLI prints and the local UI says. */
export const describeRedrive = ({ queue, moved, failed }: RedriveResult): string =>
  `${queue}: ${moved} sent back${failed.length === 0 ? '' : `, ${failed.length} could not go`}`;
