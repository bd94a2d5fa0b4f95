import type { Context } from 'aws-lambda';
import type { NotifyingDeps } from '../lib/service/deps.ts';
import { recordFailure } from '../lib/service/on-failure.ts';
import { awsDeps } from './aws-deps.ts';
import { parsePayload } from './invalid-payload.ts';
import { OnFailureInputSchema } from './schemas.ts';
import { inThread, type Telemetry } from './telemetry.ts';

export interface OnFailureHandlerDeps {
  service: NotifyingDeps;
  telemetry: Telemetry;
}

/**
 * `Failed` (the catch-all): appends a `failure` event, tells people, reports a child's failure to
 * its parent. Input `{ threadId, error: { Error, Cause } }`, output `{}`.
 */
export const createHandler = (deps: OnFailureHandlerDeps) => async (event: unknown, context?: Context) => {
  const input = parsePayload('on-failure', OnFailureInputSchema, event);
  return inThread(deps.telemetry, { threadId: input.threadId, context }, async () => {
    const outcome = await recordFailure(input.threadId, input.error, deps.service);
    deps.telemetry.logger.warn('turn failed', { ...outcome });
    deps.telemetry.metrics?.addMetric('turn_failed', 'Count', 1);
    return {};
  });
};

export const handler = createHandler(awsDeps());
