import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { readSecret, SecretReadError } from '../../lib/adapters/secrets-manager-secret.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ApprovalSigningKey-AbCdEf';
const secrets = mockClient(SecretsManagerClient);

afterEach(() => {
  secrets.reset();
});

describe('readSecret', () => {
  it('reads the secret string with GetSecretValue', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: 'k'.repeat(64) });

    const secret = await readSecret(ARN, { client: new SecretsManagerClient({ region: 'eu-west-1' }) });

    expect(secret.toString('utf-8')).toBe('k'.repeat(64));
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reads a binary secret', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: Buffer.from('binary-key') });

    const secret = await readSecret(ARN, { client: new SecretsManagerClient({ region: 'eu-west-1' }) });

    expect(secret.toString('utf-8')).toBe('binary-key');
  });

  it('says which secret it could not read and why', async () => {
    secrets.on(GetSecretValueCommand).rejects(new Error('User is not authorized to perform GetSecretValue'));

    const reading = readSecret(ARN, { client: new SecretsManagerClient({ region: 'eu-west-1' }) });

    await expect(reading).rejects.toBeInstanceOf(SecretReadError);
    await expect(reading).rejects.toThrow(
      `cannot read secret ${ARN}: User is not authorized to perform GetSecretValue`,
    );
  });
});
