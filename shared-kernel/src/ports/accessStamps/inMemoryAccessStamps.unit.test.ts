import { accessStampsContract } from './accessStamps.contract';
import { inMemoryAccessStamps } from './inMemoryAccessStamps';

accessStampsContract('inMemoryAccessStamps', { create: async () => inMemoryAccessStamps(), dispose: async () => {} });
