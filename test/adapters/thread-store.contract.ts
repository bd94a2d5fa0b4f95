import { describe } from 'vitest';
import type { ThreadStore } from '../../lib/core/ports.ts';
import { describeAppending } from './thread-store-contract.appending.ts';
import { describeForking } from './thread-store-contract.forking.ts';
import { describeListing } from './thread-store-contract.listing.ts';
import { describeUnderLoad } from './thread-store-contract.load.ts';

export interface StoreSubject {
  store: ThreadStore;
  /** Another store on the same data, as a second Lambda would have: concurrent writers each get one. */
  connect: () => ThreadStore;
  /** Conflict retries the store has reported so far, and the most attempts one event took. */
  retries?: () => { count: number; mostAttempts: number };
}

/** Makes a store with no threads in it. */
export type MakeStore = () => Promise<StoreSubject>;

/**
 * What every `ThreadStore` promises. The in-memory store and the DynamoDB store both run this one
 * suite, so the CLI and unit tests see the same behaviour as production.
 */
export const describeThreadStoreContract = (name: string, makeStore: MakeStore): void => {
  describe(`${name} keeps the ThreadStore contract`, () => {
    describeAppending(makeStore);
    describeListing(makeStore);
    describeForking(makeStore);
    describeUnderLoad(makeStore);
  });
};
