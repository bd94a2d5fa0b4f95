import { ApprovalLinks } from '../lib/adapters/approval-links.ts';
import { readSecret } from '../lib/adapters/secrets-manager-secret.ts';
import { type Config, required } from './config.ts';
import { onceAsync } from './lazy.ts';

/**
 * The API's base URL from `APPROVAL_BASE_URL`, which the stack sets to the approvals path itself
 * (`https://…/v1/approvals/`): `ApprovalLinks.url` adds `/approvals/<id>` to the base.
 */
export const apiBaseOf = (approvalBaseUrl: string): string =>
  approvalBaseUrl.replace(/\/+$/, '').replace(/\/approvals$/, '');

/** The approval-link key: given directly on a laptop, read from Secrets Manager on AWS. */
export const signingKey = async (config: Config): Promise<Buffer> => {
  if (config.APPROVAL_SIGNING_SECRET !== undefined)
    return Buffer.from(config.APPROVAL_SIGNING_SECRET, 'utf-8');
  return readSecret(required(config, 'APPROVAL_SIGNING_SECRET_ARN'));
};

/** The link signer, made once its key is read; a failed read is tried again on the next call. */
export const linkSigner = (config: () => Config): (() => Promise<ApprovalLinks>) =>
  onceAsync(async () => new ApprovalLinks(await signingKey(config())));
