import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * The credentials every bundled AWS SDK client uses: the function's role, from the variables
 * Lambda sets (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`). Bundles take
 * this module for `@aws-sdk/credential-provider-node` (lib/infra/bundling-options.ts), whose chain
 * would try these same variables first and otherwise carries the SSO, STS, sign-in, INI and
 * instance metadata providers with their clients, about 100 KB a function never calls on Lambda.
 * Unbundled code (the local stack, the CLI, tests) keeps the SDK's whole chain.
 */
export const defaultProvider: typeof fromEnv = (init) => {
  const fromVariables = fromEnv(init);
  return async () => {
    try {
      return await fromVariables();
    } catch (error) {
      throw new Error(
        'no AWS credentials: a threadline function reads its role’s credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, which Lambda sets',
        { cause: error },
      );
    }
  };
};
