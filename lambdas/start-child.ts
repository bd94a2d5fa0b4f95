import type { Context } from 'aws-lambda';
import type { ServiceDeps } from '../lib/service/deps.ts';
import { startChild } from '../lib/service/start-child.ts';
import { createBase, type Env } from './base.ts';
import { parsePayload } from './invalid-payload.ts';
import { lazyFields } from './lazy.ts';
import { loopPieces } from './loop-pieces.ts';
import { StartChildInputSchema } from './schemas.ts';
import { createTelemetry, inThread, type Telemetry } from './telemetry.ts';

export interface StartChildHandlerDeps {
  service: ServiceDeps;
  telemetry: Telemetry;
}

/**
 * `StartChild`: creates the child thread, gives it its task and starts its first turn; the parent
 * then waits in `AwaitHuman` until the child's end answers it. Input `{ threadId, next }`, output `{}`.
 */
export const createHandler = (deps: StartChildHandlerDeps) => async (event: unknown, context?: Context) => {
  const input = parsePayload('start-child', StartChildInputSchema, event);
  return inThread(deps.telemetry, { threadId: input.threadId, context }, async () => {
    const outcome = await startChild(input.threadId, input.next, deps.service);
    deps.telemetry.logger.info('child thread started', { ...outcome });
    return {};
  });
};

export const depsFrom = (telemetry: Telemetry, env?: Env): StartChildHandlerDeps => ({
  service: lazyFields(loopPieces(createBase(telemetry, env))),
  telemetry,
});

export const handler = createHandler(depsFrom(createTelemetry()));
