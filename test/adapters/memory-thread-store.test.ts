import { InMemoryThreadStore } from '../../lib/adapters/memory-thread-store.ts';
import { describeThreadStoreContract } from './thread-store.contract.ts';

describeThreadStoreContract('InMemoryThreadStore', async () => {
  const store = new InMemoryThreadStore();
  return { store, connect: () => store };
});
