import type { PayloadStore } from './payload-store.ts';

/**
 * A payload store that is made on the first body it stores or reads. Only event data over the
 * size limit goes to the payload store, so most invocations never touch it: deferring it keeps
 * its client (the S3 SDK on AWS) out of a function's cold start. A load that fails is tried again
 * on the next call.
 */
export class DeferredPayloadStore implements PayloadStore {
  private loading: Promise<PayloadStore> | undefined;

  constructor(private readonly load: () => Promise<PayloadStore>) {}

  async put(key: string, body: string): Promise<void> {
    await (await this.store()).put(key, body);
  }

  async get(key: string): Promise<string> {
    return (await this.store()).get(key);
  }

  /** Whether the store has been made (or is being made): lets tests see that it was deferred. */
  get loaded(): boolean {
    return this.loading !== undefined;
  }

  private store(): Promise<PayloadStore> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }
}
