import type { Context } from 'aws-lambda';
import type { NotifyingDeps } from '../lib/service/deps.ts';
import { finishThread } from '../lib/service/finish.ts';
import { createBase, type Env } from './base.ts';
import { parsePayload } from './invalid-payload.ts';
import { lazyFields } from './lazy.ts';
import { notifyingPieces } from './notifying-pieces.ts';
import { NotifyInputSchema } from './schemas.ts';
import { createTelemetry, inThread, type Telemetry } from './telemetry.ts';

export interface NotifyHandlerDeps {
  service: NotifyingDeps;
  telemetry: Telemetry;
}

/**
 * `NotifyDone` (`{ threadId, kind: 'done' }`): tells people the turn is done. `NotifyEscalation`
 * (`{ threadId, kind: 'escalation', next }`): the people are told by `AwaitHuman`, once per
 * request, so that a reply can answer it. Both report a child thread's end to its parent. Output `{}`.
 */
export const createHandler = (deps: NotifyHandlerDeps) => async (event: unknown, context?: Context) => {
  const input = parsePayload('notify', NotifyInputSchema, event);
  return inThread(deps.telemetry, { threadId: input.threadId, context }, async () => {
    const outcome = await finishThread(input.threadId, input.kind, deps.service);
    deps.telemetry.logger.info('thread finished', { ...outcome });
    return {};
  });
};

export const depsFrom = (telemetry: Telemetry, env?: Env): NotifyHandlerDeps => ({
  service: lazyFields(notifyingPieces(createBase(telemetry, env))),
  telemetry,
});

export const handler = createHandler(depsFrom(createTelemetry()));
