import * as z from 'zod';
import type { Agent } from './agent.ts';
import type { Event, EventOf, NewEvent, Thread } from './events.ts';
import { nextOf } from './next.ts';
import type { Clock, Ids, ModelReply } from './ports.ts';
import { recordedReplyOf } from './recorded-reply.ts';
import { END_OF_RECORDING, ReplayModel } from './replay-model.ts';
import { describeOutcomeDifferences, outcomeOf } from './replay-outcome.ts';
import { findReplayPoints, type ReplayPoint } from './replay-points.ts';
import {
  describeRequestChanges,
  fingerprintRequest,
  type RequestFingerprint,
} from './request-fingerprint.ts';
import { step } from './step.ts';
import { deriveThreadState } from './thread-state.ts';

/**
 * `identical`: the current code decides what the recording shows and sends the model the same
 * request. `benign`: the same decision, from a request that changed (prompt, tools, rendering).
 * `regression`: another decision, gate, error or next step, or the current code throws.
 */
export const StepVerdictSchema = z.enum(['identical', 'benign', 'regression']);
export type StepVerdict = z.infer<typeof StepVerdictSchema>;

export const ReplayedStepSchema = z.object({
  /** The seq of the first event this step wrote in the recording. */
  seq: z.number().int().positive(),
  recorded: z.string(),
  replayed: z.string(),
  verdict: StepVerdictSchema,
  /** How the decision differs; empty unless the verdict is `regression`. */
  differences: z.array(z.string()),
  /** How the requests sent to the model differ, when the recording holds them. */
  requestChanges: z.array(z.string()),
  /** False when the recording holds no requests to compare with (a thread read from the store). */
  requestsCompared: z.boolean(),
});
export type ReplayedStep = z.infer<typeof ReplayedStepSchema>;

export const ReplayReportSchema = z.object({
  threadId: z.string(),
  agent: z.string(),
  verdict: StepVerdictSchema,
  steps: z.array(ReplayedStepSchema),
});
export type ReplayReport = z.infer<typeof ReplayReportSchema>;

/** Model requests by the seq of the recorded `model-step` that answered them. */
export type RecordedRequests = Readonly<Record<string, RequestFingerprint>>;

export interface ReplayResult {
  report: ReplayReport;
  /** The requests the current code sent at each recorded model step: what an export keeps. */
  requests: Record<string, RequestFingerprint>;
}

const SEVERITY: readonly StepVerdict[] = ['identical', 'benign', 'regression'];
export const worstVerdict = (verdicts: readonly StepVerdict[]): StepVerdict =>
  verdicts.reduce<StepVerdict>(
    (worst, verdict) => (SEVERITY.indexOf(verdict) > SEVERITY.indexOf(worst) ? verdict : worst),
    'identical',
  );

/**
 * Runs the current agent code over a recorded thread without a model (factor 12): at each step
 * the reducer took, `step()` is given the thread as it was and the model's recorded replies, and
 * what it decides now is compared with what the recording shows. Nothing is executed and
 * nothing is stored; tools never run.
 */
export const replayThread = async (
  thread: Thread,
  agent: Agent,
  recordedRequests?: RecordedRequests,
): Promise<ReplayResult> => {
  const requests: Record<string, RequestFingerprint> = {};
  const steps: ReplayedStep[] = [];
  for (const point of findReplayPoints(thread.events)) {
    steps.push(await replayPoint(thread, agent, point, requests, recordedRequests));
  }
  const verdict = worstVerdict(steps.map((replayed) => replayed.verdict));
  return { report: { threadId: thread.id, agent: agent.name, verdict, steps }, requests };
};

const replayPoint = async (
  thread: Thread,
  agent: Agent,
  point: ReplayPoint,
  requests: Record<string, RequestFingerprint>,
  recordedRequests: RecordedRequests | undefined,
): Promise<ReplayedStep> => {
  const before = thread.events.slice(0, point.start);
  const written = thread.events.slice(point.start, point.end);
  const first = written[0] as Event;
  const recorded = outcomeOf(
    written,
    point.open ? undefined : nextOf(deriveThreadState(thread.events.slice(0, point.end))),
  );
  const modelSteps = written.filter((event): event is EventOf<'model-step'> => event.type === 'model-step');
  const replies: ModelReply[] = modelSteps.map((modelStep) =>
    recordedReplyOf(modelStep, thread.events[thread.events.indexOf(modelStep) + 1]),
  );
  const model = new ReplayModel(replies);
  const base = { seq: first.seq, recorded: recorded.summary };
  let produced: NewEvent[];
  let next: ReturnType<typeof nextOf>;
  try {
    const result = await step({ ...thread, events: before }, agent, {
      model,
      clock: fixedClock(first.at),
      ids: new ReplayIds(),
    });
    produced = result.events;
    next = result.next;
  } catch (error) {
    const message = `the current code throws: ${error instanceof Error ? error.message : String(error)}`;
    return {
      ...base,
      replayed: 'throws',
      verdict: 'regression',
      differences: [message],
      requestChanges: [],
      requestsCompared: false,
    };
  }
  if (model.exhausted) {
    produced = produced.filter((event) => !isEndOfRecording(event, produced));
    next = undefined;
  }
  // An interrupted step lost what it made of the model's call. The repair shows the call could not
  // run at once then (it waited for a person, or was refused), so that much is compared.
  const runsAtOnce = point.interrupted && next?.kind === 'tool';
  if (point.interrupted) {
    produced = produced.slice(0, produced.findLastIndex((event) => event.type === 'model-step') + 1);
    next = undefined;
  }
  const replayed = outcomeOf(produced, next);
  const differences = describeOutcomeDifferences(recorded, replayed);
  if (runsAtOnce) {
    differences.push(
      'next: recorded a call that could not run at once (its step was interrupted), now it runs',
    );
  }

  let requestsCompared = true;
  const requestChanges: string[] = [];
  modelSteps.forEach((modelStep, index) => {
    const request = model.requests[index];
    if (!request) return;
    const fingerprint = fingerprintRequest(request);
    requests[String(modelStep.seq)] = fingerprint;
    const baseline = recordedRequests?.[String(modelStep.seq)];
    if (!baseline) {
      requestsCompared = false;
      return;
    }
    for (const change of describeRequestChanges(baseline, fingerprint)) {
      requestChanges.push(`#${modelStep.seq}: ${change}`);
    }
  });
  const verdict: StepVerdict =
    differences.length > 0 ? 'regression' : requestChanges.length > 0 ? 'benign' : 'identical';
  return { ...base, replayed: replayed.summary, verdict, differences, requestChanges, requestsCompared };
};

/** The reply the replay model gives past the recording's end, and the escalation it caused. */
const isEndOfRecording = (event: NewEvent, produced: readonly NewEvent[]): boolean => {
  if (event.type === 'model-step') return event.data.model === END_OF_RECORDING;
  const previous = produced[produced.indexOf(event) - 1];
  return (
    event.type === 'escalation' && previous?.type === 'model-step' && previous.data.model === END_OF_RECORDING
  );
};

/** The time every event of a replayed step gets: when the recorded step began. */
const fixedClock = (at: string): Clock => ({ now: () => at });

/** Ids that say they were made by a replay; nothing stores them. */
class ReplayIds implements Ids {
  private count = 0;
  next(prefix: string): string {
    this.count += 1;
    return `${prefix}_replay_${this.count}`;
  }
}
