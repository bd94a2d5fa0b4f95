import type { Context } from 'aws-lambda';
import { type AwaitHumanDeps, awaitHuman } from '../lib/service/await-human.ts';
import { approvalPieces } from './approval-pieces.ts';
import { createBase, type Env } from './base.ts';
import { parsePayload } from './invalid-payload.ts';
import { lazyFields } from './lazy.ts';
import { AwaitHumanInputSchema } from './schemas.ts';
import { createTelemetry, inThread, type Telemetry } from './telemetry.ts';

export interface AwaitHumanHandlerDeps {
  service: AwaitHumanDeps;
  telemetry: Telemetry;
}

/**
 * `AwaitApproval` / `AwaitHuman` (`.waitForTaskToken`): stores the token server-side under the
 * request id, tells people once, and returns. Input `{ threadId, next, taskToken }`, output `{}`;
 * the task itself ends when someone sends `SendTaskSuccess` with `{ approved, next }`.
 * The token is never logged.
 */
export const createHandler = (deps: AwaitHumanHandlerDeps) => async (event: unknown, context?: Context) => {
  const input = parsePayload('await-human', AwaitHumanInputSchema, event);
  return inThread(deps.telemetry, { threadId: input.threadId, context }, async () => {
    const outcome = await awaitHuman(input, deps.service);
    deps.telemetry.logger.info('waiting for a person', { ...outcome, next: input.next });
    return {};
  });
};

export const depsFrom = (telemetry: Telemetry, env?: Env): AwaitHumanHandlerDeps => ({
  service: lazyFields(approvalPieces(createBase(telemetry, env))),
  telemetry,
});

export const handler = createHandler(depsFrom(createTelemetry()));
