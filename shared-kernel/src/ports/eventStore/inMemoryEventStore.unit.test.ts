import { eventStoreContract } from './eventStore.contract';
import { inMemoryEventStore } from './inMemoryEventStore';

eventStoreContract('inMemoryEventStore', {
  create: async () => inMemoryEventStore(),
  dispose: async () => undefined,
});
