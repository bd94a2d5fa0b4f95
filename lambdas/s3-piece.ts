import { S3Client } from '@aws-sdk/client-s3';
import { S3PayloadStore } from '../lib/adapters/s3-payload-store.ts';
import { once } from './lazy.ts';

/**
 * S3, for the pieces that use it: inbound mail imports this module, as it reads every mail from
 * S3; every other function imports it as `#s3-piece` only when a thread's payload is over the size
 * limit (`lambdas/base.ts`). Bundled, that import loads this module from a file of its own beside
 * the function's bundle (`LAZY_PIECES`, lib/infra/bundling-options.ts), so a cold start neither
 * parses nor evaluates the S3 client.
 */
export const s3Client = once(() => new S3Client({}));

/** The thread store's payload store: large event data in the stack's bucket. */
export const s3PayloadStore = (bucket: string): S3PayloadStore =>
  new S3PayloadStore({ bucket, client: s3Client() });
