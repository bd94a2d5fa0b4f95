import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';

export class SecretReadError extends Error {
  override readonly name = 'SecretReadError';
  constructor(
    readonly secretId: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`cannot read secret ${secretId}: ${detail}`, options);
  }
}

/**
 * Reads one secret from Secrets Manager: the approval-link signing key, once per cold start.
 * The client defaults to the secret's own region, taken from its ARN.
 */
export const readSecret = async (
  secretId: string,
  options: { client?: SecretsManagerClient } = {},
): Promise<Buffer> => {
  const region = /^arn:[\w-]+:secretsmanager:([\w-]+):/.exec(secretId)?.[1];
  const client = options.client ?? new SecretsManagerClient(region ? { region } : {});
  let answer: GetSecretValueCommandOutput;
  try {
    answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  } catch (error) {
    throw new SecretReadError(secretId, error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
  if (answer.SecretString !== undefined) return Buffer.from(answer.SecretString, 'utf-8');
  if (answer.SecretBinary !== undefined) return Buffer.from(answer.SecretBinary);
  throw new SecretReadError(secretId, 'the secret holds no value');
};
