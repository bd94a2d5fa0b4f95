import type { Context } from 'hono';
import type { IdempotencyRecord, IdempotentAnswer } from '../adapters/idempotency-store.ts';
import type { IngressMessage } from '../adapters/ingress-message.ts';
import type { Thread } from '../core/events.ts';
import { hashArgs } from '../core/hash.ts';
import type { JsonObject } from '../core/json.ts';
import type { ApiDeps, ApiEnv } from './deps.ts';
import { ApiError } from './errors.ts';
import { recordIdOf } from './idempotency.ts';
import { findThread } from './thread-lookup.ts';

/** How long the answer to an `Idempotency-Key` is kept: retries within a day get it again. */
export const IDEMPOTENCY_RECORD_SECONDS = 24 * 60 * 60;

/**
 * Why the thread, as it stands, refuses a first request. A lasting refusal (the thread exists, the
 * thread is cancelled) is recorded and replayed like an acceptance; one that may pass (the thread
 * is not there yet) is not: a retry once it exists is accepted.
 */
export interface Refusal {
  error: ApiError;
  lasting: boolean;
}

export interface Acceptance {
  /** The route, and the thread for routes under one: what the client's key is scoped by. */
  scope: readonly string[];
  /** The request body as parsed: a retry must send the same one. */
  body: JsonObject;
  threadId: string;
  /** What the request queues; its `key` is already in the thread once it was ingested. */
  message: IngressMessage;
  refuse: (thread: Thread | undefined) => Refusal | undefined;
}

/**
 * Queues a message and answers 202 with its thread, or refuses. With an `Idempotency-Key`, the
 * answer is recorded (a conditional put) before the message is queued, so every retry with the
 * same key and body gets the first answer, at any time: while the message waits in the queue,
 * while ingest creates the thread, and after. A retry re-queues the message unless the thread
 * already holds it: the first request may have failed between recording and queueing, and the
 * queue (by deduplication id) and the thread store (by key) drop the copies. The same key with
 * another body is refused with 422. Without the header, nothing is recorded.
 */
export const acceptMessage = async (
  c: Context<ApiEnv>,
  deps: ApiDeps,
  acceptance: Acceptance,
): Promise<IdempotentAnswer> => {
  const { threadId, message } = acceptance;
  const thread = await findThread(deps.store, threadId);
  const holdsMessage = thread?.events.some((event) => event.key === message.key) ?? false;
  const refusal = holdsMessage ? undefined : acceptance.refuse(thread);
  const send = () => deps.ingress.send(message);
  const accepted: IdempotentAnswer = { status: 202, body: { threadId } };

  const id = recordIdOf(c, acceptance.scope);
  if (id === undefined) {
    if (refusal) throw refusal.error;
    await send();
    return accepted;
  }
  const at = deps.clock.now();
  const fingerprint = hashArgs(acceptance.body);
  if (refusal && !refusal.lasting) {
    const first = await deps.idempotency.find(id, at);
    if (first === undefined) throw refusal.error;
    return replay(first, fingerprint);
  }
  const answer: IdempotentAnswer = refusal
    ? { status: 409, body: { error: refusal.error.error, message: refusal.error.message } }
    : accepted;
  const claim = await deps.idempotency.claim({
    id,
    fingerprint,
    answer,
    createdAt: at,
    expiresAt: Math.floor(Date.parse(at) / 1000) + IDEMPOTENCY_RECORD_SECONDS,
  });
  const first = claim.claimed ? undefined : claim.existing;
  const replayed = first === undefined ? answer : replay(first, fingerprint);
  if (replayed.status === 202 && !refusal && !holdsMessage) await send();
  return replayed;
};

const replay = (first: IdempotencyRecord, fingerprint: string): IdempotentAnswer => {
  if (first.fingerprint !== fingerprint) throw ApiError.keyReused();
  return first.answer;
};
