import type { Context } from 'aws-lambda';
import { runStep, type StepServiceDeps } from '../lib/service/run-step.ts';
import { awsDeps } from './aws-deps.ts';
import { parsePayload } from './invalid-payload.ts';
import { StepInputSchema } from './schemas.ts';
import { inThread, type Telemetry } from './telemetry.ts';

export interface StepHandlerDeps {
  service: StepServiceDeps;
  telemetry: Telemetry;
}

/**
 * `Step`: one reducer step. Input `{ threadId }`, output `{ next, seq }` (→ `$.step`).
 * Model failures surface as `ModelThrottled` (the state machine retries it) or `ModelFailed`.
 */
export const createHandler = (deps: StepHandlerDeps) => async (event: unknown, context?: Context) => {
  const input = parsePayload('step', StepInputSchema, event);
  return inThread(deps.telemetry, { threadId: input.threadId, context }, async () => {
    const result = await runStep(input.threadId, deps.service);
    deps.telemetry.logger.info('step taken', { next: result.next, seq: result.seq });
    deps.telemetry.metrics?.addMetric(`next_${result.next.kind}`, 'Count', 1);
    return result;
  });
};

export const handler = createHandler(awsDeps());
