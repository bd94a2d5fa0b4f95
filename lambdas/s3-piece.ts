import { S3Client } from '@aws-sdk/client-s3';
import { S3PayloadStore } from '../lib/adapters/s3-payload-store.ts';
import { once } from './lazy.ts';

/**
 * S3, for the pieces that use it: inbound mail imports this module, as it reads every mail from
 * S3; every other function imports it only when a thread's payload is over the size limit
 * (`lambdas/base.ts`), so the S3 client is not evaluated at its cold start.
 */
export const s3Client = once(() => new S3Client({}));

/** The thread store's payload store: large event data in the stack's bucket. */
export const s3PayloadStore = (bucket: string): S3PayloadStore =>
  new S3PayloadStore({ bucket, client: s3Client() });
