import type { Context } from 'aws-lambda';
import type { ServiceDeps } from '../lib/service/deps.ts';
import { expireApproval } from '../lib/service/expire.ts';
import { awsDeps } from './aws-deps.ts';
import { parsePayload } from './invalid-payload.ts';
import { ExpireInputSchema } from './schemas.ts';
import { inThread, type Telemetry } from './telemetry.ts';

export interface ExpireHandlerDeps {
  service: ServiceDeps;
  telemetry: Telemetry;
}

/** `Expire` (after `States.Timeout` on `AwaitApproval`): records the approval as expired. Input `{ threadId, next }`, output `{}`. */
export const createHandler = (deps: ExpireHandlerDeps) => async (event: unknown, context?: Context) => {
  const input = parsePayload('expire', ExpireInputSchema, event);
  return inThread(deps.telemetry, { threadId: input.threadId, context }, async () => {
    const outcome = await expireApproval(input.threadId, input.next, deps.service);
    deps.telemetry.logger.info('approval timed out', { outcome });
    return {};
  });
};

export const handler = createHandler(awsDeps());
