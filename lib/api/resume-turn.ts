import type { Event } from '../core/events.ts';
import { nextOf } from '../core/next.ts';
import { deriveThreadState } from '../core/thread-state.ts';

/**
 * Whether resuming a thread must start a turn: only the resume can, because nothing else will.
 *
 * A pause does not stop a turn in flight: the Step function refuses to run a paused thread
 * (`ThreadNotRunnableError`; the failure handler records nothing for a pause), so the turn ends at
 * its next step, and a turn parked at a human wait stays parked. Messages that arrive meanwhile
 * are only appended: the ingest function starts turns for idle (done, failed) threads alone. What resuming
 * finds, by the status and `nextOf` of the thread after the `resumed` event:
 *
 * - running, `nextOf` undefined: the model owes the next step (the turn ended on the pause, or a
 *   message arrived while paused and the ingest function, seeing the pause, started nothing).
 *   Nobody else will run it: start a turn named after the `resumed` event.
 * - awaiting-approval / awaiting-human (`nextOf` approval / human), or a pending child: the turn
 *   is still parked at its wait and continues when the person (or child) answers. Starting a
 *   turn would run a second execution beside it.
 * - done / escalated / failed: idle; the next message starts the next turn, as always.
 * - running with a pending tool call: a turn is between Step and its tool (the tool Lambda is
 *   running). It continues on its own; a second turn would run the tool twice.
 *
 * Two more guards make the start happen at most once. Of concurrent resumes, only the one whose
 * event ended the pause (the first `resumed` after the last `paused`) starts a turn. And a
 * replayed resume (same Idempotency-Key) starts it again only if no model step has been taken
 * since: `startTurn` is idempotent by `<thread>-<seq>`, so retrying after a crash between the
 * append and the start is safe, while a replay long after the turn ran starts nothing.
 *
 * One race remains: a pause and a resume that both land while a single Step's model call is in
 * flight. The thread then looks idle to the resume (the step has not appended yet) while the
 * old turn continues after it. Closing it needs the Step function to end a turn that a newer
 * turn has superseded (a `resumed` event after the one that started it, followed by a start).
 */
export const shouldStartTurnOnResume = (events: readonly Event[], resumedSeq: number): boolean => {
  const state = deriveThreadState(events);
  if (state.status !== 'running' || nextOf(state) !== undefined) return false;
  const lastPause = events.findLast((event) => event.type === 'paused');
  const endedPause = events.find((event) => event.type === 'resumed' && event.seq > (lastPause?.seq ?? 0));
  if (endedPause?.seq !== resumedSeq) return false;
  return !events.some((event) => event.seq > resumedSeq && event.type === 'model-step');
};
