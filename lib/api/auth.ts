import type { Context, MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import * as z from 'zod';
import type { ApiAuth, ApiEnv } from './deps.ts';

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

const iamCallerOf = (c: Context<ApiEnv>): string | undefined => {
  const parsed = LambdaEnvSchema.safeParse(c.env);
  const context = parsed.success ? parsed.data.event.requestContext : undefined;
  const caller =
    context?.identity?.userArn ??
    context?.identity?.caller ??
    context?.authorizer?.iam?.userArn ??
    context?.authorizer?.iam?.callerId;
  return caller ?? undefined;
};

const requireIamCaller: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const caller = iamCallerOf(c);
  if (caller === undefined) {
    return c.json({ error: 'unauthorized', message: 'sign the request with AWS SigV4 (IAM auth)' }, 401);
  }
  c.set('caller', caller);
  await next();
};

/** RFC 6750's token syntax, the only one hono's `bearerAuth` reads: a token outside it could never get in. */
const BEARER_TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

/** hono's `bearerAuth` (a constant-time comparison of hashes), answering every refusal alike. */
const requireToken = (token: string): MiddlewareHandler<ApiEnv> => {
  if (!BEARER_TOKEN.test(token)) {
    throw new Error(
      'THREADLINE_API_TOKEN may hold only letters, digits and - . _ ~ + / (and = at the end), as a bearer token does',
    );
  }
  // A missing, malformed or wrong header gets the same 401 (hono answers a malformed one 400):
  // the client's fix is the same.
  const refusal = {
    wwwAuthenticateHeader: 'Bearer realm="threadline"',
    message: (c: Context) =>
      c.json({ error: 'unauthorized', message: 'send Authorization: Bearer <THREADLINE_API_TOKEN>' }, 401),
  };
  return bearerAuth<ApiEnv>({
    token,
    noAuthenticationHeader: refusal,
    invalidAuthenticationHeader: refusal,
    invalidToken: refusal,
  });
};

/** Thread routes only: approval routes are public, and their links carry their own signature. */
export const requireAuth = (auth: ApiAuth): MiddlewareHandler<ApiEnv> => {
  switch (auth.kind) {
    case 'iam':
      return requireIamCaller;
    case 'token':
      return requireToken(auth.token);
    case 'none':
      return async (_c, next) => {
        await next();
      };
  }
};
