import type { Context } from 'aws-lambda';
import type { NotifyingDeps } from '../lib/service/deps.ts';
import { recordFailure } from '../lib/service/on-failure.ts';
import { createBase, type Env } from './base.ts';
import { parsePayload } from './invalid-payload.ts';
import { lazyFields } from './lazy.ts';
import { notifyingPieces } from './notifying-pieces.ts';
import { OnFailureInputSchema } from './schemas.ts';
import { createTelemetry, inThread, type Telemetry } from './telemetry.ts';

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

export const depsFrom = (telemetry: Telemetry, env?: Env): OnFailureHandlerDeps => ({
  service: lazyFields(notifyingPieces(createBase(telemetry, env))),
  telemetry,
});

export const handler = createHandler(depsFrom(createTelemetry()));
