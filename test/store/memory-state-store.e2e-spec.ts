import { MemoryStateStore } from '../../src/store/index.js';
import { describeStateStoreContract } from './state-store.contract.js';

describeStateStoreContract('memory', {
  durable: false,
  open: async ({ clock }) => ({ store: new MemoryStateStore({ clock }) }),
});
