import type { AwaitHumanDeps } from '../lib/service/await-human.ts';
import { apiBaseOf, linkSigner } from './approval-signing.ts';
import type { Base } from './base.ts';
import { required } from './config.ts';
import type { Makers } from './lazy.ts';
import { notifyingPieces } from './notifying-pieces.ts';

/**
 * What the functions that ask people run on: the notifying pieces, how long a round waits, and the
 * approval-link signer (its key read from Secrets Manager on first use).
 */
export const approvalPieces = (base: Base): Makers<AwaitHumanDeps> => {
  const links = linkSigner(base.config);
  return {
    ...notifyingPieces(base),
    approvalTimeoutSeconds: () => base.config().APPROVAL_TIMEOUT_SECONDS,
    signApproval: () => async (grant) => {
      const signer = await links();
      return {
        link: signer.url(apiBaseOf(required(base.config(), 'APPROVAL_BASE_URL')), grant),
        reference: signer.mailReference(grant),
      };
    },
  };
};
