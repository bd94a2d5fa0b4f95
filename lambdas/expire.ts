import type { Context } from 'aws-lambda';
import type { AwaitHumanDeps } from '../lib/service/await-human.ts';
import { expireApproval, isExtended } from '../lib/service/expire.ts';
import { approvalPieces } from './approval-pieces.ts';
import { createBase, type Env } from './base.ts';
import { parsePayload } from './invalid-payload.ts';
import { lazyFields } from './lazy.ts';
import { ExpireInputSchema } from './schemas.ts';
import { createTelemetry, inThread, type Telemetry } from './telemetry.ts';

export interface ExpireHandlerDeps {
  service: AwaitHumanDeps;
  telemetry: Telemetry;
}

/**
 * `Expire` (after `States.Timeout` on `AwaitApproval`): asks the fallback approvers once, or
 * records the approval as expired. Input `{ threadId, next }`, output `{ extended }` (→ `$.expire`):
 * true sends the state machine back to `AwaitApproval` for another round.
 */
export const createHandler = (deps: ExpireHandlerDeps) => async (event: unknown, context?: Context) => {
  const input = parsePayload('expire', ExpireInputSchema, event);
  return inThread(deps.telemetry, { threadId: input.threadId, context }, async () => {
    const outcome = await expireApproval(input.threadId, input.next, deps.service);
    deps.telemetry.logger.info('approval timed out', { outcome });
    return { extended: isExtended(outcome) };
  });
};

export const depsFrom = (telemetry: Telemetry, env?: Env): ExpireHandlerDeps => ({
  service: lazyFields(approvalPieces(createBase(telemetry, env))),
  telemetry,
});

export const handler = createHandler(depsFrom(createTelemetry()));
