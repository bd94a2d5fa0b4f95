import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import * as z from 'zod';
import type { ApiAuth, ApiEnv } from './deps.ts';

type Identity = { ok: true; caller: string | undefined } | { ok: false; message: string };

const Present = z.string().min(1).nullish();

/**
 * What hono/aws-lambda passes as `c.env`. API Gateway, not the client, fills `requestContext`:
 * a REST API (payload 1.0) puts the SigV4 caller in `identity`, an HTTP API (2.0) in
 * `authorizer.iam`. Both are null on a route without IAM auth, which is what this catches.
 */
const LambdaEnvSchema = z.object({
  event: z.object({
    requestContext: z.object({
      identity: z.object({ userArn: Present, caller: Present }).nullish(),
      authorizer: z.object({ iam: z.object({ userArn: Present, callerId: Present }).nullish() }).nullish(),
    }),
  }),
});

const identifyIam = (c: Context<ApiEnv>): Identity => {
  const parsed = LambdaEnvSchema.safeParse(c.env);
  const context = parsed.success ? parsed.data.event.requestContext : undefined;
  const caller =
    context?.identity?.userArn ??
    context?.identity?.caller ??
    context?.authorizer?.iam?.userArn ??
    context?.authorizer?.iam?.callerId;
  return caller ? { ok: true, caller } : { ok: false, message: 'sign the request with AWS SigV4 (IAM auth)' };
};

/** Hashing first gives equal lengths, so the comparison takes the same time whatever was sent. */
const isSameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(
    createHash('sha256').update(given).digest(),
    createHash('sha256').update(expected).digest(),
  );

const identifyToken = (c: Context<ApiEnv>, token: string): Identity => {
  const match = /^Bearer +(\S+) *$/i.exec(c.req.header('Authorization') ?? '');
  if (match?.[1] !== undefined && isSameSecret(match[1], token)) return { ok: true, caller: undefined };
  return { ok: false, message: 'send Authorization: Bearer <THREADLINE_API_TOKEN>' };
};

export const identify = (auth: ApiAuth, c: Context<ApiEnv>): Identity => {
  switch (auth.kind) {
    case 'iam':
      return identifyIam(c);
    case 'token':
      return identifyToken(c, auth.token);
    case 'none':
      return { ok: true, caller: undefined };
  }
};

/** Thread routes only: approval routes are public, and their links carry their own signature. */
export const requireAuth =
  (auth: ApiAuth): MiddlewareHandler<ApiEnv> =>
  async (c, next) => {
    const identity = identify(auth, c);
    if (!identity.ok) {
      if (auth.kind === 'token') c.header('WWW-Authenticate', 'Bearer realm="threadline"');
      return c.json({ error: 'unauthorized', message: identity.message }, 401);
    }
    c.set('caller', identity.caller);
    await next();
  };
