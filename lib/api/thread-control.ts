import type { Handler } from 'hono';
import * as z from 'zod';
import type { NewEvent } from '../core/events.ts';
import { deriveThreadState, type ThreadStatus } from '../core/thread-state.ts';
import { readJsonBody } from './body.ts';
import { type ApiDeps, type ApiEnv, DEFAULT_MAX_BODY_BYTES } from './deps.ts';
import { ApiError } from './errors.ts';
import { idempotencyKeyOf } from './idempotency.ts';
import { shouldStartTurnOnResume } from './resume-turn.ts';
import { loadThread, threadIdParam } from './thread-lookup.ts';

export type ControlAction = 'pause' | 'resume' | 'cancel';

/** An optional body: `{ "reason": "…" }` for pause and cancel, nothing for resume. */
const ReasonBodySchema = z.strictObject({ reason: z.string().max(1000).optional() });
const EmptyBodySchema = z.strictObject({});

/** Why `action` cannot happen to a thread in `status`, or undefined when it can. */
export const transitionProblem = (action: ControlAction, status: ThreadStatus): string | undefined => {
  if (status === 'cancelled') return 'it is cancelled, and a cancelled thread stays cancelled';
  if (action === 'pause' && status === 'paused') return 'it is already paused';
  if (action === 'resume' && status !== 'paused') return `it is not paused (it is ${status})`;
  return undefined;
};

const eventFor = (action: ControlAction, by: string | undefined, reason: string | undefined) => {
  const who = by === undefined ? {} : { by };
  const why = reason === undefined ? {} : { reason };
  if (action === 'pause') return { type: 'paused' as const, data: { ...who, ...why } };
  if (action === 'resume') return { type: 'resumed' as const, data: { ...who } };
  return { type: 'cancelled' as const, data: { ...who, ...why } };
};

/**
 * POST /threads/{id}/pause|resume|cancel: appends the event, then does what it implies: cancel
 * stops the thread's executions, resume starts a turn when the thread has work nobody else
 * will do (see `shouldStartTurnOnResume`). A replay (same Idempotency-Key) appends nothing and
 * repeats the follow-up, which is idempotent, so a retry after a crash finishes the job.
 */
export const controlThread =
  (deps: ApiDeps, action: ControlAction): Handler<ApiEnv> =>
  async (c) => {
    const threadId = threadIdParam(c);
    const body = await readJsonBody(c, action === 'resume' ? EmptyBodySchema : ReasonBodySchema, {
      maxBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      optional: true,
    });
    const key = idempotencyKeyOf(c, [action, threadId], () => deps.ids.next('key'));
    const thread = await loadThread(deps.store, threadId);
    const replayed = thread.events.find((event) => event.key === key);
    if (!replayed) {
      const problem = transitionProblem(action, deriveThreadState(thread.events).status);
      if (problem) throw ApiError.conflict(`cannot ${action} thread ${threadId}: ${problem}`);
    }
    const caller = c.get('caller');
    const reason = 'reason' in body ? body.reason : undefined;
    const event: NewEvent = {
      id: deps.ids.next('ev'),
      at: deps.clock.now(),
      key,
      ...eventFor(action, caller, reason),
    };
    const [stored] = replayed ? [replayed] : await deps.store.append(threadId, [event]);
    const seq = stored!.seq;

    if (action === 'cancel') {
      await deps.orchestrator.stopTurns(
        threadId,
        `cancelled through the API${caller ? ` by ${caller}` : ''}`,
      );
    }
    if (action === 'resume') {
      const after = await deps.store.load(threadId);
      if (shouldStartTurnOnResume(after.events, seq)) await deps.orchestrator.startTurn(threadId, seq);
    }
    return c.json({ threadId, seq }, 202);
  };
