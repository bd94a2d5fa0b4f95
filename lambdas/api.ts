import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { ApprovalLinks } from '../lib/adapters/approval-links.ts';
import { createApp } from '../lib/api/app.ts';
import { type ApiDeps, apiDepsOf } from '../lib/api/deps.ts';
import { signingKey } from './approval-signing.ts';
import { createBase, type Env } from './base.ts';
import { idempotencyStoreOf } from './idempotency-piece.ts';
import { ingressQueueOf } from './ingress-piece.ts';
import { lazyFields } from './lazy.ts';
import { loopPieces } from './loop-pieces.ts';
import { createTelemetry, type Telemetry } from './telemetry.ts';
import { mcpToolServers } from './tool-servers-piece.ts';

type Serve = ReturnType<typeof handle>;

/**
 * The HTTP API behind API Gateway: the same Hono app the local stack serves. The deps are built on
 * the first request and kept for the life of the container: the approval-link key is read from
 * Secrets Manager, which needs an await. A failed build is tried again on the next request.
 */
export const createHandler = (deps: () => Promise<ApiDeps>) => {
  let ready: Promise<Serve> | undefined;
  const serve = (): Promise<Serve> => {
    ready ??= deps()
      .then((built) => handle(createApp(built)))
      .catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
    return ready;
  };
  return async (event: LambdaEvent, context?: LambdaContext) => (await serve())(event, context);
};

/** The API's deps: the loop, the ingress queue and the link signer, its key read from Secrets Manager. */
export const depsFrom = (telemetry: Telemetry, env?: Env) => async (): Promise<ApiDeps> => {
  const base = createBase(telemetry, env);
  const config = base.config();
  return apiDepsOf(lazyFields({ ...loopPieces(base), toolServers: mcpToolServers }), {
    ingress: ingressQueueOf(base),
    idempotency: idempotencyStoreOf(base),
    links: new ApprovalLinks(await signingKey(config)),
    auth: { kind: 'iam' },
    publicUrl: config.APPROVAL_BASE_URL ?? '',
    logger: telemetry.logger,
  });
};

export const handler = createHandler(depsFrom(createTelemetry()));
